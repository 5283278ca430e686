import { DEFAULT_LOGIN_PAGE_URL } from './hosts';
import { nonce, signLoginLink } from './sign';

export interface LoginLinkOptions {
  appId: string;
  appSecret: string;
  /** A redirect URL registered for the app (the vendor takes https only), exactly as registered. */
  redirectUrl: string;
  /** The caller's random, single-use value; the page sends it back with the code. */
  state: string;
  /** The login page; default the vendor's. */
  pageUrl?: string;
  /** The link's moment, ms since the epoch (it is signed as `seq`); default now. */
  now?: number;
}

/**
 * The address of the OAuth 2.0 login page for this app: `clientId`, `redirectUrl`,
 * `grantType=authorization_code`, `state`, a fresh `nonce`, `seq` (the moment, in ms) and
 * `authorization`, the app's signature of `<appid>_<seq>`. After signing in, the person lands on
 * `redirectUrl?code=…&region=…&state=…` (or `?error=…&error_description=…&state=…`).
 *
 * @example
 * const url = oauthLoginUrl({ appId, appSecret, redirectUrl: 'https://bridge.example.com/ewelink/oauth/callback', state });
 */
export function oauthLoginUrl(options: LoginLinkOptions): string {
  const seq = String(options.now ?? Date.now());
  const url = new URL(options.pageUrl ?? DEFAULT_LOGIN_PAGE_URL);
  const query: Record<string, string> = {
    clientId: options.appId,
    redirectUrl: options.redirectUrl,
    grantType: 'authorization_code',
    state: options.state,
    nonce: nonce(),
    seq,
    authorization: signLoginLink(options.appSecret, options.appId, seq),
  };
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.toString();
}

import type { EwelinkClient, LoginIdentity, VerificationPurpose } from '../ewelink/client';
import { accountApikey } from '../ewelink/device-shape';
import { AccessTokenExpired, AuthFailed, AuthRefused, BadRequest, NotFound, tokenRefused } from '../ewelink/errors';
import { isRegion, type Region } from '../ewelink/hosts';
import type { CloudApi, OAuthTokens, TokenGrant } from '../ewelink/types';
import type { EwelinkV2Client } from '../ewelink/v2-client';
import { AlreadyLinked, CloudAuthRefused, InvalidInput, LinkRefused } from '../errors';
import { newSecret } from '../secrets';
import type { OAuthStateRepository, TokenRecord, TokenRepository } from './model';
import type { AdoptedTokens, RefreshReport, TokenKeeper } from './token-keeper';

/** How long a sign-in through the login page may take, from its start to the callback. */
export const OAUTH_STATE_LIFETIME_MS = 10 * 60_000;

/** A link just made: the stored pair (never printed) and who it signed in as. */
export interface Linked {
  record: TokenRecord;
  /** The e-mail address or phone number the cloud names for the account, when it does. */
  login?: string;
}

/**
 * How a login, registration or reset treats an account already linked: by default a link to
 * another eWeLink account stands (`AlreadyLinked`); `replace` links the new one in its place.
 * Linking the same eWeLink account again (fresh tokens) is always allowed.
 */
export interface LinkOptions {
  replace?: boolean;
}

/** An account unlinked: which API it used, and whether eWeLink itself revoked the bridge's tokens. */
export interface Unlinked {
  api: CloudApi;
  /**
   * True when the cloud revoked the pair (v2's unlink). False for v1, which has no way to: the
   * pair stays valid at eWeLink until it expires or a newer login replaces it, or for a v2 pair
   * the cloud no longer took anyway.
   */
  revoked: boolean;
}

/** A sign-in through the eWeLink login page, started: where to send the person, until when. */
export interface OAuthStart {
  /** The login page's address, signed for this app; it carries the state. */
  url: string;
  /** Where the login page sends the person back (the registered redirect URL). */
  redirectUrl: string;
  /** Epoch ms after which the callback is refused. */
  expiresAt: number;
}

/** The query the login page sent the person back with, as it came. */
export interface OAuthLanding {
  state?: string;
  code?: string;
  region?: string;
  error?: string;
}

/** A link made through the login page: how many devices the account has, and whether commands may use the socket. */
export interface OAuthLinked extends Linked {
  devices: number;
  /** False when the account owns no device: its apikey is unknown, so commands go over HTTP only. */
  socket: boolean;
}

/** What linking works with. */
export interface AccountLinkingParts {
  client: EwelinkClient;
  v2: EwelinkV2Client;
  keeper: TokenKeeper;
  tokens: TokenRepository;
  states: OAuthStateRepository;
  /** The account's cached device list, forgotten on every new link: it may be another eWeLink account now. */
  devices: { forget(accountId: string): Promise<void> };
  /** The registered redirect URL, when configured; a caller may name its own otherwise. */
  redirectUrl?: string;
  now?: () => number;
}

/** An error the login page may send back; anything else is not repeated to the person. */
const OAUTH_ERROR = /^[a-z_]{1,40}$/;

/**
 * Linking bridge accounts to eWeLink accounts: the one place that signs in, registers,
 * resets, imports a token pair, links through the eWeLink login page (OAuth 2.0, v2), and
 * stores the result. The admin command, `npm start`, the HTTP callback and the tests all link
 * through here; the pair is kept by the token keeper, passwords never.
 *
 * @example
 * const { record } = await accounts.login('default', { email: 'me@example.com' }, password, 'eu');
 */
export class AccountLinking {
  private readonly client: EwelinkClient;
  private readonly v2: EwelinkV2Client;
  private readonly keeper: TokenKeeper;
  private readonly tokens: TokenRepository;
  private readonly states: OAuthStateRepository;
  private readonly now: () => number;

  constructor(private readonly parts: AccountLinkingParts) {
    ({ client: this.client, v2: this.v2, keeper: this.keeper, tokens: this.tokens, states: this.states } = parts);
    this.now = parts.now ?? Date.now;
  }

  /** The redirect URL configured for the app, if any. */
  get redirectUrl(): string | undefined {
    return this.parts.redirectUrl;
  }

  /**
   * Starts a sign-in through the eWeLink login page for `accountId`: keeps a random, single-use
   * state (its hash only) for 10 minutes and answers the login page's address. The person
   * comes back to `redirectUrl` (the configured one when not given), which must be registered
   * for the app exactly as written.
   *
   * @example
   * const { url } = await accounts.startOAuth('default', 'https://bridge.example.com/ewelink/oauth/callback');
   */
  async startOAuth(accountId: string, redirectUrl: string | undefined = this.parts.redirectUrl): Promise<OAuthStart> {
    if (!redirectUrl) throw new InvalidInput('redirectUrl', 'is needed: the redirect URL registered for the eWeLink app (EWELINK_REDIRECT_URL, or --redirect-url)');
    if (!isWebUrl(redirectUrl)) throw new InvalidInput('redirectUrl', 'must be an http(s) URL, exactly as registered for the eWeLink app');
    const state = newSecret(24);
    const expiresAt = this.now() + OAUTH_STATE_LIFETIME_MS;
    await this.states.put(state, { accountId, redirectUrl, expiresAt });
    return { url: this.v2.loginUrl(redirectUrl, state, this.now()), redirectUrl, expiresAt };
  }

  /**
   * Finishes a sign-in from the address the login page sent the person back to: takes the state
   * (once: a second try with it is refused), trades the code for tokens, finds the account's
   * apikey on a device it owns, and stores the pair as a v2 link. An unknown, used or expired
   * state, a denied sign-in or a code the cloud refuses is `LinkRefused`, and nothing is stored.
   *
   * @example
   * const { record, devices, socket } = await accounts.finishOAuth({ state, code, region });
   */
  async finishOAuth(landing: OAuthLanding): Promise<OAuthLinked> {
    const started = landing.state ? await this.states.take(landing.state) : undefined;
    if (!started || started.expiresAt <= this.now()) {
      throw new LinkRefused('this sign-in is unknown, was finished already, or was started more than 10 minutes ago; nothing was linked: start it again');
    }
    if (landing.error !== undefined) {
      const said = OAUTH_ERROR.test(landing.error) ? ` ("${landing.error}")` : '';
      throw new LinkRefused(`the eWeLink sign-in was not completed${said}, so nothing was linked; start again to link the account`);
    }
    if (!landing.code || !isRegion(landing.region)) {
      throw new LinkRefused('the address lacks the code or the region the eWeLink login page adds; nothing was linked: start again');
    }
    const tokens = await this.exchange(landing.code, started.redirectUrl, landing.region);
    const devices = await this.v2.devices({ at: tokens.at, apikey: '', region: tokens.region, api: 'v2' });
    const apikey = accountApikey(devices) ?? '';
    const record = await this.adopt(started.accountId, { ...tokens, apikey, api: 'v2' });
    return { record, devices: devices.length, socket: apikey !== '' };
  }

  /**
   * Unlinks the account: a v2 link is revoked at eWeLink first (a pair the cloud no longer takes
   * needs no revoking), then the bridge forgets the pair and the cached device list. The
   * account's keys, hooks, timers and scenes stay, for a new link; until then its commands
   * answer `account_not_linked`. If eWeLink cannot be reached, nothing is forgotten: try again.
   *
   * @example
   * const { revoked } = await accounts.unlink('default');
   */
  async unlink(accountId: string): Promise<Unlinked> {
    const { api = 'v1' } = await this.keeper.load(accountId);
    let revoked = false;
    if (api === 'v2') {
      try {
        await this.keeper.withCredentials(accountId, (creds) => this.v2.unlink(creds));
        revoked = true;
      } catch (err) {
        if (!(err instanceof CloudAuthRefused || tokenRefused(err))) throw err;
      }
    }
    await this.keeper.forget(accountId);
    await this.parts.devices.forget(accountId);
    return { api, revoked };
  }

  /** The region the cloud serves a country calling code from (or this app, without one). */
  region(countryCode?: string): Promise<Region> {
    return this.client.region(countryCode);
  }

  sendCode(to: LoginIdentity, purpose: VerificationPurpose, region: Region): Promise<void> {
    return this.client.sendVerificationCode(to, purpose, region);
  }

  async login(accountId: string, identity: LoginIdentity, password: string, region: Region, options: LinkOptions = {}): Promise<Linked> {
    return this.link(accountId, await this.client.login(identity, password, region), options);
  }

  async register(accountId: string, identity: LoginIdentity, password: string, code: string, region: Region, options: LinkOptions = {}): Promise<Linked> {
    // A new eWeLink account is never the one linked: refused before the cloud is asked, so the code stays good.
    if (!options.replace && (await this.tokens.get(accountId))) throw new AlreadyLinked(accountId);
    return this.link(accountId, await this.client.register(identity, password, code, region), { replace: true });
  }

  async resetPassword(accountId: string, identity: LoginIdentity, password: string, code: string, region: Region, options: LinkOptions = {}): Promise<Linked> {
    return this.link(accountId, await this.client.resetPassword(identity, password, code, region), options);
  }

  /** Changes the linked account's password; fails before calling the cloud when the account is not linked. */
  async changePassword(accountId: string, current: string, next: string): Promise<TokenRecord> {
    await this.keeper.requireV1(accountId, 'changing the password');
    const record = await this.linked(accountId);
    await this.keeper.withCredentials(accountId, (creds) => this.client.changePassword(creds, current, next));
    return record;
  }

  /**
   * Links an access/refresh pair made elsewhere. One device-list call checks the pair and
   * follows the account to its region when it was given the wrong one.
   */
  async importPair(accountId: string, pair: { at: string; rt: string; apikey: string; region: Region }): Promise<Linked & { devices: number }> {
    const creds = { at: pair.at, apikey: pair.apikey, region: pair.region };
    const devices = await this.client.devices(creds);
    const record = await this.adopt(accountId, { at: pair.at, rt: pair.rt, region: creds.region, apikey: pair.apikey });
    return { record, devices: devices.length };
  }

  /** The stored pair of the account, or undefined when it is not linked. */
  status(accountId: string): Promise<TokenRecord | undefined> {
    return this.tokens.get(accountId);
  }

  /** The stored pair of the account; `account_not_linked` when there is none. */
  linked(accountId: string): Promise<TokenRecord> {
    return this.keeper.load(accountId);
  }

  /** Every linked account's id. */
  async accountIds(): Promise<string[]> {
    return (await this.tokens.list()).map((r) => r.accountId);
  }

  /** Refreshes every pair that expires within `withinMs` (the schedule calls this). */
  refreshExpiring(withinMs?: number): Promise<RefreshReport> {
    return this.keeper.refreshExpiring(withinMs);
  }

  /** The code traded for tokens; a code the cloud does not take (used, expired, another app's) is `LinkRefused`. */
  private async exchange(code: string, redirectUrl: string, region: Region): Promise<OAuthTokens> {
    try {
      return await this.v2.exchangeCode(code, redirectUrl, region);
    } catch (err) {
      if (err instanceof AuthFailed || err instanceof AuthRefused || err instanceof BadRequest || err instanceof AccessTokenExpired || err instanceof NotFound) {
        throw new LinkRefused('eWeLink did not take the sign-in code: it was used already or has expired. Nothing was linked: start again', undefined, { cause: err });
      }
      throw err;
    }
  }

  /** Stores the new pair and drops the device list cached under the old one. */
  private async adopt(accountId: string, tokens: AdoptedTokens): Promise<TokenRecord> {
    const record = await this.keeper.adopt(accountId, tokens);
    await this.parts.devices.forget(accountId);
    return record;
  }

  /** Stores the grant, unless it would replace a link to another eWeLink account (told by its apikey) unasked. */
  private async link(accountId: string, grant: TokenGrant, options: LinkOptions): Promise<Linked> {
    if (!options.replace) {
      const held = await this.tokens.get(accountId);
      if (held && held.apikey !== grant.user.apikey) throw new AlreadyLinked(accountId);
    }
    const login = grant.user.email ?? grant.user.phoneNumber;
    const record = await this.adopt(accountId, { at: grant.at, rt: grant.rt, region: grant.region, apikey: grant.user.apikey, ...(login !== undefined && { login }) });
    return login === undefined ? { record } : { record, login };
  }
}

function isWebUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

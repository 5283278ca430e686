import { request } from 'undici';
import { Politeness } from '../../lib/ewelink/politeness';
import { EwelinkV2Client, type V2ClientConfig } from '../../lib/ewelink/v2-client';
import { TEST_CLOUD_LIMITS } from '../support/bridge';
import type { Credentials } from '../../lib/ewelink/types';
import type { Sim } from '../../sim/index';
import { APP_ID, APP_SECRET } from './fixture';

/*
 * The v2 client against the sim: a client aimed at the sim's v2 hosts and login page, and the
 * login page driven over HTTP as a browser's form would be (a real browser comes with the
 * bridge's OAuth routes).
 */

export const REDIRECT_URL = 'https://bridge.example.com/ewelink/oauth/callback';

export function v2ClientFor(sim: Sim, overrides: Partial<V2ClientConfig> = {}): EwelinkV2Client {
  return new EwelinkV2Client({
    appId: APP_ID,
    appSecret: APP_SECRET,
    apiUrl: sim.v2ApiUrlTemplate,
    dispatchUrl: sim.dispatchUrlTemplate,
    loginPageUrl: sim.loginPageUrl,
    timeoutMs: 5_000,
    politeness: new Politeness(TEST_CLOUD_LIMITS),
    ...overrides,
  });
}

/** Where the login page sent the browser: the parsed redirect, or the page it showed instead. */
export interface Landing {
  status: number;
  /** The redirect's address, when there was one. */
  to?: URL;
  html: string;
}

/** Opens the login link (the form must show), then submits the form with the given fields. */
export async function submitLogin(link: string, form: Record<string, string>): Promise<Landing> {
  const page = await request(link);
  const html = await page.body.text();
  if (page.statusCode !== 200) return { status: page.statusCode, html };
  const res = await request(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const location = res.headers['location'];
  const text = await res.body.text();
  return { status: res.statusCode, ...(typeof location === 'string' && { to: new URL(location) }), html: text };
}

/** Signs the account in through the client's own login link; the code, region and state of the redirect. */
export async function signIn(client: EwelinkV2Client, login: string, password: string, state = 'state-0001'): Promise<{ code: string; region: string; state: string }> {
  const landing = await submitLogin(client.loginUrl(REDIRECT_URL, state), { login, password, decision: 'allow' });
  const code = landing.to?.searchParams.get('code');
  const region = landing.to?.searchParams.get('region');
  if (!code || !region) throw new Error(`sign-in failed: HTTP ${landing.status} ${landing.to ?? landing.html}`);
  return { code, region, state: landing.to?.searchParams.get('state') ?? '' };
}

/** v2 credentials for the account, through the login page and the code exchange. */
export async function v2Credentials(client: EwelinkV2Client, login: string, password: string, apikey = ''): Promise<Credentials & { rt: string }> {
  const { code, region } = await signIn(client, login, password);
  const tokens = await client.exchangeCode(code, REDIRECT_URL, region as Credentials['region']);
  return { at: tokens.at, rt: tokens.rt, apikey, region: tokens.region, api: 'v2' };
}

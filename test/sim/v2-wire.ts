import { createHmac } from 'node:crypto';
import { request } from 'undici';
import type { Sim } from '../../sim/index';
import { signBody } from '../../lib/ewelink/sign';
import { APP_ID, APP_SECRET, nonce, type Json, type Reply } from './wire';

/*
 * The v2 wire, by hand: plain undici requests with v2's headers (X-CK-Appid, X-CK-Nonce,
 * Sign over the exact body, Bearer), and the login page driven as a browser's form would, so
 * the sim is checked against the notes, not against the client.
 */

/** A redirect URL every v2 sim test registers. */
export const REDIRECT_URL = 'https://bridge.example.com/ewelink/oauth/callback';

export type V2Auth = { sign: true } | { bearer: string } | { header: string } | undefined;

export function v2Base(sim: Sim, region: string): string {
  return sim.v2ApiUrlTemplate.replace('{region}', region);
}

export function dispatchBase(sim: Sim, region: string): string {
  return sim.dispatchUrlTemplate.replace('{region}', region);
}

function authHeaders(auth: V2Auth, body: string): Record<string, string> {
  if (!auth) return {};
  if ('sign' in auth) return { 'x-ck-appid': APP_ID, authorization: `Sign ${signBody(APP_SECRET, body)}` };
  if ('bearer' in auth) return { authorization: `Bearer ${auth.bearer}` };
  return { authorization: auth.header };
}

async function answer(res: Awaited<ReturnType<typeof request>>, started: number): Promise<Reply> {
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : undefined, ms: performance.now() - started, headers: res.headers };
}

/** A v2 POST: JSON body (as given, no common fields), X-CK-Nonce, and the auth's headers; `headers` override them. */
export async function v2Post(base: string, path: string, fields: Json, auth: V2Auth, headers: Record<string, string> = {}): Promise<Reply> {
  const body = JSON.stringify(fields);
  const started = performance.now();
  const res = await request(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-ck-nonce': nonce(), ...authHeaders(auth, body), ...headers },
    body,
  });
  return answer(res, started);
}

/** A v2 GET or DELETE: the query as given (no common fields). */
export async function v2Query(method: 'GET' | 'DELETE', base: string, path: string, query: Record<string, string | number>, auth: V2Auth): Promise<Reply> {
  const url = new URL(`${base}${path}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
  const started = performance.now();
  const res = await request(url, { method, headers: authHeaders(auth, '') });
  return answer(res, started);
}

/** The login page's query, signed as the notes say; `overrides` replace (or, as undefined, drop) fields. */
export function loginQuery(overrides: Record<string, string | undefined> = {}): URLSearchParams {
  const seq = overrides['seq'] ?? String(Date.now());
  const fields: Record<string, string | undefined> = {
    clientId: APP_ID,
    redirectUrl: REDIRECT_URL,
    grantType: 'authorization_code',
    state: 'state-1234',
    nonce: nonce(),
    seq,
    authorization: createHmac('sha256', APP_SECRET).update(`${APP_ID}_${seq}`).digest('base64'),
    ...overrides,
  };
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) query.set(k, v);
  return query;
}

export interface PageReply {
  status: number;
  location: string | undefined;
  contentType: string | undefined;
  html: string;
}

async function page(res: Awaited<ReturnType<typeof request>>): Promise<PageReply> {
  const header = (name: string) => {
    const value = res.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return { status: res.statusCode, location: header('location'), contentType: header('content-type'), html: await res.body.text() };
}

export async function openLoginPage(sim: Sim, query: URLSearchParams): Promise<PageReply> {
  return page(await request(`${sim.loginPageUrl}?${query}`));
}

/** Submits the page's form, as a browser posts it (redirects are not followed). */
export async function submitLoginPage(sim: Sim, query: URLSearchParams, form: Record<string, string>): Promise<PageReply> {
  return page(
    await request(`${sim.loginPageUrl}?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    }),
  );
}

/** Signs the account in on the page and returns the code (and region) of the redirect. */
export async function codeFor(sim: Sim, login: string, password: string, redirectUrl = REDIRECT_URL): Promise<{ code: string; region: string }> {
  const reply = await submitLoginPage(sim, loginQuery({ redirectUrl }), { login, password, decision: 'allow' });
  const to = new URL(reply.location ?? 'about:blank');
  const code = to.searchParams.get('code');
  const region = to.searchParams.get('region');
  if (reply.status !== 302 || !code || !region) throw new Error(`sign-in failed: ${reply.status} ${reply.location ?? reply.html}`);
  return { code, region };
}

/** The code exchanged for tokens over the wire. */
export async function exchange(sim: Sim, code: string, region = 'eu', redirectUrl = REDIRECT_URL): Promise<Reply> {
  return v2Post(v2Base(sim, region), '/v2/user/oauth/token', { code, redirectUrl, grantType: 'authorization_code' }, { sign: true });
}

/** A v2 access token (and rt) for the account, through the page and the token exchange. */
export async function v2Tokens(sim: Sim, login: string, password: string): Promise<{ at: string; rt: string }> {
  const { code, region } = await codeFor(sim, login, password);
  const reply = await exchange(sim, code, region);
  if (reply.body?.error !== 0) throw new Error(`exchange failed: ${JSON.stringify(reply.body)}`);
  return { at: reply.body.data.accessToken, rt: reply.body.data.refreshToken };
}

import { createHash, randomBytes } from 'node:crypto';
import { request } from 'undici';
import type { AssistantClient } from '../../lib/accounts/assistant-links';
import type { Bridge } from '../../lib/bridge';
import { answerBody } from './answers';

/*
 * An assistant's side of account linking, over HTTP against the bridge's authorize page and
 * token endpoint, as Alexa or Google (and the person in between) would do it.
 */

export const REDIRECT_URI = 'https://assistant.example.com/link/return';

export interface Answer {
  status: number;
  text: string;
  body: any;
  headers: Record<string, string | string[] | undefined>;
  /** A redirect's target. */
  location?: URL;
}

/** Sends a request to the bridge at `url`; `form` is sent as application/x-www-form-urlencoded. */
export async function send(url: string, method: 'GET' | 'POST', path: string, options: { form?: Record<string, string>; raw?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const body = options.raw ?? (options.form ? new URLSearchParams(options.form).toString() : undefined);
  const headers = { ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }), ...options.headers };
  const res = await request(url + path, { method, headers, body });
  const text = await res.body.text();
  const location = typeof res.headers.location === 'string' ? new URL(res.headers.location) : undefined;
  return { status: res.statusCode, text, body: answerBody(text, res.headers['content-type']), headers: res.headers, location };
}

/** A registered client with its secret. */
export interface TestClient {
  client: AssistantClient;
  secret: string;
}

/** Registers a client, as `oauth-client add` does. */
export function addClient(bridge: Bridge, options: { name?: string; redirectUris?: string[]; requirePkce?: boolean } = {}): Promise<TestClient> {
  return bridge.assistantLinks.addClient({ name: options.name ?? 'alexa', redirectUris: options.redirectUris ?? [REDIRECT_URI], requirePkce: options.requirePkce });
}

/** A PKCE verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The query of an authorize request of the client, `extra` added or replacing. */
export function authorizeQuery(client: AssistantClient, extra: Record<string, string> = {}): string {
  return new URLSearchParams({ response_type: 'code', client_id: client.id, redirect_uri: client.redirectUris[0] as string, state: 'state-1 &<"x">', ...extra }).toString();
}

/** The hidden fields of the page's form, by name, unescaped. */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields[unescape(name as string)] = unescape(value as string);
  return fields;
}

const unescape = (text: string) => text.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" })[e] as string);

/** Opens the authorize page and answers it: the page's form sent back with the decision and proof. */
export async function approve(url: string, query: string, proof: string, decision: 'approve' | 'deny' = 'approve'): Promise<{ page: Answer; answer: Answer; fields: Record<string, string> }> {
  const page = await send(url, 'GET', `/oauth/authorize?${query}`);
  if (page.status !== 200) throw new Error(`preparing: the authorize page answered ${page.status}: ${page.text.slice(0, 300)}`);
  const fields = hiddenFields(page.text);
  const answer = await send(url, 'POST', '/oauth/authorize', { form: { ...fields, proof, decision } });
  return { page, answer, fields };
}

/** Posts to the token endpoint with the client's credentials in the form. */
export function tokenRequest(url: string, { client, secret }: TestClient, form: Record<string, string>): Promise<Answer> {
  return send(url, 'POST', '/oauth/token', { form: { client_id: client.id, client_secret: secret, ...form } });
}

/**
 * A whole link: the page approved with `proof`, the code traded for tokens.
 *
 * @example
 * const { access_token, refresh_token } = await linkAssistant(h.url, client, h.apiKey);
 */
export async function linkAssistant(url: string, client: TestClient, proof: string): Promise<{ access_token: string; refresh_token: string; expires_in: number }> {
  const pkce = client.client.requirePkce ? pkcePair() : undefined;
  const query = authorizeQuery(client.client, pkce ? { code_challenge: pkce.challenge, code_challenge_method: 'S256' } : {});
  const { answer } = await approve(url, query, proof);
  const code = answer.location?.searchParams.get('code');
  if (!code) throw new Error(`preparing: no code: ${answer.status} ${answer.text.slice(0, 300)}`);
  const tokens = await tokenRequest(url, client, { grant_type: 'authorization_code', code, redirect_uri: client.client.redirectUris[0] as string, ...(pkce ? { code_verifier: pkce.verifier } : {}) });
  if (tokens.status !== 200) throw new Error(`preparing: the token endpoint answered ${tokens.status}: ${tokens.text}`);
  return tokens.body;
}

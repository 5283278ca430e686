import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import WebSocket from 'ws';
import { signBody, signQuery } from '../../lib/ewelink/sign';

/*
 * The wire, by hand: common fields, plain undici requests and plain ws sockets, so the sim is
 * checked against the spec, not against the client. Signatures come from the one signer,
 * lib/ewelink/sign.ts, which test/ewelink/sign.test.ts checks against values computed elsewhere.
 */

export const APP_ID = 'test-app-id';
export const APP_SECRET = 'test-app-secret';

/** A parsed answer: the tests poke into it freely. */
export type Json = any;

export interface Reply {
  status: number;
  body: Json;
  ms: number;
  headers: Record<string, string | string[] | undefined>;
}

export type Auth =
  | { sign: true }
  | { bearer: string }
  /** Exactly this Authorization header. */
  | { header: string }
  | undefined;

export function nonce(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join('');
}

export function commonFields(): Record<string, unknown> {
  return { appid: APP_ID, nonce: nonce(), ts: Math.floor(Date.now() / 1000), version: 8 };
}

function authorization(auth: Auth, signature: () => string): Record<string, string> {
  if (!auth) return {};
  if ('sign' in auth) return { authorization: `Sign ${signature()}` };
  if ('bearer' in auth) return { authorization: `Bearer ${auth.bearer}` };
  return { authorization: auth.header };
}

/** Drops undefined fields, so `{ts: undefined}` sends no ts. */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/** POST with the common fields in the JSON body; `fields` override them. */
export function post(base: string, path: string, fields: Record<string, unknown>, auth: Auth, headers: Record<string, string> = {}): Promise<Reply> {
  return sendBody('POST', base, path, fields, auth, headers);
}

/** PUT, like POST: the common fields in the JSON body, signed over its bytes. */
export function put(base: string, path: string, fields: Record<string, unknown>, auth: Auth, headers: Record<string, string> = {}): Promise<Reply> {
  return sendBody('PUT', base, path, fields, auth, headers);
}

async function sendBody(method: 'POST' | 'PUT', base: string, path: string, fields: Record<string, unknown>, auth: Auth, headers: Record<string, string>): Promise<Reply> {
  const body = JSON.stringify(defined({ ...commonFields(), ...fields }));
  const started = performance.now();
  const res = await request(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...authorization(auth, () => signBody(APP_SECRET, body)), ...headers },
    body,
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : undefined, ms: performance.now() - started, headers: res.headers };
}

/** GET with the common fields in the query (URL-encoded on the wire, signed unencoded). */
export function get(base: string, path: string, fields: Record<string, unknown>, auth: Auth, headers: Record<string, string> = {}): Promise<Reply> {
  return sendQuery('GET', base, path, fields, auth, headers);
}

/** DELETE, like GET: the common fields in the query. */
export function del(base: string, path: string, fields: Record<string, unknown>, auth: Auth, headers: Record<string, string> = {}): Promise<Reply> {
  return sendQuery('DELETE', base, path, fields, auth, headers);
}

async function sendQuery(method: 'GET' | 'DELETE', base: string, path: string, fields: Record<string, unknown>, auth: Auth, headers: Record<string, string>): Promise<Reply> {
  const params = Object.fromEntries(Object.entries(defined({ ...commonFields(), ...fields })).map(([k, v]) => [k, String(v)]));
  const url = new URL(`${base}${path}`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const started = performance.now();
  const res = await request(url, { method, headers: { ...authorization(auth, () => signQuery(APP_SECRET, params)), ...headers } });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : undefined, ms: performance.now() - started, headers: res.headers };
}

/** A /_sim/ control call (no signing, no common fields). */
export async function control(base: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> {
  const started = performance.now();
  const res = await request(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : undefined, ms: performance.now() - started, headers: res.headers };
}

/** A raw WebSocket with a queue of what arrived, parsed when it is JSON. */
export class SocketClient {
  private readonly received: Json[] = [];
  private readonly waiters: Array<() => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      let message: Json = text;
      try {
        message = JSON.parse(text);
      } catch {
        // a text frame like 'pong'
      }
      this.received.push(message);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static open(url: string): Promise<SocketClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const client = new SocketClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    });
  }

  send(message: Json): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first not-yet-taken message that matches, waiting up to timeoutMs for it. */
  async next(match: (message: Json) => boolean = () => true, timeoutMs = 2000): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.received.findIndex(match);
      if (index >= 0) return this.received.splice(index, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching socket message within ${timeoutMs} ms; have ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Everything received and not taken yet. */
  pending(): Json[] {
    return [...this.received];
  }

  close(): void {
    this.ws.close();
  }
}

export function bySequence(sequence: string | number) {
  return (message: Json) => typeof message === 'object' && message !== null && message.sequence === sequence && message.action === undefined;
}

/** The userOnline handshake message, with fields overridable. */
export function userOnline(at: string, apikey: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return defined({
    action: 'userOnline',
    at,
    apikey,
    appid: APP_ID,
    nonce: nonce(),
    ts: Math.floor(Date.now() / 1000),
    userAgent: 'app',
    sequence: String(Date.now()),
    version: 8,
    ...overrides,
  });
}

let sequenceCounter = Date.now();

/** A unique millisecond-style sequence string. */
export function sequence(): string {
  sequenceCounter += 1;
  return String(sequenceCounter);
}

/** Opens a socket and completes the handshake; returns the client. */
export async function onlineSocket(wsUrl: string, at: string, apikey: string): Promise<SocketClient> {
  const client = await SocketClient.open(wsUrl);
  const hello = userOnline(at, apikey);
  client.send(hello);
  const reply = await client.next((m) => m.sequence === hello['sequence']);
  if (reply.error !== 0) throw new Error(`handshake refused: ${JSON.stringify(reply)}`);
  return client;
}

export function updateMessage(apikey: string, deviceid: string, params: Record<string, unknown>, seq: string | number = sequence()) {
  return { action: 'update', apikey, deviceid, params, userAgent: 'app', sequence: seq, ts: 0 };
}

export function queryMessage(apikey: string, deviceid: string, params: string[], seq: string | number = sequence()) {
  return { action: 'query', apikey, deviceid, params, userAgent: 'app', sequence: seq, ts: 0 };
}

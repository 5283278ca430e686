import type { Pool as PoolType } from 'undici';
import { Pool, poolRequest } from './undici-pool';
import { callLimit } from '../deadline';
import { CloudCallTimeout, cloudError, CloudFailure, CloudUnreachable, type EwelinkError } from './errors';
import { isRegion } from './hosts';
import { cloudPoliteness, type Politeness } from './politeness';
import { commonParams, signBody, signQuery } from './sign';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** How a call proves itself: an app signature (before login) or the account's access token. */
export type CallAuth = { kind: 'sign' } | { kind: 'bearer'; at: string };

export interface Call {
  /** Short name of the operation, used in error messages (`login`, `deviceList`, …). */
  operation: string;
  method: Method;
  /** Path below the host, e.g. `/api/user/device`. */
  path: string;
  auth: CallAuth;
  /** Whose call this is, for the rate limits (an apikey); calls made before login share one lane per endpoint. */
  account?: string;
  /** Operation fields; the common fields (appid, nonce, ts, version) are added here. */
  params?: Record<string, unknown>;
  /**
   * For the few operations that still fail in a legacy shape (`{error: "<text>"}`,
   * `{code, error: "<text>"}`): the typed error such a reply stands for, else undefined.
   * Checked before the usual numeric `error` and HTTP status.
   */
  legacyFailure?: (reply: Reply) => EwelinkError | undefined;
}

/** A decoded reply: whatever the operation returns, plus the cloud's error fields. */
export type Reply = Record<string, unknown> & { error?: unknown };

export interface CloudHttpOptions {
  appId: string;
  appSecret: string;
  /** Per-request limit for headers and body, ms. */
  timeoutMs?: number;
  /** The rate limiter the calls wait on (default the process's `cloudPoliteness`). */
  politeness?: Politeness;
}

/** How long one HTTP call waits for the cloud's headers (and then between body chunks), ms, unless the client is given another limit. */
export const HTTP_TIMEOUT_MS = 6_000;

// One keep-alive pool per origin for the whole process: warm invocations reuse the TLS session.
const pools = new Map<string, PoolType>();

function poolFor(origin: string): PoolType {
  let pool = pools.get(origin);
  if (!pool) {
    pool = new Pool(origin, { connections: 8, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });
    pools.set(origin, pool);
  }
  return pool;
}

/** Closes every pooled connection (tests and the local runner call this on shutdown). */
export async function closeHttpPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.close().catch(() => undefined)));
}

/** One request as it goes on the wire. */
export interface WireRequest {
  method: Method;
  /** Path and query below the origin. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Whose turn a call waits for under the cloud's rate limits: the limiter, and the account's lane in it. */
export interface Pacing {
  politeness: Politeness;
  /** An apikey; calls made before login share the app's lane (`'app'`). */
  account: string;
}

/**
 * Waits for the call's turn on its endpoint (its method and path without the query), then
 * sends it over the origin's keep-alive pool and decodes the answer, which must be a JSON
 * object; an unreachable cloud, a timeout or another answer is a typed error. Shared by the
 * v1 and v2 calls.
 *
 * @example
 * const { status, reply } = await roundTrip('https://eu-apia.coolkit.cc', { method: 'GET', path: '/v2/family', headers }, 'families', HTTP_TIMEOUT_MS, { politeness: cloudPoliteness, account: apikey });
 */
export async function roundTrip(origin: string, request: WireRequest, operation: string, timeoutMs: number, pacing: Pacing): Promise<{ status: number; reply: Reply }> {
  const answered = await pacing.politeness.turn(pacing.account, endpointOf(request.method, new URL(origin).host + request.path), operation);
  try {
    return await exchange(origin, request, operation, timeoutMs);
  } finally {
    answered();
  }
}

async function exchange(origin: string, request: WireRequest, operation: string, timeoutMs: number): Promise<{ status: number; reply: Reply }> {
  // Cut to the request's budget (after the turn's wait): a hanging cloud ends as a timeout while the caller can still be answered.
  const limit = callLimit(timeoutMs);
  if (limit <= 0) throw new CloudCallTimeout(operation, 0, false);
  let status: number;
  let text: string;
  try {
    // The abort signal ends the call, headers and body alike, when the limit is up. undici's own
    // headersTimeout/bodyTimeout tick coarsely and were seen firing over 100 ms early.
    const res = await poolRequest(poolFor(origin), { ...request, signal: AbortSignal.timeout(limit) });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    if (timedOut(err)) throw new CloudCallTimeout(operation, limit);
    throw new CloudUnreachable(operation, (err as Error).message, cutAfterSending(err));
  }

  let reply: Reply;
  try {
    reply = JSON.parse(text) as Reply;
  } catch {
    throw new CloudFailure(status, operation, `${operation}: the cloud answered HTTP ${status} with a body that is not JSON`);
  }
  if (reply === null || typeof reply !== 'object' || Array.isArray(reply)) {
    throw new CloudFailure(status, operation, `${operation}: the cloud answered with an unexpected shape`);
  }
  return { status, reply };
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_ABORTED']);
/**
 * Failures of a connection that was open when the request went on it (the other side closed or
 * reset it): the cloud may have carried the request out. A refused or unresolved connection
 * (ECONNREFUSED, ENOTFOUND, a connect timeout) sent nothing.
 */
const CUT_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

function cutAfterSending(err: unknown): boolean {
  const { code } = (err ?? {}) as { code?: unknown };
  return typeof code === 'string' && CUT_CODES.has(code);
}

function timedOut(err: unknown): boolean {
  const { code, name } = (err ?? {}) as { code?: unknown; name?: unknown };
  return (typeof code === 'string' && TIMEOUT_CODES.has(code)) || name === 'TimeoutError' || name === 'AbortError';
}

/**
 * The rate-limit lane of a call: its method and path without the query (the path names the
 * endpoint; a device id in it makes each device its own endpoint, as the cloud counts them).
 */
function endpointOf(method: string, path: string): string {
  return `${method} ${path.split('?')[0] ?? path}`;
}

/**
 * Throws the typed error a decoded answer stands for: a nonzero `error` (with `region` for a
 * 301), else an HTTP failure status. Shared by the v1 and v2 calls.
 *
 * @example
 * throwIfFailed(reply, status, 'deviceList', reply.region);
 */
export function throwIfFailed(reply: Reply, status: number, operation: string, region: unknown): void {
  // The spec types `error` as a number in most answers and as a string in some (refresh, status).
  const code = typeof reply.error === 'number' ? reply.error : typeof reply.error === 'string' && /^\d+$/.test(reply.error) ? Number(reply.error) : Number.NaN;
  if (Number.isFinite(code) && code !== 0) {
    const detail = [reply.msg, reply.errmsg, reply.reason].find((v) => typeof v === 'string' && v !== '') as string | undefined;
    throw cloudError(code, operation, detail, isRegion(region) ? region : undefined);
  }
  if (status >= 400) {
    throw new CloudFailure(status, operation, `${operation}: the cloud answered HTTP ${status}`);
  }
}

/**
 * Signs and sends calls to the eWeLink v1 HTTP API and turns error replies into typed errors.
 */
export class CloudHttp {
  private readonly timeoutMs: number;
  private readonly politeness: Politeness;

  constructor(private readonly options: CloudHttpOptions) {
    this.timeoutMs = options.timeoutMs ?? HTTP_TIMEOUT_MS;
    this.politeness = options.politeness ?? cloudPoliteness;
  }

  /** Sends `call` to the host at `baseUrl` (which may carry a path prefix) and returns the decoded reply. */
  async send(baseUrl: string, call: Call): Promise<Reply> {
    const base = new URL(baseUrl);
    const prefix = base.pathname.replace(/\/+$/, '');
    const common = commonParams(this.options.appId);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    let path = prefix + call.path;
    let body: string | undefined;

    if (call.method === 'GET' || call.method === 'DELETE') {
      const query: Record<string, string | number> = {};
      for (const [k, v] of Object.entries({ ...call.params, ...common })) {
        if (v === undefined || v === null) continue;
        query[k] = typeof v === 'number' ? v : String(v);
      }
      path += '?' + Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
      headers.authorization = call.auth.kind === 'sign' ? `Sign ${signQuery(this.options.appSecret, query)}` : `Bearer ${call.auth.at}`;
    } else {
      body = JSON.stringify({ ...call.params, ...common });
      headers.authorization = call.auth.kind === 'sign' ? `Sign ${signBody(this.options.appSecret, body)}` : `Bearer ${call.auth.at}`;
    }

    const pacing = { politeness: this.politeness, account: call.account ?? 'app' };
    const { status, reply } = await roundTrip(base.origin, { method: call.method, path, headers, body }, call.operation, this.timeoutMs, pacing);
    const legacy = call.legacyFailure?.(reply);
    if (legacy) throw legacy;
    throwIfFailed(reply, status, call.operation, reply.region);
    return reply;
  }
}

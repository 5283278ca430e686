import { CloudFailure } from './errors';
import { HTTP_TIMEOUT_MS, roundTrip, throwIfFailed, type Reply } from './http';
import { cloudPoliteness, type Politeness } from './politeness';
import { isObject } from './device-shape';
import { nonce, signBody } from './sign';

/** How a v2 call proves itself: the app's signature (token calls), the account's token, or nothing (dispatch). */
export type V2Auth = { kind: 'sign' } | { kind: 'bearer'; at: string } | { kind: 'none' };

export interface V2Call {
  /** Short name of the operation, used in error messages (`exchangeCode`, `deviceList`, …). */
  operation: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below the host, e.g. `/v2/device/thing`. */
  path: string;
  auth: V2Auth;
  /** Whose call this is, for the rate limits (an apikey); calls without one share the app's lane. */
  account?: string;
  /** GET/DELETE: the query, as it is (v2 adds no common fields). */
  query?: Record<string, string | number | undefined>;
  /** POST: the JSON body, as it is. */
  body?: Record<string, unknown>;
}

export interface CloudHttpV2Options {
  appId: string;
  appSecret: string;
  timeoutMs?: number;
  /** The rate limiter the calls wait on (default the process's `cloudPoliteness`). */
  politeness?: Politeness;
}

/**
 * Sends calls to the eWeLink v2 hosts: `X-CK-Appid` on every call, `Authorization: Sign` over
 * the exact body on the token calls and `Bearer` on the others, `X-CK-Nonce` on a POST. Answers
 * are `{error, msg, data}`: a nonzero `error` becomes the same typed error v1 would give for
 * the code, and `data` is returned. Connections come from the same pools as v1's.
 */
export class CloudHttpV2 {
  private readonly timeoutMs: number;
  private readonly politeness: Politeness;

  constructor(private readonly options: CloudHttpV2Options) {
    this.timeoutMs = options.timeoutMs ?? HTTP_TIMEOUT_MS;
    this.politeness = options.politeness ?? cloudPoliteness;
  }

  /** The call's `data`. */
  async send(baseUrl: string, call: V2Call): Promise<Record<string, unknown>> {
    const { status, reply } = await this.exchange(baseUrl, call);
    const data = isObject(reply.data) ? reply.data : {};
    throwIfFailed(reply, status, call.operation, data.region);
    if (reply.error === undefined) throw new CloudFailure(status, call.operation, `${call.operation}: the cloud answered without an error field`);
    return data;
  }

  /** The whole answer, for the dispatch host, which answers `{IP, port, domain, reason}` without the envelope. */
  async sendBare(baseUrl: string, call: V2Call): Promise<Reply> {
    const { status, reply } = await this.exchange(baseUrl, call);
    throwIfFailed(reply, status, call.operation, undefined);
    return reply;
  }

  private exchange(baseUrl: string, call: V2Call): Promise<{ status: number; reply: Reply }> {
    const base = new URL(baseUrl);
    let path = base.pathname.replace(/\/+$/, '') + call.path;
    const headers: Record<string, string> = { 'x-ck-appid': this.options.appId };
    let body: string | undefined;
    if (call.method === 'POST') {
      // Serialised once: the signature is over exactly the bytes that are sent.
      body = JSON.stringify(call.body ?? {});
      headers['content-type'] = 'application/json';
      headers['x-ck-nonce'] = nonce();
    } else if (call.query) {
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(call.query)) if (value !== undefined) query.set(name, String(value));
      if (query.size > 0) path += `?${query}`;
    }
    if (call.auth.kind === 'sign') headers.authorization = `Sign ${signBody(this.options.appSecret, body ?? '')}`;
    if (call.auth.kind === 'bearer') headers.authorization = `Bearer ${call.auth.at}`;
    return roundTrip(base.origin, { method: call.method, path, headers, body }, call.operation, this.timeoutMs, { politeness: this.politeness, account: call.account ?? 'app' });
  }
}

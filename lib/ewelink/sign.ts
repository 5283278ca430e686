import { createHmac, randomBytes } from 'node:crypto';

/** Interface version every call carries. */
export const API_VERSION = 8;

const NONCE_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** 8 random alphanumerics, as the cloud requires for `nonce`. */
export function nonce(): string {
  const bytes = randomBytes(8);
  let out = '';
  for (const b of bytes) out += NONCE_ALPHABET[b % NONCE_ALPHABET.length];
  return out;
}

function hmacBase64(appSecret: string, text: string): string {
  return createHmac('sha256', appSecret).update(text, 'utf8').digest('base64');
}

/**
 * Signature for a POST/PUT (v1, and v2's token calls): HMAC-SHA256 over the exact body bytes
 * that go on the wire.
 *
 * @example
 * const body = JSON.stringify(payload);
 * headers.authorization = `Sign ${signBody(secret, body)}`; // then send `body` unchanged
 */
export function signBody(appSecret: string, body: string): string {
  return hmacBase64(appSecret, body);
}

/**
 * Signature for a GET/DELETE: parameters sorted by name, joined as `k=v` with `&`,
 * values left unencoded.
 *
 * @example
 * signQuery(secret, { grantType: 'refresh', rt, appid, nonce, ts, version: 8 })
 */
export function signQuery(appSecret: string, query: Record<string, string | number>): string {
  const text = Object.keys(query)
    .sort()
    .map((k) => `${k}=${query[k]}`)
    .join('&');
  return hmacBase64(appSecret, text);
}

/**
 * The `authorization` of an OAuth 2.0 login page link: HMAC-SHA256 over `<appid>_<seq>`, where
 * `seq` is the link's millisecond timestamp.
 *
 * @example
 * const seq = String(Date.now());
 * query.set('authorization', signLoginLink(appSecret, appId, seq));
 */
export function signLoginLink(appSecret: string, appId: string, seq: string): string {
  return hmacBase64(appSecret, `${appId}_${seq}`);
}

/** The fields every call carries, in the body (POST/PUT) or the query (GET/DELETE). */
export function commonParams(appId: string, now = Date.now()): { appid: string; nonce: string; ts: number; version: number } {
  return { appid: appId, nonce: nonce(), ts: Math.floor(now / 1000), version: API_VERSION };
}

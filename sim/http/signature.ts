import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * The sim's own check of `Authorization: Sign …`, written apart from lib/ewelink/sign.ts
 * so that a mistake in the client's signer cannot be mirrored here.
 */

function hmacBase64(secret: string, data: Buffer | string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(data).digest('base64');
}

/** POST/PUT: the HMAC of the body bytes exactly as they arrived. */
export function bodySignature(secret: string, rawBody: Buffer): string {
  return hmacBase64(secret, rawBody);
}

/** GET/DELETE: decoded parameters sorted by name, `k=v` joined by `&`, nothing re-encoded. */
export function querySignature(secret: string, entries: ReadonlyArray<readonly [string, string]>): string {
  const text = [...entries]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return hmacBase64(secret, Buffer.from(text, 'utf8'));
}

/** The login page link's `authorization`: the HMAC of `<appid>_<seq>`. */
export function loginLinkSignature(secret: string, appId: string, seq: string): string {
  return hmacBase64(secret, Buffer.from(`${appId}_${seq}`, 'utf8'));
}

export function signaturesEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The credential of an Authorization header of the given scheme, or undefined. */
export function credential(header: string | undefined, scheme: 'Sign' | 'Bearer'): string | undefined {
  if (!header) return undefined;
  const match = /^(\S+) +(\S+)\s*$/.exec(header);
  if (!match || match[1]?.toLowerCase() !== scheme.toLowerCase()) return undefined;
  return match[2];
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A fresh random secret, URL-safe (base64url, no padding): 24 bytes give 32 characters.
 *
 * @example
 * const key = `ebk_${newSecret()}`; // 'ebk_' + 32 characters
 */
export function newSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * The SHA-256 of a secret, as lowercase hex: the only form in which a secret is stored.
 *
 * A fast hash is right here, unlike for passwords: every secret it sees is a random string
 * from `newSecret` (192 bits), so there is nothing to gain from a slow, salted hash; no
 * dictionary or brute force can reach that space, and a fast hash keeps each webhook call cheap.
 *
 * @example
 * hashSecret('abc') // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * Whether `secret` hashes to `hash`, compared in constant time. A stored hash of the wrong
 * length (or not a hash at all) is simply no match.
 *
 * @example
 * if (!secretMatches(presented, hook.secretHash)) return unauthorised();
 */
export function secretMatches(secret: string, hash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'utf8');
  const stored = Buffer.from(hash.toLowerCase(), 'utf8');
  // timingSafeEqual throws on unequal lengths; the length of a stored hash is no secret.
  if (presented.length !== stored.length) return false;
  return timingSafeEqual(presented, stored);
}

// Crockford's base32 alphabet: no I, L, O or U, so a code read aloud or typed by hand is not misread.
const READABLE = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A random code for a person to type: `groups` groups of four characters of Crockford's
 * base32 (5 bits each), joined by "-". Three groups give 60 bits: far beyond guessing in the
 * minutes such a code lives. `normalCode` reads one back however it was typed.
 *
 * @example
 * newReadableCode() // 'K7QM-2XD9-RT4B'
 */
export function newReadableCode(groups = 3): string {
  const bytes = randomBytes(groups * 4);
  const chars = [...bytes].map((b) => READABLE[b & 31]);
  return Array.from({ length: groups }, (_, i) => chars.slice(i * 4, i * 4 + 4).join('')).join('-');
}

/**
 * A typed code as `newReadableCode` wrote it: upper case, dashes and spaces dropped, and the
 * letters people type for digits (O, I, L) read as the digits.
 *
 * @example
 * normalCode(' k7qm 2xd9-rt4b ') // 'K7QM2XD9RT4B'
 */
export function normalCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

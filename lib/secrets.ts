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

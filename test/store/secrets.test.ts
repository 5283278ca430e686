import { describe, expect, it } from 'vitest';
import { hashSecret, newSecret, secretMatches } from '../../lib/secrets';

describe('secrets', () => {
  it('makes url-safe secrets of the asked size, never the same twice', () => {
    // Act
    const secrets = Array.from({ length: 100 }, () => newSecret());
    const short = newSecret(9);

    // Assess
    for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(new Set(secrets).size).toBe(100);
    expect(short).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });

  it('hashes with SHA-256 as lowercase hex', () => {
    // Act
    const hash = hashSecret('abc');

    // Assess
    expect(hash).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('matches a secret against its hash, and nothing else', () => {
    // Prepare
    const secret = newSecret();
    const hash = hashSecret(secret);

    // Act
    const right = secretMatches(secret, hash);
    const wrong = secretMatches(newSecret(), hash);
    const empty = secretMatches('', hash);

    // Assess
    expect(right).toBe(true);
    expect(wrong).toBe(false);
    expect(empty).toBe(false);
  });

  it('compares secrets of any length, and hashes of the wrong length, without throwing', () => {
    // Prepare
    const hash = hashSecret(newSecret());

    // Act
    const outcomes = [
      secretMatches('x', hash),
      secretMatches('x'.repeat(10_000), hash),
      secretMatches(newSecret(), hash.slice(0, 10)),
      secretMatches(newSecret(), `${hash}00`),
      secretMatches(newSecret(), ''),
    ];

    // Assess
    expect(outcomes).toEqual([false, false, false, false, false]);
  });

  it('accepts a hash written in uppercase hex', () => {
    // Prepare
    const secret = newSecret();

    // Act
    const matches = secretMatches(secret, hashSecret(secret).toUpperCase());

    // Assess
    expect(matches).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { signBody, signLoginLink, signQuery } from '../../lib/ewelink/sign';

/*
 * The one signer the tests use is the product's. What keeps it honest: these expected values
 * were computed outside this code base (`openssl dgst -sha256 -hmac <secret> -binary | base64`
 * over the text shown), and the sim checks every signed request with its own verifier.
 */

const SECRET = 'test-app-secret';

describe('signBody', () => {
  it('is the base64 HMAC-SHA256 of the exact body text', () => {
    // Prepare
    const body = '{"email":"alice@example.com","password":"alice-pw","appid":"test-app-id","nonce":"a1B2c3D4","ts":1700000000,"version":8}';

    // Act
    const signature = signBody(SECRET, body);

    // Assess
    expect(signature).toBe('gOGQNdviroPC2QeK3/gqL4X2Ao/CSrjf7XVqNGWSKwo=');
  });

  it('signs the UTF-8 bytes of text beyond ASCII', () => {
    expect(signBody(SECRET, '{"name":"Küche – 1"}')).toBe('QlIw1dptT4pLMz2PwrRp+vXSQBsCkqh1hy6BcCfBVrY=');
  });

  it('differs for the same JSON spaced differently: the bytes are what is signed', () => {
    const fields = { appid: 'test-app-id', ts: 1700000000 };
    expect(signBody(SECRET, JSON.stringify(fields))).not.toBe(signBody(SECRET, JSON.stringify(fields, null, 1)));
  });
});

describe('signQuery', () => {
  it('signs `k=v` pairs sorted by name, joined by &, values unencoded (the + of a calling code stays a +)', () => {
    // Prepare: out of order, a number among the strings
    const query = { version: 8, nonce: 'a1B2c3D4', country_code: '+86', ts: 1700000000, appid: 'test-app-id' };

    // Act
    const signature = signQuery(SECRET, query);

    // Assess: appid=test-app-id&country_code=+86&nonce=a1B2c3D4&ts=1700000000&version=8
    expect(signature).toBe('MnOHGFYlGrhMqvY1Rkt4t9U/5l/jVDLYuXYlwL69VOo=');
    // the same text with the + percent-encoded signs to something else
    expect(signature).not.toBe('oOYQJ+nhPYD/DpbEFgBj/u8dutI6Xw36gXNoIq8BGPc=');
  });

  it('does not depend on the order the fields were given in', () => {
    expect(signQuery(SECRET, { b: '2', a: '1' })).toBe(signQuery(SECRET, { a: '1', b: '2' }));
  });
});

describe('signLoginLink', () => {
  it('is the base64 HMAC-SHA256 of `<appid>_<seq>`', () => {
    // Act: test-app-id_1700000000000
    const signature = signLoginLink(SECRET, 'test-app-id', '1700000000000');

    // Assess
    expect(signature).toBe('nwXElSlfKHCyH+Mi5H1iSMBOY9wg73f8n8gRKL7iboA=');
  });
});

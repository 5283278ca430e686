import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index';
import { signBody } from '../../lib/ewelink/sign';
import { ALICE, CAROL, testSim } from './fixture';
import { APP_ID, APP_SECRET } from './wire';
import { codeFor, exchange, REDIRECT_URL, v2Base, v2Post, v2Query, v2Tokens } from './v2-wire';

/*
 * The v2 token calls over the wire: the code exchange (Sign over the exact body, single-use,
 * short-lived, tied to its redirect URL and the account's region), the refresh, the unlink,
 * and how a Bearer call meets unknown, expired and revoked tokens.
 */

const MINUTE = 60_000;

let sim: Sim;
let eu: string;

beforeAll(async () => {
  sim = await testSim({ redirectUrls: [REDIRECT_URL], clock: { mode: 'manual', start: Date.parse('2026-03-02T08:00:00Z') } });
  eu = v2Base(sim, 'eu');
});
afterAll(() => sim.close());
beforeEach(() => sim.stats.reset());

describe('POST /v2/user/oauth/token', () => {
  it('exchanges a code for tokens with their expiry times, which work on Bearer calls', async () => {
    // Prepare
    const { code } = await codeFor(sim, ALICE.email, ALICE.password);

    // Act
    const reply = await exchange(sim, code);

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      error: 0,
      msg: '',
      data: { accessToken: expect.any(String), atExpiredTime: expect.any(Number), refreshToken: expect.any(String), rtExpiredTime: expect.any(Number) },
    });
    const { atExpiredTime, rtExpiredTime, accessToken } = reply.body.data;
    expect(atExpiredTime).toBe(sim.clock.now() + 30 * 24 * 60 * MINUTE);
    expect(rtExpiredTime).toBeGreaterThan(atExpiredTime);
    expect((await v2Query('GET', eu, '/v2/family', {}, { bearer: accessToken })).body.error).toBe(0);
  });

  it('takes a code once: the second exchange is refused with 401', async () => {
    // Prepare
    const { code } = await codeFor(sim, ALICE.email, ALICE.password);
    await exchange(sim, code);

    // Act
    const again = await exchange(sim, code);

    // Assess
    expect(again.body).toMatchObject({ error: 401, msg: expect.stringContaining('exchanged already'), data: {} });
  });

  it('refuses a code past its lifetime (5 minutes by default) with 401', async () => {
    // Prepare
    const { code } = await codeFor(sim, ALICE.email, ALICE.password);
    await sim.clock.advance(5 * MINUTE);

    // Act
    const reply = await exchange(sim, code);

    // Assess
    expect(reply.body.error).toBe(401);
  });

  it('refuses an unknown code with 401', async () => {
    expect((await exchange(sim, 'f'.repeat(32))).body.error).toBe(401);
  });

  it('refuses another redirectUrl than the code was issued for with 400, leaving the code to its holder', async () => {
    // Prepare
    const { code } = await codeFor(sim, ALICE.email, ALICE.password);

    // Act
    const wrong = await exchange(sim, code, 'eu', 'https://evil.example.com/callback');
    const right = await exchange(sim, code);

    // Assess
    expect(wrong.body).toMatchObject({ error: 400, msg: expect.stringContaining('redirectUrl') });
    expect(right.body.error).toBe(0);
  });

  it('answers 301 naming the account’s region at another region, leaving the code usable there', async () => {
    // Prepare
    const { code, region } = await codeFor(sim, CAROL.email, CAROL.password);

    // Act
    const elsewhere = await exchange(sim, code, 'eu');
    const home = await exchange(sim, code, region);

    // Assess
    expect(region).toBe('us');
    expect(elsewhere.body).toMatchObject({ error: 301, data: { region: 'us' } });
    expect(home.body.error).toBe(0);
  });

  it.each([
    ['a grantType other than authorization_code', { grantType: 'refresh_token' }],
    ['no code', { code: undefined }],
    ['no redirectUrl', { redirectUrl: undefined }],
  ])('refuses %s with 400', async (_what, overrides) => {
    // Prepare
    const { code } = await codeFor(sim, ALICE.email, ALICE.password);

    // Act
    const reply = await v2Post(eu, '/v2/user/oauth/token', { code, redirectUrl: REDIRECT_URL, grantType: 'authorization_code', ...overrides }, { sign: true });

    // Assess
    expect(reply.body.error).toBe(400);
  });

  it.each([
    ['a signature over other bytes', { authorization: `Sign ${signBody(APP_SECRET, '{}')}` }, 401],
    ['a Bearer token instead of a signature', { authorization: 'Bearer abc' }, 401],
    ['no X-CK-Appid', { 'x-ck-appid': '' }, 400],
    ['another X-CK-Appid', { 'x-ck-appid': 'other-app' }, 406],
    ['no X-CK-Nonce', { 'x-ck-nonce': '' }, 400],
    ['a nonce of 3 characters', { 'x-ck-nonce': 'abc' }, 400],
    ['a body that is not JSON', { 'content-type': 'application/x-www-form-urlencoded' }, 400],
  ])('refuses %s (error %s), and the code stays usable', async (_what, headers, error) => {
    // Prepare
    const { code } = await codeFor(sim, ALICE.email, ALICE.password);
    const fields = { code, redirectUrl: REDIRECT_URL, grantType: 'authorization_code' };

    // Act
    const reply = await v2Post(eu, '/v2/user/oauth/token', fields, { sign: true }, headers);

    // Assess
    expect(reply.body.error).toBe(error);
    expect((await exchange(sim, code)).body.error).toBe(0);
  });

  it('refuses the exact body signed with another secret (401)', async () => {
    // Prepare
    const { code } = await codeFor(sim, ALICE.email, ALICE.password);
    const body = { code, redirectUrl: REDIRECT_URL, grantType: 'authorization_code' };

    // Act
    const reply = await v2Post(eu, '/v2/user/oauth/token', body, { header: `Sign ${signBody('another-secret', JSON.stringify(body))}` }, { 'x-ck-appid': APP_ID });

    // Assess
    expect(reply.body.error).toBe(401);
  });
});

describe('POST /v2/user/refresh', () => {
  it('trades the rt for a new at (the rt is kept); the old at stops working', async () => {
    // Prepare
    const { at, rt } = await v2Tokens(sim, ALICE.email, ALICE.password);

    // Act
    const reply = await v2Post(eu, '/v2/user/refresh', { rt }, { sign: true });

    // Assess
    expect(reply.body).toEqual({ error: 0, msg: '', data: { at: expect.any(String), rt } });
    expect(reply.body.data.at).not.toBe(at);
    expect((await v2Query('GET', eu, '/v2/family', {}, { bearer: at })).body.error).toBe(401);
    expect((await v2Query('GET', eu, '/v2/family', {}, { bearer: reply.body.data.at })).body.error).toBe(0);
  });

  it('refuses an unknown rt with 402', async () => {
    expect((await v2Post(eu, '/v2/user/refresh', { rt: 'f'.repeat(40) }, { sign: true })).body).toMatchObject({ error: 402, data: {} });
  });

  it('refuses a bad signature with 401 and a missing rt with 400', async () => {
    // Prepare
    const { rt } = await v2Tokens(sim, ALICE.email, ALICE.password);

    // Act
    const unsigned = await v2Post(eu, '/v2/user/refresh', { rt }, { header: `Sign ${signBody(APP_SECRET, '{"rt":"other"}')}` }, { 'x-ck-appid': APP_ID });
    const empty = await v2Post(eu, '/v2/user/refresh', {}, { sign: true });

    // Assess
    expect(unsigned.body.error).toBe(401);
    expect(empty.body.error).toBe(400);
  });
});

describe('DELETE /v2/user/oauth/token (unlink)', () => {
  it('revokes the at and its rt', async () => {
    // Prepare
    const { at, rt } = await v2Tokens(sim, ALICE.email, ALICE.password);

    // Act
    const reply = await v2Query('DELETE', eu, '/v2/user/oauth/token', {}, { bearer: at });

    // Assess
    expect(reply.body).toEqual({ error: 0, msg: '', data: {} });
    expect((await v2Query('GET', eu, '/v2/family', {}, { bearer: at })).body).toMatchObject({ error: 401, msg: expect.stringContaining('unlinked') });
    expect((await v2Post(eu, '/v2/user/refresh', { rt }, { sign: true })).body.error).toBe(402);
  });
});

describe('Bearer calls and their tokens', () => {
  it.each([
    ['no Authorization header', undefined, 401],
    ['an unknown at', { bearer: 'f'.repeat(40) }, 401],
    ['a signature instead of a token', { header: 'Sign abc' }, 401],
  ] as const)('refuse %s with %s', async (_what, auth, error) => {
    expect((await v2Query('GET', eu, '/v2/family', {}, auth)).body).toMatchObject({ error, data: {} });
  });

  it('refuse an expired at with 402', async () => {
    // Prepare
    const { at } = await v2Tokens(sim, ALICE.email, ALICE.password);
    sim.expireAccessToken(at);

    // Act
    const reply = await v2Query('GET', eu, '/v2/family', {}, { bearer: at });

    // Assess
    expect(reply.body.error).toBe(402);
  });

  it('answer 301 naming the region at another region', async () => {
    // Prepare
    const { at } = await v2Tokens(sim, ALICE.email, ALICE.password);

    // Act
    const reply = await v2Query('GET', v2Base(sim, 'us'), '/v2/family', {}, { bearer: at });

    // Assess
    expect(reply.body).toMatchObject({ error: 301, data: { region: 'eu' } });
  });

  it('answer 404 for a path the v2 host does not serve, and v1 paths are not served there', async () => {
    // Prepare
    const { at } = await v2Tokens(sim, ALICE.email, ALICE.password);

    // Act
    const unknown = await v2Query('GET', eu, '/v2/user/profile', {}, { bearer: at });
    const v1Path = await v2Query('GET', eu, '/api/user/device', {}, { bearer: at });

    // Assess
    expect(unknown.status).toBe(404);
    expect(v1Path.status).toBe(404);
    expect(sim.stats.byPath['GET /v2/user/profile']).toBe(1);
  });
});

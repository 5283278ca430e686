import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index';
import { ALICE, BOB, loginAlice, regionBase, testSim } from './fixture';
import { signBody, signQuery } from '../../lib/ewelink/sign';
import { APP_ID, APP_SECRET, commonFields, get, post } from './wire';

let sim: Sim;
let eu: string;

beforeAll(async () => {
  sim = await testSim();
  eu = regionBase(sim, 'eu');
});
afterAll(() => sim.close());

describe('Sign authorisation', () => {
  it('accepts a POST signed over the exact body bytes', async () => {
    // Act
    const reply = await post(eu, '/api/user/login', { email: ALICE.email, password: ALICE.password }, { sign: true });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ at: expect.any(String), rt: expect.any(String), user: expect.any(Object), region: 'eu' });
    expect(reply.body.error).toBeUndefined();
    expect(reply.body.user).toMatchObject({ email: ALICE.email, appId: APP_ID, apikey: expect.any(String), nickname: 'Alice', online: false });
  });

  it('refuses a POST whose signature was made over different bytes', async () => {
    // Prepare: same JSON, different spacing
    const fields = { ...commonFields(), email: ALICE.email, password: ALICE.password };
    const sent = JSON.stringify(fields);
    const signed = JSON.stringify(fields, null, 1);

    // Act
    const res = await request(`${eu}/api/user/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Sign ${signBody(APP_SECRET, signed)}` },
      body: sent,
    });

    // Assess
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject({ error: 401 });
  });

  it('refuses a missing signature and a Bearer token on a Sign route', async () => {
    const fields = { email: ALICE.email, password: ALICE.password };
    expect((await post(eu, '/api/user/login', fields, undefined)).body.error).toBe(401);
    expect((await post(eu, '/api/user/login', fields, { bearer: 'abc' })).body.error).toBe(401);
    expect((await post(eu, '/api/user/login', fields, { header: `Sign ${signBody(APP_SECRET, 'something else')}` })).body.error).toBe(401);
  });

  it('accepts a GET signed over the sorted, unencoded query and refuses an encoded one', async () => {
    // Prepare: a value that URL-encoding would change
    const params = { ...commonFields(), country_code: '+44' } as Record<string, unknown>;
    const strings = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
    const url = new URL(`${sim.url}/api/user/region`);
    for (const [k, v] of Object.entries(strings)) url.searchParams.set(k, v);
    // what a client would sign if it signed the values as they go on the wire, encoded
    const encoded = Object.fromEntries(Object.entries(strings).map(([k, v]) => [k, encodeURIComponent(v)]));

    // Act
    const good = await request(url, { headers: { authorization: `Sign ${signQuery(APP_SECRET, strings)}` } });
    const bad = await request(url, { headers: { authorization: `Sign ${signQuery(APP_SECRET, encoded)}` } });

    // Assess
    expect(await good.body.json()).toEqual({ region: 'eu', error: 0, requestid: `${strings['nonce']}-${strings['ts']}` });
    expect(await bad.body.json()).toMatchObject({ error: 401 });
  });
});

describe('common fields', () => {
  it.each(['appid', 'nonce', 'ts', 'version'])('answers 400 naming %s when it is missing from a body', async (name) => {
    const reply = await post(eu, '/api/user/login', { email: ALICE.email, password: ALICE.password, [name]: undefined }, { sign: true });
    expect(reply.status).toBe(200);
    expect(reply.body.error).toBe(400);
    expect(reply.body.msg).toContain(name);
  });

  it('answers 400 for a ts sent as a string in a body, and for a ts that is not numeric in a query', async () => {
    const inBody = await post(eu, '/api/user/login', { email: ALICE.email, password: ALICE.password, ts: '1700000000' }, { sign: true });
    const inQuery = await get(sim.url, '/api/user/region', { ts: 'soon' }, { sign: true });
    expect(inBody.body).toMatchObject({ error: 400, msg: expect.stringContaining('ts') });
    expect(inQuery.body).toMatchObject({ error: 400, msg: expect.stringContaining('ts') });
  });

  // A nonce shorter than 8 is answered, as the real cloud did, and noted: see deviations.test.ts.
  it('answers 400 for a nonce longer than 8 or not alphanumeric, and for version other than 8', async () => {
    for (const nonce of ['abcdefghi', 'abc-1234']) {
      expect((await get(sim.url, '/api/user/region', { nonce }, { sign: true })).body).toMatchObject({ error: 400, msg: expect.stringContaining('nonce') });
    }
    expect((await get(sim.url, '/api/user/region', { version: 7 }, { sign: true })).body).toMatchObject({ error: 400, msg: expect.stringContaining('version') });
  });

  it('answers 406 for an unknown appid', async () => {
    const reply = await post(eu, '/api/user/login', { appid: 'someone-else', email: ALICE.email, password: ALICE.password }, { sign: true });
    expect(reply.body.error).toBe(406);
  });

  it('tolerates the same nonce twice', async () => {
    const fields = { nonce: 'Repeat12', country_code: '86' };
    expect((await get(sim.url, '/api/user/region', fields, { sign: true })).body.region).toBe('cn');
    expect((await get(sim.url, '/api/user/region', fields, { sign: true })).body.region).toBe('cn');
  });
});

describe('region', () => {
  it.each([
    ['86', 'cn'],
    ['1', 'us'],
    ['44', 'eu'],
    ['351', 'eu'],
    ['81', 'as'],
    [undefined, 'eu'],
  ])('country_code %s → %s', async (code, region) => {
    const reply = await get(sim.url, '/api/user/region', { country_code: code }, { sign: true });
    expect(reply.body).toMatchObject({ region, error: 0 });
  });

  it('is answered only by the global host', async () => {
    const byPrefix = await get(eu, '/api/user/region', {}, { sign: true });
    const byHost = await get(sim.url, '/api/user/region', {}, { sign: true }, { host: 'us-api.coolkit.cc:8080' });
    const globalHost = await get(sim.url, '/api/user/region', { country_code: '1' }, { sign: true }, { host: 'api.coolkit.cc:8080' });
    expect(byPrefix.status).toBe(404);
    expect(byHost.status).toBe(404);
    expect(globalHost.body).toMatchObject({ region: 'us', error: 0 });
  });
});

describe('login', () => {
  it('redirects to the account region with 301 at a wrong region', async () => {
    const reply = await post(regionBase(sim, 'us'), '/api/user/login', { email: ALICE.email, password: ALICE.password }, { sign: true });
    expect(reply.body).toMatchObject({ error: 301, region: 'eu' });
  });

  it('logs in by phone number, preferred over an e-mail, with null fields treated as absent', async () => {
    const cn = regionBase(sim, 'cn');
    const byPhone = await post(cn, '/api/user/login', { phoneNumber: BOB.phoneNumber, email: ALICE.email, password: BOB.password }, { sign: true });
    const withNullPhone = await post(eu, '/api/user/login', { phoneNumber: null, email: ALICE.email, password: ALICE.password }, { sign: true });
    expect(byPhone.body).toMatchObject({ region: 'cn', user: { phoneNumber: BOB.phoneNumber } });
    expect(withNullPhone.body).toMatchObject({ region: 'eu', user: { email: ALICE.email } });
  });

  it('answers 404 for an unknown account and 401 for a wrong password', async () => {
    expect((await post(eu, '/api/user/login', { email: 'nobody@example.com', password: 'x' }, { sign: true })).body.error).toBe(404);
    expect((await post(eu, '/api/user/login', { email: ALICE.email, password: 'wrong' }, { sign: true })).body.error).toBe(401);
  });

  it('takes the region from a real Host header', async () => {
    // Act
    const reply = await post(sim.url, '/api/user/login', { email: ALICE.email, password: ALICE.password }, { sign: true }, { host: 'eu-api.coolkit.cc:8080' });
    const wrong = await post(sim.url, '/api/user/login', { email: ALICE.email, password: ALICE.password }, { sign: true }, { host: 'cn-api.coolkit.cn' });

    // Assess
    expect(reply.body.region).toBe('eu');
    expect(wrong.body).toMatchObject({ error: 301, region: 'eu' });
    const logged = sim.stats.log.filter((r) => r.kind === 'http' && r.path === '/api/user/login').slice(-2);
    expect(logged.map((r) => (r.kind === 'http' ? r.region : undefined))).toEqual(['eu', 'cn']);
  });

  it('revokes the previous access token', async () => {
    // Prepare
    const first = await loginAlice(sim);

    // Act
    await loginAlice(sim);
    const reply = await get(eu, '/api/user/device', {}, { bearer: first.at });

    // Assess
    expect(reply.body.error).toBe(401);
  });
});

describe('refresh', () => {
  it('returns a new at with the same rt and revokes the old at', async () => {
    // Prepare
    const { at, rt } = await loginAlice(sim);

    // Act
    const reply = await get(eu, '/api/user/refresh', { grantType: 'refresh', rt }, { sign: true });

    // Assess
    expect(reply.body).toMatchObject({ at: expect.any(String), rt, region: 'eu', user: { email: ALICE.email } });
    expect(reply.body.at).not.toBe(at);
    expect((await get(eu, '/api/user/device', {}, { bearer: at })).body.error).toBe(401);
    expect((await get(eu, '/api/user/device', {}, { bearer: reply.body.at })).body.error).toBe(0);
  });

  it('answers 402 for an unknown rt and 400 for a wrong grantType', async () => {
    expect((await get(eu, '/api/user/refresh', { grantType: 'refresh', rt: 'f'.repeat(40) }, { sign: true })).body.error).toBe(402);
    const { rt } = await loginAlice(sim);
    expect((await get(eu, '/api/user/refresh', { grantType: 'password', rt }, { sign: true })).body.error).toBe(400);
  });

  it('answers 402 once the rt has outlived its lifetime', async () => {
    // Prepare: an rt of 60 s on a clock the test moves
    const shortLived = await testSim({ rtLifetimeSec: 60, clock: { mode: 'manual', start: Date.parse('2026-03-02T00:00:00Z') } });
    const { rt } = shortLived.issueTokens(ALICE.email);
    const refresh = () => get(regionBase(shortLived, 'eu'), '/api/user/refresh', { grantType: 'refresh', rt }, { sign: true });

    // Act
    await shortLived.clock.advance(60_000 - 1);
    const lastMoment = await refresh();
    await shortLived.clock.advance(1);
    const outlived = await refresh();
    await shortLived.close();

    // Assess
    expect(lastMoment.body).toMatchObject({ at: expect.any(String), rt });
    expect(outlived.body.error).toBe(402);
  });
});

describe('Bearer authorisation', () => {
  it('answers 402 for an expired at and 401 for an unknown one', async () => {
    // Prepare
    const { at } = sim.issueTokens(ALICE.email);
    sim.expireAccessToken(at);

    // Act
    const expired = await get(eu, '/api/user/device', {}, { bearer: at });
    const unknown = await get(eu, '/api/user/device', {}, { bearer: '0'.repeat(40) });

    // Assess
    expect(expired.body.error).toBe(402);
    expect(unknown.body.error).toBe(401);
  });

  it('expires an at by its lifetime', async () => {
    // Prepare: an at of 60 s on a clock the test moves
    const shortLived = await testSim({ atLifetimeSec: 60, clock: { mode: 'manual', start: Date.parse('2026-03-02T00:00:00Z') } });
    const { at } = shortLived.issueTokens(ALICE.email);
    const devices = () => get(regionBase(shortLived, 'eu'), '/api/user/device', {}, { bearer: at });

    // Act
    await shortLived.clock.advance(60_000 - 1);
    const lastMoment = await devices();
    await shortLived.clock.advance(1);
    const expired = await devices();
    await shortLived.close();

    // Assess
    expect(lastMoment.body.error).toBe(0);
    expect(expired.body.error).toBe(402);
  });

  it('answers 301 with the account region for an at used at another region or the global host', async () => {
    const { at } = sim.issueTokens(ALICE.email);
    expect((await get(regionBase(sim, 'as'), '/api/user/device', {}, { bearer: at })).body).toMatchObject({ error: 301, region: 'eu' });
    expect((await get(sim.url, '/api/user/device', {}, { bearer: at })).body).toMatchObject({ error: 301, region: 'eu' });
  });

  it('refuses a signature on a Bearer route', async () => {
    const reply = await get(eu, '/api/user/device', {}, { sign: true });
    expect(reply.body.error).toBe(401);
  });

  it('answers an unknown path with HTTP 404', async () => {
    const { at } = sim.issueTokens(ALICE.email);
    const reply = await get(eu, '/api/user/nothing-here', {}, { bearer: at });
    expect(reply.status).toBe(404);
  });
});

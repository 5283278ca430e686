import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index';
import { signBody } from '../../lib/ewelink/sign';
import { ALICE, LAMP, regionBase, testSim } from './fixture';
import { APP_SECRET, commonFields, control, del, get, post } from './wire';

/*
 * What real clients sent and the real v1 cloud took, although the spec forbids it: the sim
 * answers it the same way and notes the rule broken, so a client's own tests can prove it
 * keeps to the spec. What the real cloud refused stays refused.
 */

let sim: Sim;
let eu: string;
let at: string;

beforeAll(async () => {
  sim = await testSim();
  eu = regionBase(sim, 'eu');
});
afterAll(() => sim.close());
beforeEach(() => {
  // a fresh at each time: the logins below revoke the older ones
  ({ at } = sim.issueTokens(ALICE.email));
  sim.resetDeviations();
});

const TEXT_PLAIN = { 'content-type': 'text/plain;charset=UTF-8' };

describe('a nonce shorter than 8 characters', () => {
  it('is answered in a signed GET query, and noted', async () => {
    // Act
    const reply = await get(sim.url, '/api/user/region', { nonce: 'ab12', country_code: '44' }, { sign: true });

    // Assess
    expect(reply.body).toMatchObject({ error: 0, region: 'eu', requestid: expect.stringMatching(/^ab12-\d+$/) });
    expect(sim.deviations).toEqual([
      { rule: 'nonce-length', method: 'GET', path: '/api/user/region', detail: expect.stringContaining('ab12'), at: expect.any(Number) },
    ]);
  });

  it('is answered in a signed POST body, and noted with the path without its region prefix', async () => {
    // Act
    const reply = await post(eu, '/api/user/login', { nonce: 'x', email: ALICE.email, password: ALICE.password }, { sign: true });

    // Assess
    expect(reply.body).toMatchObject({ at: expect.any(String), region: 'eu' });
    expect(sim.deviations).toEqual([{ rule: 'nonce-length', method: 'POST', path: '/api/user/login', detail: expect.any(String), at: expect.any(Number) }]);
  });
});

describe('a GET without a nonce', () => {
  it('is answered for a Bearer call, and noted', async () => {
    // Act
    const reply = await get(eu, '/api/user/device', { nonce: undefined, lang: 'en' }, { bearer: at });

    // Assess
    expect(reply.body.error).toBe(0);
    expect(reply.body.devicelist.length).toBeGreaterThan(0);
    expect(sim.deviations).toEqual([{ rule: 'nonce-missing', method: 'GET', path: '/api/user/device', detail: expect.any(String), at: expect.any(Number) }]);
  });

  it('is answered for a signed call, the signature made over the query as sent', async () => {
    // Act
    const reply = await get(sim.url, '/api/user/region', { nonce: undefined, country_code: '1' }, { sign: true });

    // Assess
    expect(reply.body).toMatchObject({ error: 0, region: 'us', requestid: expect.stringMatching(/^-\d+$/) });
    expect(sim.deviations.map((d) => `${d.rule} ${d.method} ${d.path}`)).toEqual(['nonce-missing GET /api/user/region']);
  });

  it('does not extend to a DELETE query or a POST body, which are still refused', async () => {
    // Act
    const deleted = await del(eu, `/api/user/device/${LAMP}`, { nonce: undefined }, { bearer: at });
    const posted = await post(eu, '/api/user/device/status', { nonce: undefined, deviceid: LAMP, params: { switch: 'on' } }, { bearer: at });

    // Assess
    expect(deleted.body).toMatchObject({ error: 400, msg: expect.stringContaining('nonce') });
    expect(posted.body).toMatchObject({ error: 400, msg: expect.stringContaining('nonce') });
    expect(sim.device(LAMP).deviceid).toBe(LAMP);
    expect(sim.deviations).toEqual([]);
  });
});

describe('JSON posted as Content-Type: text/plain', () => {
  it('is applied for a Bearer call, and noted', async () => {
    // Prepare
    const before = sim.device(LAMP).params['switch'];
    const wanted = before === 'on' ? 'off' : 'on';

    // Act
    const reply = await post(eu, '/api/user/device/status', { deviceid: LAMP, params: { switch: wanted } }, { bearer: at }, TEXT_PLAIN);

    // Assess
    expect(reply.body).toEqual({ error: 0, deviceid: LAMP });
    expect(sim.device(LAMP).params['switch']).toBe(wanted);
    expect(sim.deviations).toEqual([
      { rule: 'json-content-type', method: 'POST', path: '/api/user/device/status', detail: expect.stringContaining('text/plain'), at: expect.any(Number) },
    ]);
  });

  it('is answered for a signed call, the signature made over the body bytes', async () => {
    // Act
    const reply = await post(eu, '/api/user/login', { email: ALICE.email, password: ALICE.password }, { sign: true }, TEXT_PLAIN);

    // Assess
    expect(reply.body).toMatchObject({ at: expect.any(String), region: 'eu' });
    expect(sim.deviations.map((d) => d.rule)).toEqual(['json-content-type']);
  });

  it('is still refused when the body is not valid JSON', async () => {
    // Act
    const res = await request(`${eu}/api/user/device/status`, { method: 'POST', headers: { authorization: `Bearer ${at}`, ...TEXT_PLAIN }, body: '{"deviceid":' });

    // Assess
    expect(await res.body.json()).toMatchObject({ error: 400, msg: expect.stringContaining('JSON') });
  });
});

describe('what stays refused though a deviation was let through', () => {
  it('a short nonce with a signature over other bytes: 401', async () => {
    // Prepare
    const body = JSON.stringify({ ...commonFields(), nonce: 'abc', email: ALICE.email, password: ALICE.password });

    // Act
    const res = await request(`${eu}/api/user/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Sign ${signBody(APP_SECRET, `${body} `)}` },
      body,
    });

    // Assess
    expect(await res.body.json()).toMatchObject({ error: 401 });
  });

  it('a GET without a nonce and without a token: 401', async () => {
    expect((await get(eu, '/api/user/device', { nonce: undefined }, undefined)).body.error).toBe(401);
  });
});

describe('the record', () => {
  it('stays empty for requests that keep to the spec', async () => {
    // Act
    await get(eu, '/api/user/device', { lang: 'en' }, { bearer: at });
    await post(eu, '/api/user/device/status', { deviceid: LAMP, params: { switch: 'on' } }, { bearer: at });
    await get(eu, `/api/user/device/${LAMP}`, {}, { bearer: at });

    // Assess
    expect(sim.deviations).toEqual([]);
  });

  it('is listed at GET /_sim/deviations and emptied by POST /_sim/deviations/reset, apart from the stats', async () => {
    // Prepare
    await get(eu, '/api/user/device', { nonce: 'n1' }, { bearer: at });
    sim.stats.reset();

    // Act
    const listed = await control(sim.url, 'GET', '/_sim/deviations');
    const reset = await control(sim.url, 'POST', '/_sim/deviations/reset');
    const after = await control(sim.url, 'GET', '/_sim/deviations');

    // Assess
    expect(listed.body).toEqual({ deviations: [{ rule: 'nonce-length', method: 'GET', path: '/api/user/device', detail: expect.any(String), at: expect.any(Number) }] });
    expect(reset.body).toEqual({ ok: true });
    expect(after.body).toEqual({ deviations: [] });
    expect(sim.deviations).toEqual([]);
  });
});

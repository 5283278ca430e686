import { createHmac } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index';
import { ALICE, BOB, testSim } from './fixture';
import { APP_ID } from './wire';
import { exchange, loginQuery, openLoginPage, REDIRECT_URL, submitLoginPage } from './v2-wire';

/*
 * The sim's OAuth 2.0 login page over HTTP: the signed query is checked before anything is
 * shown or anyone is sent anywhere; the form signs a sim account in and redirects to the
 * registered URL with code, region and state, or with access_denied.
 */

const LOCAL_REDIRECT = 'http://127.0.0.1:8787/ewelink/oauth/callback?from=sim';

let sim: Sim;

beforeAll(async () => {
  sim = await testSim({ redirectUrls: [REDIRECT_URL, LOCAL_REDIRECT] });
});
afterAll(() => sim.close());
beforeEach(() => sim.stats.reset());

describe('GET /oauth/index.html', () => {
  it('shows a plain sign-in form that posts back to the same signed address', async () => {
    // Prepare
    const query = loginQuery();

    // Act
    const reply = await openLoginPage(sim, query);

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.contentType).toMatch(/^text\/html/);
    expect(reply.html).toContain('<form method="post"');
    expect(reply.html).toContain(`action="/oauth/index.html?${query.toString().replaceAll('&', '&#38;')}"`);
    expect(reply.html).toMatch(/name="login"/);
    expect(reply.html).toMatch(/type="password"/);
    expect(reply.html).toMatch(/name="decision" value="deny"/);
    expect(reply.html).not.toMatch(/<script/);
    expect(sim.stats.byPath['GET /oauth/index.html']).toBe(1);
  });

  it.each(['clientId', 'redirectUrl', 'grantType', 'state', 'nonce', 'seq', 'authorization'])('answers a plain error page naming %s when it is missing', async (name) => {
    // Act
    const reply = await openLoginPage(sim, loginQuery({ [name]: undefined }));

    // Assess
    expect(reply.status).toBe(400);
    expect(reply.location).toBeUndefined();
    expect(reply.html).toContain(`${name} is missing`);
    expect(reply.html).not.toContain('<form');
  });

  it.each([
    ['an unknown clientId', { clientId: 'other-app' }, 'clientId is not a known app id'],
    ['another grantType', { grantType: 'implicit' }, 'grantType must be authorization_code'],
    ['a short nonce', { nonce: 'abc' }, 'nonce must be 8 letters or digits'],
    ['a seq that is not a timestamp', { seq: 'yesterday' }, 'seq must be a timestamp'],
    ['an authorization made with another secret', { authorization: createHmac('sha256', 'wrong').update(`${APP_ID}_1`).digest('base64') }, 'authorization does not match'],
    ['an authorization over another seq', { authorization: createHmac('sha256', 'test-app-secret').update(`${APP_ID}_1`).digest('base64') }, 'authorization does not match'],
    ['a redirectUrl that is not registered', { redirectUrl: 'https://evil.example.com/callback' }, 'redirectUrl is not registered'],
    ['a registered URL with another path', { redirectUrl: `${REDIRECT_URL}/more` }, 'redirectUrl is not registered'],
  ])('refuses %s with a plain error page and no redirect', async (_what, overrides, problem) => {
    // Act
    const reply = await openLoginPage(sim, loginQuery(overrides));

    // Assess
    expect(reply.status).toBe(400);
    expect(reply.location).toBeUndefined();
    expect(reply.html).toContain(problem);
  });

  it('answers a 404 page for another page under /oauth/', async () => {
    // Act
    const res = await request(`${sim.url}/oauth/other.html?${loginQuery()}`);

    // Assess
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    await res.body.text();
  });
});

describe('POST /oauth/index.html (the form)', () => {
  it('signs the account in and redirects with code, region and state', async () => {
    // Act
    const reply = await submitLoginPage(sim, loginQuery({ state: 'xyz-1' }), { login: ALICE.email, password: ALICE.password, decision: 'allow' });

    // Assess
    expect(reply.status).toBe(302);
    const to = new URL(reply.location ?? '');
    expect(`${to.origin}${to.pathname}`).toBe(REDIRECT_URL);
    expect(Object.fromEntries(to.searchParams)).toEqual({ code: expect.stringMatching(/^[0-9a-f]{32}$/), region: 'eu', state: 'xyz-1' });
    expect((await exchange(sim, to.searchParams.get('code') ?? '')).body.error).toBe(0);
  });

  it('names the account’s own region (a phone login in cn)', async () => {
    // Act
    const reply = await submitLoginPage(sim, loginQuery(), { login: BOB.phoneNumber, password: BOB.password, decision: 'allow' });

    // Assess
    expect(new URL(reply.location ?? '').searchParams.get('region')).toBe('cn');
  });

  it('keeps the query a registered local redirect URL carries', async () => {
    // Act
    const reply = await submitLoginPage(sim, loginQuery({ redirectUrl: LOCAL_REDIRECT }), { login: ALICE.email, password: ALICE.password });

    // Assess
    const to = new URL(reply.location ?? '');
    expect(to.origin).toBe('http://127.0.0.1:8787');
    expect(to.searchParams.get('from')).toBe('sim');
    expect(to.searchParams.get('code')).toEqual(expect.any(String));
  });

  it('redirects a denial with access_denied and the state, and no code', async () => {
    // Act
    const reply = await submitLoginPage(sim, loginQuery({ state: 'deny-1' }), { login: '', password: '', decision: 'deny' });

    // Assess
    expect(reply.status).toBe(302);
    const to = new URL(reply.location ?? '');
    expect(Object.fromEntries(to.searchParams)).toEqual({ error: 'access_denied', error_description: expect.any(String), state: 'deny-1' });
  });

  it.each([
    ['a wrong password', { login: ALICE.email, password: 'nope' }],
    ['an unknown login', { login: 'nobody@example.com', password: 'x' }],
    ['no login', { password: ALICE.password }],
  ])('shows the form again with a complaint for %s, and sends no one anywhere', async (_what, form) => {
    // Act
    const reply = await submitLoginPage(sim, loginQuery(), form);

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.location).toBeUndefined();
    expect(reply.html).toContain('Wrong account or password');
    expect(reply.html).toContain('<form');
  });

  it('refuses a form posted as JSON', async () => {
    // Act
    const res = await request(`${sim.loginPageUrl}?${loginQuery()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: ALICE.email, password: ALICE.password }),
    });

    // Assess
    expect(res.statusCode).toBe(400);
    expect(res.headers['location']).toBeUndefined();
    expect(await res.body.text()).toContain('application/x-www-form-urlencoded');
  });

  it('checks the query again on submit: a tampered redirectUrl gets the error page, not a redirect', async () => {
    // Prepare: the form of a good link, posted to a link whose redirectUrl was swapped
    const query = loginQuery();
    query.set('redirectUrl', 'https://evil.example.com/callback');

    // Act
    const reply = await submitLoginPage(sim, query, { login: ALICE.email, password: ALICE.password });

    // Assess
    expect(reply.status).toBe(400);
    expect(reply.location).toBeUndefined();
  });
});

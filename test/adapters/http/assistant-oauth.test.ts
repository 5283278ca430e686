import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_LIFETIME_MS, AUTHORIZATION_CODE_LIFETIME_MS, LINK_CODE_LIFETIME_MS } from '../../../lib/accounts/assistant-links';
import { hashSecret } from '../../../lib/secrets';
import { ACCOUNT, startHarness, type Harness } from '../../support/bridge';
import { scanTable } from '../../support/dynamo';
import { addClient, approve, authorizeQuery, hiddenFields, linkAssistant, pkcePair, REDIRECT_URI, send, tokenRequest, type TestClient } from '../../support/assistant-oauth';

/*
 * The bridge's OAuth 2.0 authorization server for assistants' account linking, end to end over
 * HTTP: the authorize page, the person's decision, the token endpoint, and the tokens the
 * assistant adapters check. The bridge's clock runs ahead of real time by `ahead` (never
 * behind: DynamoDB Local deletes items whose TTL, set by that clock, has passed), so expiry is
 * reached by moving it on.
 */

let h: Harness;
let ahead = 0;
let alexa: TestClient;

beforeAll(async () => {
  h = await startHarness({ tuning: { now: () => Date.now() + ahead } });
  alexa = await addClient(h.bridge, { name: 'Alexa <"skill">' });
});

afterAll(async () => h?.close());

const codeOf = (answer: { location?: URL }) => answer.location?.searchParams.get('code') ?? '';

describe('the authorize page', () => {
  it('names the client, escaped, with a form bound to the request and the headers of a page', async () => {
    // Act
    const page = await send(h.url, 'GET', `/oauth/authorize?${authorizeQuery(alexa.client, { user_locale: 'en-GB' })}`);
    // Assess
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('&quot;Alexa &lt;&quot;skill&quot;&gt;&quot;');
    expect(page.text).not.toContain('<"skill">');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-security-policy']).toContain("form-action 'self' https://assistant.example.com");
    const fields = hiddenFields(page.text);
    expect(fields).toMatchObject({ client_id: alexa.client.id, redirect_uri: REDIRECT_URI, state: 'state-1 &<"x">', response_type: 'code' });
    expect(fields.consent).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(fields).not.toHaveProperty('user_locale');
  });

  it('approves with an API key: back to the redirect URI with a code and the state unchanged', async () => {
    // Act
    const { answer } = await approve(h.url, authorizeQuery(alexa.client), h.apiKey);
    // Assess
    expect(answer.status).toBe(302);
    expect(answer.location?.origin + (answer.location?.pathname ?? '')).toBe(REDIRECT_URI);
    expect(answer.location?.searchParams.get('state')).toBe('state-1 &<"x">');
    expect(codeOf(answer)).toMatch(/^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/);
  });

  it('approves with a link code, which is good once', async () => {
    // Prepare
    const { code } = await h.bridge.assistantLinks.newLinkCode(ACCOUNT);
    // Act
    const first = await approve(h.url, authorizeQuery(alexa.client), code.toLowerCase());
    const second = await approve(h.url, authorizeQuery(alexa.client), code);
    // Assess
    expect(first.answer.status).toBe(302);
    expect(codeOf(first.answer)).not.toBe('');
    expect(second.answer.status).toBe(401);
    expect(second.answer.location).toBeUndefined();
    expect(second.answer.body.error.code).toBe('unauthorized');
  });

  it('refuses a link code after its 10 minutes', async () => {
    // Prepare
    const { code } = await h.bridge.assistantLinks.newLinkCode(ACCOUNT);
    ahead += LINK_CODE_LIFETIME_MS + 1000;
    // Act
    const { answer } = await approve(h.url, authorizeQuery(alexa.client), code);
    // Assess
    expect(answer.status).toBe(401);
  });

  it('sends a denial back as access_denied with the state, and stores no code', async () => {
    // Prepare
    const before = await scanTable(h.table);
    // Act
    const { answer } = await approve(h.url, authorizeQuery(alexa.client), '', 'deny');
    // Assess
    expect(answer.status).toBe(302);
    expect(answer.location?.searchParams.get('error')).toBe('access_denied');
    expect(answer.location?.searchParams.get('state')).toBe('state-1 &<"x">');
    expect(answer.location?.searchParams.has('code')).toBe(false);
    const after = await scanTable(h.table);
    expect(after.filter((item) => String(item.sk).startsWith('CODE#'))).toEqual(before.filter((item) => String(item.sk).startsWith('CODE#')));
  });

  it('keeps a redirect URI\'s own query, adding the code or the error and the state to it', async () => {
    // Prepare: a client whose redirect URI carries a query of its own (RFC 6749 3.1.2 allows one)
    const withQuery = await addClient(h.bridge, { name: 'query', redirectUris: ['https://assistant.example.com/return?vendor=M2&lang=en'] });
    // Act
    const approved = await approve(h.url, authorizeQuery(withQuery.client), h.apiKey);
    const denied = await approve(h.url, authorizeQuery(withQuery.client), '', 'deny');
    // Assess
    for (const { answer } of [approved, denied]) {
      expect(answer.status).toBe(302);
      expect(`${answer.location?.origin}${answer.location?.pathname}`).toBe('https://assistant.example.com/return');
      expect(answer.location?.searchParams.get('vendor')).toBe('M2');
      expect(answer.location?.searchParams.get('lang')).toBe('en');
      expect(answer.location?.searchParams.get('state')).toBe('state-1 &<"x">');
    }
    expect(codeOf(approved.answer)).not.toBe('');
    expect(denied.answer.location?.searchParams.get('error')).toBe('access_denied');
    expect(denied.answer.location?.searchParams.has('code')).toBe(false);
  });

  it('shows the form again after a wrong key, storing nothing and sending nobody anywhere; the form still works after', async () => {
    // Prepare
    const page = await send(h.url, 'GET', `/oauth/authorize?${authorizeQuery(alexa.client)}`);
    const fields = hiddenFields(page.text);
    const before = JSON.stringify(await scanTable(h.table));
    // Act
    const wrong = await send(h.url, 'POST', '/oauth/authorize', { form: { ...fields, proof: 'ebk_not-a-key-of-this-bridge', decision: 'approve' } });
    const after = JSON.stringify(await scanTable(h.table));
    const right = await send(h.url, 'POST', '/oauth/authorize', { form: { ...fields, proof: h.apiKey, decision: 'approve' } });
    // Assess
    expect(wrong.status).toBe(401);
    expect(wrong.location).toBeUndefined();
    expect(wrong.text).toContain('neither an API key');
    expect(hiddenFields(wrong.text)).toEqual(fields);
    expect(after).toBe(before);
    expect(right.status).toBe(302);
  });

  it('answers an unknown client or an unregistered redirect URI with a 400 page, sending nobody anywhere', async () => {
    // Act
    const answers = await Promise.all([
      send(h.url, 'GET', `/oauth/authorize?${authorizeQuery(alexa.client, { client_id: 'nosuchclient0000' })}`),
      send(h.url, 'GET', `/oauth/authorize?${authorizeQuery(alexa.client, { redirect_uri: 'https://evil.example.com/catch' })}`),
      send(h.url, 'GET', `/oauth/authorize?${authorizeQuery(alexa.client, { redirect_uri: `${REDIRECT_URI}/` })}`),
      send(h.url, 'GET', `/oauth/authorize?${authorizeQuery(alexa.client, { response_type: 'token' })}`),
    ]);
    // Assess
    for (const answer of answers) {
      expect(answer.status, answer.text).toBe(400);
      expect(answer.headers.location).toBeUndefined();
      expect(answer.headers['content-type']).toMatch(/^text\/html/);
      expect(answer.body.error.code).toBe('link_refused');
    }
  });

  it('refuses a missing, wrong or used form token, and one shown for another request', async () => {
    // Prepare
    const page = await send(h.url, 'GET', `/oauth/authorize?${authorizeQuery(alexa.client)}`);
    const fields = hiddenFields(page.text);
    const { consent: _, ...withoutConsent } = fields;
    // Act
    const missing = await send(h.url, 'POST', '/oauth/authorize', { form: { ...withoutConsent, proof: h.apiKey, decision: 'approve' } });
    const wrong = await send(h.url, 'POST', '/oauth/authorize', { form: { ...fields, consent: 'A'.repeat(32), proof: h.apiKey, decision: 'approve' } });
    const otherState = await send(h.url, 'POST', '/oauth/authorize', { form: { ...fields, state: 'another', proof: h.apiKey, decision: 'approve' } });
    const used = await send(h.url, 'POST', '/oauth/authorize', { form: { ...fields, proof: h.apiKey, decision: 'approve' } });
    const again = await send(h.url, 'POST', '/oauth/authorize', { form: { ...fields, proof: h.apiKey, decision: 'approve' } });
    // Assess
    expect(missing.status).toBe(422);
    expect(wrong.status).toBe(400);
    expect(otherState.status).toBe(400);
    expect(used.status).toBe(302);
    expect(again.status).toBe(400);
    for (const refused of [missing, wrong, otherState, again]) expect(refused.location).toBeUndefined();
  });
});

describe('PKCE', () => {
  it('takes an S256 verifier, and refuses a wrong one with invalid_grant', async () => {
    // Prepare
    const pkce = pkcePair();
    const query = authorizeQuery(alexa.client, { code_challenge: pkce.challenge, code_challenge_method: 'S256' });
    const good = await approve(h.url, query, h.apiKey);
    const bad = await approve(h.url, query, h.apiKey);
    // Act
    const taken = await tokenRequest(h.url, alexa, { grant_type: 'authorization_code', code: codeOf(good.answer), redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier });
    const refused = await tokenRequest(h.url, alexa, { grant_type: 'authorization_code', code: codeOf(bad.answer), redirect_uri: REDIRECT_URI, code_verifier: pkcePair().verifier });
    const none = await tokenRequest(h.url, alexa, { grant_type: 'authorization_code', code: codeOf((await approve(h.url, query, h.apiKey)).answer), redirect_uri: REDIRECT_URI });
    // Assess
    expect(taken.status, taken.text).toBe(200);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
    expect(none.status).toBe(400);
    expect(none.body.error).toBe('invalid_grant');
  });

  it('refuses the plain method on the page', async () => {
    const page = await send(h.url, 'GET', `/oauth/authorize?${authorizeQuery(alexa.client, { code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' })}`);
    expect(page.status).toBe(400);
    expect(page.body.error.message).toMatch(/plain.*S256/);
  });

  it('refuses a request without a challenge for a client registered with --require-pkce', async () => {
    // Prepare
    const strict = await addClient(h.bridge, { name: 'strict', requirePkce: true });
    // Act
    const page = await send(h.url, 'GET', `/oauth/authorize?${authorizeQuery(strict.client)}`);
    const linked = await linkAssistant(h.url, strict, h.apiKey);
    // Assess
    expect(page.status).toBe(400);
    expect(page.body.error.message).toContain('code_challenge');
    expect(linked.access_token).toBeTruthy();
  });
});

describe('the token endpoint', () => {
  it('trades a code once, for an hour-long access token and a refresh token, never cached', async () => {
    // Prepare
    const { answer } = await approve(h.url, authorizeQuery(alexa.client), h.apiKey);
    const form = { grant_type: 'authorization_code', code: codeOf(answer), redirect_uri: REDIRECT_URI };
    // Act
    const first = await tokenRequest(h.url, alexa, form);
    const second = await tokenRequest(h.url, alexa, form);
    // Assess
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), refresh_token: expect.any(String) });
    expect(first.body.expires_in).toBeGreaterThan(3590);
    expect(first.body.expires_in).toBeLessThanOrEqual(3600);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');
    expect(second.headers['cache-control']).toBe('no-store');
    expect(await h.bridge.assistantLinks.verify(first.body.access_token)).toMatchObject({ status: 'valid', accountId: ACCOUNT });
  });

  it('takes the client credentials by HTTP Basic too, and refuses wrong ones with 401 invalid_client', async () => {
    // Prepare
    const codes = await Promise.all([0, 1, 2].map(async () => codeOf((await approve(h.url, authorizeQuery(alexa.client), h.apiKey)).answer)));
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    const form = (code: string) => ({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
    // Act
    const byBasic = await send(h.url, 'POST', '/oauth/token', { form: form(codes[0]!), headers: { authorization: basic(alexa.client.id, alexa.secret) } });
    const wrongBasic = await send(h.url, 'POST', '/oauth/token', { form: form(codes[1]!), headers: { authorization: basic(alexa.client.id, 'wrong') } });
    const wrongBody = await tokenRequest(h.url, { ...alexa, secret: 'wrong' }, form(codes[1]!));
    const noSecret = await send(h.url, 'POST', '/oauth/token', { form: { ...form(codes[1]!), client_id: alexa.client.id } });
    const stillGood = await tokenRequest(h.url, alexa, form(codes[1]!));
    // Assess
    expect(byBasic.status, byBasic.text).toBe(200);
    for (const refused of [wrongBasic, wrongBody, noSecret]) {
      expect(refused.status).toBe(401);
      expect(refused.body.error).toBe('invalid_client');
      expect(refused.headers['www-authenticate']).toMatch(/^Basic/);
    }
    expect(stillGood.status).toBe(200);
  });

  it('refuses a code for another redirect URI, and an expired code', async () => {
    // Prepare
    const a = codeOf((await approve(h.url, authorizeQuery(alexa.client), h.apiKey)).answer);
    const b = codeOf((await approve(h.url, authorizeQuery(alexa.client), h.apiKey)).answer);
    // Act
    const elsewhere = await tokenRequest(h.url, alexa, { grant_type: 'authorization_code', code: a, redirect_uri: 'https://assistant.example.com/other' });
    ahead += AUTHORIZATION_CODE_LIFETIME_MS + 1000;
    const late = await tokenRequest(h.url, alexa, { grant_type: 'authorization_code', code: b, redirect_uri: REDIRECT_URI });
    // Assess
    expect(elsewhere.status).toBe(400);
    expect(['invalid_request', 'invalid_grant']).toContain(elsewhere.body.error);
    expect(late.status).toBe(400);
    expect(late.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/expired/) });
  });

  it('rotates refresh tokens: each refresh answers a new pair, and a used refresh token is refused', async () => {
    // Prepare
    const first = await linkAssistant(h.url, alexa, h.apiKey);
    // Act
    const refreshed = await tokenRequest(h.url, alexa, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    const reused = await tokenRequest(h.url, alexa, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    const next = await tokenRequest(h.url, alexa, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token });
    // Assess
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(first.refresh_token);
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
    expect(next.status).toBe(200);
    const check = await h.bridge.assistantLinks.verify(next.body.access_token);
    expect(check).toMatchObject({ status: 'valid', accountId: ACCOUNT });
    const [link] = (await h.bridge.assistantLinks.links(ACCOUNT)).filter((l) => check.status === 'valid' && l.linkId === check.linkId);
    expect(link?.refreshedAt).toBeGreaterThan(0);
  });

  it("refuses a refresh token of another client", async () => {
    const other = await addClient(h.bridge, { name: 'google' });
    const tokens = await linkAssistant(h.url, alexa, h.apiKey);
    const refused = await tokenRequest(h.url, other, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
  });
});

describe('tokens', () => {
  it('expire after an hour: verify says expired, not invalid', async () => {
    // Prepare
    const { access_token } = await linkAssistant(h.url, alexa, h.apiKey);
    // Act
    ahead += ACCESS_TOKEN_LIFETIME_MS + 1000;
    // Assess
    expect(await h.bridge.assistantLinks.verify(access_token)).toEqual({ status: 'expired' });
  });

  it('cost one read of the table to verify, and never throw for a bad token', async () => {
    // Prepare
    const { access_token } = await linkAssistant(h.url, alexa, h.apiKey);
    let reads = 0;
    const stack = h.table.documentClient.middlewareStack;
    stack.add((next) => async (args) => ((reads += 1), next(args)), { step: 'initialize', name: 'countReads' });
    // Act
    const check = await h.bridge.assistantLinks.verify(access_token);
    stack.remove('countReads');
    const bad = await Promise.all(['', 'x', '.', `${access_token}x`, access_token.replace(/\.(.)/, '.A'), `${'a'.repeat(16)}.${'b'.repeat(43)}`, '\u0000'.repeat(60)].map((t) => h.bridge.assistantLinks.verify(t)));
    // Assess
    expect(check.status).toBe('valid');
    expect(reads).toBe(1);
    expect(bad.every((c) => c.status === 'invalid')).toBe(true);
  });

  it('stop working, refresh tokens too, when the link is revoked', async () => {
    // Prepare
    const tokens = await linkAssistant(h.url, alexa, h.apiKey);
    const check = await h.bridge.assistantLinks.verify(tokens.access_token);
    if (check.status !== 'valid') throw new Error('preparing: the token is not valid');
    // Act
    await h.bridge.assistantLinks.revoke(check.linkId);
    await h.bridge.assistantLinks.revoke(check.linkId);
    // Assess
    expect(await h.bridge.assistantLinks.verify(tokens.access_token)).toEqual({ status: 'invalid' });
    const refresh = await tokenRequest(h.url, alexa, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe('invalid_grant');
    expect((await h.bridge.assistantLinks.links(ACCOUNT)).map((l) => l.linkId)).not.toContain(check.linkId);
    expect((await scanTable(h.table)).filter((item) => String(item.pk) === `LINK#${check.linkId}`)).toEqual([]);
  });

  it('stop working when their client is removed', async () => {
    // Prepare
    const doomed = await addClient(h.bridge, { name: 'doomed' });
    const tokens = await linkAssistant(h.url, doomed, h.apiKey);
    // Act
    const { linksEnded } = await h.bridge.assistantLinks.removeClient(doomed.client.id);
    // Assess
    expect(linksEnded).toBe(1);
    expect(await h.bridge.assistantLinks.verify(tokens.access_token)).toEqual({ status: 'invalid' });
    const refresh = await tokenRequest(h.url, doomed, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(refresh.status).toBe(401);
    expect(refresh.body.error).toBe('invalid_client');
    const page = await send(h.url, 'GET', `/oauth/authorize?${authorizeQuery(doomed.client)}`);
    expect(page.status).toBe(400);
  });

  it('are stored only as hashes, as are codes, client secrets, link codes and form tokens', async () => {
    // Prepare
    const { code: linkCode } = await h.bridge.assistantLinks.newLinkCode(ACCOUNT);
    const spare = await h.bridge.assistantLinks.newLinkCode(ACCOUNT);
    const { answer, fields } = await approve(h.url, authorizeQuery(alexa.client), linkCode);
    const code = codeOf(answer);
    const pending = codeOf((await approve(h.url, authorizeQuery(alexa.client), h.apiKey)).answer);
    const open = hiddenFields((await send(h.url, 'GET', `/oauth/authorize?${authorizeQuery(alexa.client)}`)).text).consent as string;
    const tokens = await tokenRequest(h.url, alexa, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
    // Act
    const table = JSON.stringify(await scanTable(h.table));
    // Assess
    for (const secret of [alexa.secret, tokens.body.access_token, tokens.body.refresh_token, pending, open, fields.consent as string, spare.code, spare.code.replace(/-/g, '')]) {
      expect(table).not.toContain(secret);
      expect(table).not.toContain(secret.split('.').pop());
    }
    expect(table).toContain(hashSecret(tokens.body.access_token));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../../lib/adapters/http/routes';
import { startHarness, type Harness } from '../../support/bridge';
import { cloudTraffic } from '../../support/refusals';

const SAMPLE_PARAMS: Record<string, string> = { id: '1000000001', groupId: '0123456789abcdef01234567', uid: encodeURIComponent('friend@example.com') };

/** A concrete path for a route pattern. */
const samplePath = (pattern: string) => pattern.replace(/\{([^}]+)\}/g, (_, name: string) => SAMPLE_PARAMS[name] ?? 'x');

describe('API keys on every route that needs one', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  const guarded = routes.filter((r) => r.auth === 'apiKey').map((r) => [`${r.method} ${r.path}`, r] as const);

  it.each(guarded)('%s answers 401 without a key and with a wrong one, and sends nothing', async (_name, route) => {
    // Prepare
    h.sim.stats.reset();
    const path = samplePath(route.path);
    // Act
    const none = await h.call(route.method, path, { body: { name: 'x' }, auth: false });
    const wrong = await h.call(route.method, path, { body: { name: 'x' }, auth: 'ebk_not-a-key-of-this-bridge' });
    // Assess
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    expect(wrong.status).toBe(401);
    expect(cloudTraffic(h)).toBe(0);
  });

  it('leaves only the webhook runner, the OAuth callback (its state is the key), the assistants\' OAuth endpoints (the person proves the account on the page; clients authenticate at the token endpoint), Google\'s fulfillment (its access token is the key) and the API document open', () => {
    expect(routes.filter((r) => r.auth === 'none').map((r) => `${r.method} ${r.path}`).sort()).toEqual(['GET /ewelink/oauth/callback', 'GET /oauth/authorize', 'GET /openapi.json', 'POST /google/fulfillment', 'POST /hooks/{hookId}/{secret}', 'POST /oauth/authorize', 'POST /oauth/token']);
  });
});

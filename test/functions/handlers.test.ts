import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { ACCOUNT, startHarness, type Harness, exposeHarnessEnv } from '../support/bridge';

const context = { functionName: 'http-api', awsRequestId: 'test', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

function event(method: string, path: string, key?: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: key ? { authorization: `Bearer ${key}`, host: 'api.example.com' } : { host: 'api.example.com' },
    requestContext: { domainName: 'api.example.com', http: { method, path } } as APIGatewayProxyEventV2['requestContext'],
    isBase64Encoded: false,
  };
}

describe('functions/http-api.ts, the deployed entry point', () => {
  let h: Harness | undefined;
  afterAll(async () => h?.close());

  it('answers 503 while unconfigured, then serves once the configuration is fixed, without a new container', async () => {
    // Prepare: no app credentials in the environment
    for (const name of ['EWELINK_APP_ID', 'EWELINK_APP_SECRET', 'EWELINK_SECRET_ARN']) delete process.env[name];
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    const { handler } = await import('../../functions/http-api');
    // Act
    const unconfigured = await handler(event('GET', '/devices', 'ebk_whatever'), context);
    // Assess
    expect(unconfigured.statusCode).toBe(503);
    expect(JSON.parse(unconfigured.body as string).error).toMatchObject({ code: 'not_configured', message: expect.stringMatching(/EWELINK_APP_ID/) });

    // Prepare: the configuration arrives
    h = await startHarness();
    exposeHarnessEnv(h);
    // Act
    const served = await handler(event('GET', '/devices', h.apiKey), context);
    // Assess
    expect(served.statusCode).toBe(200);
    expect(JSON.parse(served.body as string).devices).toHaveLength(3);
    expect((await h.parts.store.tokens.get(ACCOUNT))?.region).toBe('eu');
  });
});

import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { alexaSample, alexaSchemaErrors } from '../support/assistant-schemas';
import { ACCOUNT, startHarness, type Harness, exposeHarnessEnv } from '../support/bridge';
import { addClient, linkAssistant } from '../support/assistant-oauth';

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

// The HTTP function's test wires the configuration; the Alexa function's, after it, uses it too.
let h: Harness | undefined;
afterAll(async () => h?.close());

describe('functions/http-api.ts, the deployed entry point', () => {
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

describe('functions/alexa.ts, the deployed entry point', () => {
  it("answers every directive as an Alexa message, checking its token in the bridge's table", async () => {
    // Prepare: the configuration of the test above (the harness's table and cloud), and a token the OAuth server issued for its account
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    const { handler } = await import('../../functions/alexa');
    const turnOn = alexaSample('PowerController/PowerController.TurnOn.request.json');
    const harness = h as Harness;
    const { access_token } = await linkAssistant(harness.url, await addClient(harness.bridge), harness.apiKey);
    const discover = alexaSample('Discovery/Discovery.request.json');
    discover.directive.payload.scope.token = access_token;

    // Act
    const refused = await handler(turnOn, { ...context, functionName: 'alexa' });
    const garbage = await handler({ not: 'a directive' }, { ...context, functionName: 'alexa' });
    const discovered = await handler(discover, { ...context, functionName: 'alexa' });

    // Assess
    expect(alexaSchemaErrors(refused)).toEqual([]);
    expect(refused.event.payload).toMatchObject({ type: 'INVALID_AUTHORIZATION_CREDENTIAL' });
    expect(refused.event.header.correlationToken).toBe(turnOn.directive.header.correlationToken);
    expect(garbage.event.payload).toMatchObject({ type: 'INVALID_DIRECTIVE' });
    expect(alexaSchemaErrors(discovered)).toEqual([]);
    expect(discovered.event.header.name).toBe('Discover.Response');
    expect((discovered.event.payload.endpoints as unknown[]).length).toBeGreaterThan(0);
  });
});

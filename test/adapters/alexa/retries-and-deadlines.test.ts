import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerDirective, type AlexaOptions } from '../../../lib/adapters/alexa/answer';
import { wireBridge } from '../../../lib/bridge';
import { REPLY_KEEP_MS } from '../../../lib/replies';
import { ACCOUNT, APP_ID, APP_SECRET, socketUpdates, startHarness, warmSocket, type Harness } from '../../support/bridge';
import { scanTable } from '../../support/dynamo';
import { testTokens } from '../../support/assistant-tokens';
import { demoHarness } from '../../support/demo-harness';
import { DEMO, demoAccount, directive, errorType, send } from './support';

describe('a directive sent again with the same messageId', () => {
  const demo = demoHarness();
  let h: Harness;
  let options: AlexaOptions;
  beforeEach(() => {
    h = demo.h;
    options = { tokens: demo.tokens };
  });

  it('acts once and gets the first answer, even after the device changed', async () => {
    // Prepare
    const turnOn = directive('Alexa.PowerController', 'TurnOn', DEMO.lamp);
    await warmSocket(h);
    h.sim.stats.reset();

    // Act
    const first = await send(h, options, turnOn);
    h.sim.reportFromDevice(DEMO.lamp, { switch: 'off' });
    const again = await send(h, options, turnOn);

    // Assess
    expect(again).toEqual(first);
    expect(h.sim.device(DEMO.lamp).params.switch).toBe('off');
    expect(socketUpdates(h.sim, DEMO.lamp)).toHaveLength(1);
    const items = (await scanTable(h.table)).filter((item) => String(item.sk).startsWith('REPLY#alexa#'));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ pk: `ACCOUNT#${ACCOUNT}`, state: 'answered' });
    expect(Number(items[0]!.expiresAt) * 1000 - Date.now()).toBeGreaterThan(REPLY_KEEP_MS - 60_000);
  });

  it('acts again under a new messageId', async () => {
    await send(h, options, directive('Alexa.PowerController', 'TurnOn', DEMO.dimmer));
    await send(h, options, directive('Alexa.PowerController', 'TurnOn', DEMO.dimmer));
    expect(socketUpdates(h.sim, DEMO.dimmer)).toHaveLength(2);
  });

  it('acts once when two copies arrive together; the other waits for nothing and does not act', async () => {
    // Prepare
    const turnOff = directive('Alexa.PowerController', 'TurnOff', DEMO.whiteBulb);

    // Act
    const answers = await Promise.all([send(h, options, turnOff), send(h, options, turnOff)]);

    // Assess
    expect(socketUpdates(h.sim, DEMO.whiteBulb)).toHaveLength(1);
    const names = answers.map((a) => errorType(a) ?? a.event.header.name).sort();
    expect([['Response', 'Response'], ['ENDPOINT_BUSY', 'Response']]).toContainEqual(names);
  });

  it('gives an error answer again too, without asking the device again', async () => {
    // Prepare
    const turnOn = directive('Alexa.PowerController', 'TurnOn', DEMO.garage);

    // Act
    const first = await send(h, options, turnOn);
    const traffic = h.sim.stats.socketMessages + h.sim.stats.http;
    const again = await send(h, options, turnOn);

    // Assess
    expect(errorType(first)).toBe('ENDPOINT_UNREACHABLE');
    expect(again).toEqual(first);
    expect(h.sim.stats.socketMessages + h.sim.stats.http).toBe(traffic);
  });

  it('keeps one account from being answered with another account\'s reply', async () => {
    // Prepare: the same messageId from a second account (a second link to the same devices)
    const turnOn = directive('Alexa.PowerController', 'TurnOn', DEMO.ledStrip, {}, { messageId: 'shared-message-id' });
    await send(h, options, turnOn);
    const content = { namespace: 'Alexa.PowerController', name: 'TurnOn', endpointId: DEMO.ledStrip, payload: {} };
    const other = await h.bridge.replies.once({ caller: 'alexa', accountId: 'another-account', messageId: 'shared-message-id', content }, async () => 'acted');
    const same = await h.bridge.replies.once({ caller: 'alexa', accountId: ACCOUNT, messageId: 'shared-message-id', content }, async () => 'acted');

    // Assess
    expect(other).toEqual({ status: 'fresh', answer: 'acted' });
    // The same content for the first account is a copy (so the digest above matches the directive's).
    expect(same.status).toBe('repeated');
  });
});

describe('a repeated messageId after 5 minutes', () => {
  it('acts again', async () => {
    // Prepare: the bridge's clock is the simulated cloud's, moved by hand, ahead of real time (DynamoDB Local deletes items whose TTL has passed)
    const h = await startHarness({ account: demoAccount(), sim: { clock: { mode: 'manual', start: Date.now() + 86_400_000 } } });
    const options = { tokens: testTokens(ACCOUNT) };
    const turnOn = directive('Alexa.PowerController', 'TurnOn', DEMO.lamp);
    try {
      await warmSocket(h);
      await send(h, options, turnOn);
      await send(h, options, turnOn);
      expect(socketUpdates(h.sim, DEMO.lamp)).toHaveLength(1);

      // Act
      await h.sim.clock.advance(REPLY_KEEP_MS + 1_000);
      await send(h, options, turnOn);

      // Assess
      expect(socketUpdates(h.sim, DEMO.lamp)).toHaveLength(2);
    } finally {
      await h.close();
    }
  });
});

describe('answering in time', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ account: demoAccount() });
    await h.bridge.directory.list(ACCOUNT);
  });
  afterEach(async () => {
    h.sim.faults.latencyMs = 0;
    await h.close();
  });

  it('a cloud slower than the deadline is ENDPOINT_UNREACHABLE at the deadline', async () => {
    // Prepare: every cloud answer takes 3 s; the adapter's deadline is 300 ms
    h.sim.faults.latencyMs = 3_000;
    const started = Date.now();

    // Act
    const answer = await send(h, { tokens: testTokens(ACCOUNT), deadlineMs: 300 }, directive('Alexa.PowerController', 'TurnOn', DEMO.lamp));

    // Assess
    expect(errorType(answer)).toBe('ENDPOINT_UNREACHABLE');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a cloud that cannot be reached is BRIDGE_UNREACHABLE', async () => {
    // Prepare: a second bridge on the same table (tokens and device list stored) with the cloud's port closed
    const { bridge } = wireBridge({ tableName: h.table.tableName, dynamoEndpoint: h.table.endpoint, appId: APP_ID, appSecret: APP_SECRET, apiUrl: 'http://127.0.0.1:9/{region}' });
    try {
      // Act
      const answer = await answerDirective(bridge, directive('Alexa.PowerController', 'TurnOn', DEMO.lamp), { tokens: testTokens(ACCOUNT) });

      // Assess
      expect(errorType(answer)).toBe('BRIDGE_UNREACHABLE');
      expect(answer.event.payload.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    } finally {
      bridge.close();
    }
  });
});

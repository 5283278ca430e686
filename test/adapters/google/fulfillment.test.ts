import { beforeEach, describe, expect, it } from 'vitest';
import type { GoogleOptions } from '../../../lib/adapters/google/fulfill';
import { ACCOUNT, socketUpdates, warmSocket, type Harness } from '../../support/bridge';
import { DEMO, demoHarness } from '../../support/demo-harness';
import { googleExample, googleSchemaErrors } from '../../support/assistant-schemas';
import { EXPIRED_TOKEN, LINK_ID, testTokens, type FixedTokens } from '../../support/assistant-tokens';
import { cloudTraffic } from '../../support/refusals';
import { addClient, linkAssistant } from '../../support/assistant-oauth';
import { executeRequest, onOff, queryRequest, requestId, send } from './support';

const demo = demoHarness();
let h: Harness;
let tokens: FixedTokens;
let options: GoogleOptions;
beforeEach(() => {
  ({ h, tokens } = demo);
  options = { tokens };
});

const params = (deviceid: string) => h.sim.device(deviceid).params as Record<string, any>;
const TRAIT_ATTRIBUTES: Record<string, string> = {
  'action.devices.traits.OnOff': 'traits/onoff/onoff.attributes.schema.json',
  'action.devices.traits.Brightness': 'traits/brightness/brightness.attributes.schema.json',
  'action.devices.traits.ColorSetting': 'traits/colorsetting/colorsetting.attributes.schema.json',
  'action.devices.traits.Scene': 'traits/scene/scene.attributes.schema.json',
};

describe('SYNC', () => {
  it("answers Google's example with the account's devices, a device per channel, and its scenes", async () => {
    // Prepare
    const { scene } = await h.bridge.scenes.create(ACCOUNT, { name: 'Good night', actions: [{ deviceid: DEMO.lamp, command: { power: 'off' } }] });

    // Act
    const { status, body } = await send(h, options, googleExample('sync'));

    // Assess
    expect(status).toBe(200);
    const payload = body.payload as { agentUserId: string; devices: { id: string; type: string; traits: string[]; attributes?: Record<string, unknown> }[] };
    expect(payload.agentUserId).toBe(ACCOUNT);
    const byId = Object.fromEntries(payload.devices.map((d) => [d.id, d]));
    expect(Object.keys(byId)).toHaveLength(13);
    expect(byId[`${DEMO.strip}-3`]).toMatchObject({ type: 'action.devices.types.SWITCH', traits: ['action.devices.traits.OnOff'] });
    expect(byId[DEMO.washer]).toMatchObject({ type: 'action.devices.types.OUTLET' });
    expect(byId[DEMO.dimmer]).toMatchObject({ type: 'action.devices.types.LIGHT', traits: ['action.devices.traits.OnOff', 'action.devices.traits.Brightness'] });
    expect(byId[DEMO.ledStrip]!.attributes).toEqual({ colorModel: 'rgb' });
    expect(byId[DEMO.whiteBulb]!.attributes).toEqual({ colorTemperatureRange: { temperatureMinK: 2200, temperatureMaxK: 7000 } });
    expect(byId[DEMO.colourBulb]!.attributes).toEqual({ colorModel: 'rgb', colorTemperatureRange: { temperatureMinK: 2200, temperatureMaxK: 7000 } });
    expect(byId[`scene-${scene.id}`]).toMatchObject({ type: 'action.devices.types.SCENE', traits: ['action.devices.traits.Scene'], attributes: { sceneReversible: false } });
    for (const device of payload.devices) {
      for (const trait of device.traits) expect(googleSchemaErrors(TRAIT_ATTRIBUTES[trait]!, device.attributes ?? {}), `${device.id} ${trait}`).toEqual([]);
    }
    await h.bridge.scenes.remove(ACCOUNT, scene.id);
  });
});

describe('QUERY', () => {
  it("answers Google's example (ids the account lacks) with deviceNotFound", async () => {
    const { body } = await send(h, options, googleExample('query'));
    expect(body.payload).toEqual({
      devices: { '123': { online: false, status: 'ERROR', errorCode: 'deviceNotFound' }, '456': { online: false, status: 'ERROR', errorCode: 'deviceNotFound' } },
    });
  });

  it('reads every family live; the channels of the strip share one read; the offline plug is OFFLINE', async () => {
    // Prepare
    await h.bridge.controller.control(ACCOUNT, DEMO.strip, { power: 'on', channel: 1 });
    await h.bridge.controller.control(ACCOUNT, DEMO.colourBulb, { power: 'on', colorTemperature: 2700, brightness: 40 });
    await h.bridge.controller.control(ACCOUNT, DEMO.ledStrip, { power: 'on', color: '#ff8000' });
    h.sim.stats.reset();
    const ids = [DEMO.lamp, `${DEMO.strip}-0`, `${DEMO.strip}-1`, DEMO.garage, DEMO.dimmer, DEMO.ledStrip, DEMO.whiteBulb, DEMO.colourBulb, DEMO.heater, DEMO.washer];

    // Act
    const { body } = await send(h, options, queryRequest(ids));

    // Assess
    const devices = (body.payload as { devices: Record<string, Record<string, unknown>> }).devices;
    expect(devices[`${DEMO.strip}-0`]).toEqual({ online: true, status: 'SUCCESS', on: false });
    expect(devices[`${DEMO.strip}-1`]).toEqual({ online: true, status: 'SUCCESS', on: true });
    expect(devices[DEMO.garage]).toEqual({ online: false, status: 'OFFLINE', errorCode: 'deviceOffline' });
    expect(devices[DEMO.colourBulb]).toMatchObject({ on: true, brightness: 40, color: { temperatureK: expect.closeTo(2700, -2) } });
    expect(devices[DEMO.ledStrip]).toMatchObject({ on: true, color: { spectrumRgb: 0xff8000 } });
    expect(devices[DEMO.dimmer]).toMatchObject({ online: true, status: 'SUCCESS', on: false, brightness: 50 });
    const stripReads = h.sim.stats.log.filter((r) => r.kind === 'http' && String((r as { path?: string }).path).endsWith(DEMO.strip));
    expect(stripReads).toHaveLength(1);
  });
});

describe('EXECUTE', () => {
  it("answers Google's example (ids the account lacks) with deviceNotFound", async () => {
    const { body } = await send(h, options, googleExample('execute'));
    expect(body.payload).toEqual({ commands: [{ ids: ['123', '456'], status: 'ERROR', errorCode: 'deviceNotFound' }] });
  });

  it('switches ten devices at once over one socket session', async () => {
    // Prepare: one session, newly opened
    const ids = [DEMO.lamp, `${DEMO.strip}-0`, `${DEMO.strip}-1`, `${DEMO.strip}-2`, `${DEMO.strip}-3`, DEMO.dimmer, DEMO.ledStrip, DEMO.whiteBulb, DEMO.colourBulb, DEMO.heater];
    h.parts.channel.close();
    h.sim.stats.reset();
    await warmSocket(h);

    // Act
    const { body } = await send(h, options, executeRequest(ids, [onOff(true)]));

    // Assess
    expect(body.payload).toEqual({ commands: [{ ids, status: 'SUCCESS', states: { online: true, on: true } }] });
    expect(h.sim.stats.connections).toBe(1);
    expect(h.sim.stats.byAction.userOnline).toBe(1);
    expect(h.sim.stats.byAction.update).toBe(10);
    expect(params(DEMO.lamp).switch).toBe('on');
    expect((params(DEMO.strip).switches as { switch: string }[]).map((s) => s.switch)).toEqual(['on', 'on', 'on', 'on']);
  });

  it('sets brightness, colour and colour temperature on the lights that have them', async () => {
    // Act
    const dimmer = await send(h, options, executeRequest([DEMO.dimmer], [{ command: 'action.devices.commands.BrightnessAbsolute', params: { brightness: 65 } }]));
    const strip = await send(h, options, executeRequest([DEMO.ledStrip], [{ command: 'action.devices.commands.ColorAbsolute', params: { color: { name: 'magenta', spectrumRGB: 16711935 } } }]));
    const bulb = await send(h, options, executeRequest([DEMO.whiteBulb], [onOff(true), { command: 'action.devices.commands.ColorAbsolute', params: { color: { name: 'warm white', temperature: 3000 } } }]));

    // Assess
    expect(dimmer.body.payload).toEqual({ commands: [{ ids: [DEMO.dimmer], status: 'SUCCESS', states: { online: true, on: true, brightness: 65 } }] });
    expect(strip.body.payload).toEqual({ commands: [{ ids: [DEMO.ledStrip], status: 'SUCCESS', states: { online: true, on: true, color: { spectrumRgb: 16711935 } } }] });
    expect(bulb.body.payload).toEqual({ commands: [{ ids: [DEMO.whiteBulb], status: 'SUCCESS', states: { online: true, on: true, color: { temperatureK: 3000 } } }] });
    expect(params(DEMO.dimmer)).toMatchObject({ switch: 'on', brightness: 65 });
    expect(params(DEMO.ledStrip)).toMatchObject({ switch: 'on', colorR: 255, colorG: 0, colorB: 255 });
    expect(params(DEMO.whiteBulb)).toMatchObject({ switch: 'on', white: { ct: 43 } });
  });

  it('answers each device for itself: offline, out of range, not supported, not found, while the rest are switched', async () => {
    // Prepare
    const request = {
      requestId: requestId(),
      inputs: [
        {
          intent: 'action.devices.EXECUTE',
          payload: {
            commands: [
              { devices: [{ id: DEMO.garage }, { id: DEMO.washer }, { id: '1000000777' }], execution: [onOff(true)] },
              { devices: [{ id: DEMO.colourBulb }], execution: [{ command: 'action.devices.commands.ColorAbsolute', params: { color: { temperature: 9000 } } }] },
              { devices: [{ id: DEMO.lamp }], execution: [{ command: 'action.devices.commands.BrightnessAbsolute', params: { brightness: 30 } }] },
              { devices: [{ id: DEMO.dimmer }], execution: [{ command: 'action.devices.commands.LockUnlock', params: { lock: true } }] },
              { devices: [{ id: DEMO.whiteBulb }], execution: [{ command: 'action.devices.commands.BrightnessAbsolute', params: { brightness: 140 } }] },
            ],
          },
        },
      ],
    };
    const started = Date.now();

    // Act
    const { body } = await send(h, options, request);

    // Assess
    expect(body.payload).toEqual({
      commands: [
        { ids: [DEMO.garage], status: 'OFFLINE', errorCode: 'deviceOffline' },
        { ids: [DEMO.washer], status: 'SUCCESS', states: { online: true, on: true } },
        { ids: ['1000000777'], status: 'ERROR', errorCode: 'deviceNotFound' },
        { ids: [DEMO.colourBulb, DEMO.whiteBulb], status: 'ERROR', errorCode: 'valueOutOfRange' },
        { ids: [DEMO.lamp, DEMO.dimmer], status: 'ERROR', errorCode: 'notSupported' },
      ],
    });
    expect(Date.now() - started).toBeLessThan(7_000);
    for (const id of [DEMO.colourBulb, DEMO.lamp, DEMO.dimmer, DEMO.whiteBulb]) expect(socketUpdates(h.sim, id)).toHaveLength(0);
  });

  it('activates a scene, and refuses to deactivate one', async () => {
    // Prepare
    const { scene } = await h.bridge.scenes.create(ACCOUNT, { name: 'Morning', actions: [{ deviceid: DEMO.dimmer, command: { brightness: 15 } }] });
    const id = `scene-${scene.id}`;

    // Act
    const activated = await send(h, options, executeRequest([id], [{ command: 'action.devices.commands.ActivateScene', params: { deactivate: false } }]));
    const deactivated = await send(h, options, executeRequest([id], [{ command: 'action.devices.commands.ActivateScene', params: { deactivate: true } }]));

    // Assess
    expect(activated.body.payload).toEqual({ commands: [{ ids: [id], status: 'SUCCESS', states: { online: true } }] });
    expect(deactivated.body.payload).toEqual({ commands: [{ ids: [id], status: 'ERROR', errorCode: 'notSupported' }] });
    expect(params(DEMO.dimmer)).toMatchObject({ brightness: 15 });
    await h.bridge.scenes.remove(ACCOUNT, scene.id);
  });

  it('acts once for a repeated requestId and answers it as the first time', async () => {
    // Prepare
    const request = executeRequest([DEMO.lamp], [onOff(false)]);
    await warmSocket(h);
    h.sim.stats.reset();

    // Act
    const first = await send(h, options, request);
    h.sim.reportFromDevice(DEMO.lamp, { switch: 'on' });
    const again = await send(h, options, request);

    // Assess
    expect(again).toEqual(first);
    expect(socketUpdates(h.sim, DEMO.lamp)).toHaveLength(1);
    expect(params(DEMO.lamp).switch).toBe('on');
  });
});

describe('the whole request', () => {
  it.each([
    ['no token', ''],
    ['a wrong token', 'not-a-token'],
    ['an expired token', EXPIRED_TOKEN],
  ])('with %s is 401 authFailure, and nothing is sent', async (_, bearer) => {
    for (const intent of ['sync', 'query', 'execute'] as const) {
      const { status, body } = await send(h, options, googleExample(intent), bearer);
      expect(status).toBe(401);
      expect((body.payload as { errorCode: string }).errorCode).toBe('authFailure');
    }
    expect(cloudTraffic(h)).toBe(0);
  });

  it('that is no fulfillment request is 400 protocolError', async () => {
    const garbage = await send(h, options, { hello: 'world' });
    const unknown = await send(h, options, { requestId: requestId(), inputs: [{ intent: 'action.devices.IDENTIFY' }] });
    expect([garbage.status, unknown.status]).toEqual([400, 400]);
    expect((garbage.body.payload as { errorCode: string }).errorCode).toBe('protocolError');
  });
});

describe('DISCONNECT', () => {
  it("revokes the link: its token is refused from then on", async () => {
    // Prepare
    const revoking = testTokens(ACCOUNT);

    // Act
    const { status, body } = await send(h, { tokens: revoking }, googleExample('disconnect'));
    const after = await send(h, { tokens: revoking }, googleExample('sync'));

    // Assess
    expect([status, body]).toEqual([200, {}]);
    expect(revoking.revoked).toEqual([LINK_ID]);
    expect(after.status).toBe(401);
  });

  it('ends a link the OAuth server made: its access token is refused, and so is its refresh token', async () => {
    // Prepare: Google linked through the bridge's own authorize page and token endpoint
    const links = h.bridge.assistantLinks;
    const google = await addClient(h.bridge, { name: 'google' });
    const { access_token, refresh_token } = await linkAssistant(h.url, google, h.apiKey);
    const before = await send(h, { tokens: links }, googleExample('sync'), access_token);

    // Act
    const { status } = await send(h, { tokens: links }, googleExample('disconnect'), access_token);
    const after = await send(h, { tokens: links }, googleExample('sync'), access_token);

    // Assess
    expect(before.status).toBe(200);
    expect(status).toBe(200);
    expect(after.status).toBe(401);
    expect(await links.verify(access_token)).toEqual({ status: 'invalid' });
    expect(await links.grants.refresh(refresh_token)).toBeUndefined();
  });
});

describe('answering in time', () => {
  it('a device slower than the deadline is deviceOffline at the deadline', async () => {
    // Prepare: every cloud answer takes 3 s; the adapter's deadline is 300 ms
    h.sim.faults.latencyMs = 3_000;
    const started = Date.now();
    try {
      // Act
      const { body } = await send(h, { tokens, deadlineMs: 300 }, executeRequest([DEMO.heater], [onOff(false)]));

      // Assess
      expect(body.payload).toEqual({ commands: [{ ids: [DEMO.heater], status: 'OFFLINE', errorCode: 'deviceOffline' }] });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      h.sim.faults.latencyMs = 0;
    }
  });
});

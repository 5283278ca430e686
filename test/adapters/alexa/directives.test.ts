import { beforeEach, describe, expect, it } from 'vitest';
import type { AlexaOptions } from '../../../lib/adapters/alexa/answer';
import { ACCOUNT, socketUpdates, warmSocket, type Harness } from '../../support/bridge';
import { demoHarness } from '../../support/demo-harness';
import { EXPIRED_TOKEN, type FixedTokens } from '../../support/assistant-tokens';
import { cloudTraffic } from '../../support/refusals';
import { addClient, linkAssistant } from '../../support/assistant-oauth';
import { DEMO, directive, errorType, property, sample, send } from './support';

const demo = demoHarness();
let h: Harness;
let tokens: FixedTokens;
let options: AlexaOptions;
beforeEach(() => {
  ({ h, tokens } = demo);
  options = { tokens };
});

const params = (deviceid: string) => h.sim.device(deviceid).params as Record<string, any>;

describe('Discover', () => {
  it('answers the sample directive with an endpoint per device, per channel of the power strip and per scene', async () => {
    // Prepare
    const { scene } = await h.bridge.scenes.create(ACCOUNT, { name: 'Movie night', actions: [{ deviceid: DEMO.lamp, command: { power: 'off' } }] });

    // Act
    const answer = await send(h, options, sample('Discovery/Discovery.request.json'));

    // Assess
    expect(answer.event.header).toMatchObject({ namespace: 'Alexa.Discovery', name: 'Discover.Response' });
    const endpoints = answer.event.payload.endpoints as { endpointId: string; friendlyName: string; displayCategories: string[]; capabilities: { interface: string }[] }[];
    const byId = Object.fromEntries(endpoints.map((e) => [e.endpointId, e]));
    expect(Object.keys(byId).sort()).toEqual(
      [DEMO.lamp, `${DEMO.strip}-0`, `${DEMO.strip}-1`, `${DEMO.strip}-2`, `${DEMO.strip}-3`, DEMO.garage, DEMO.dimmer, DEMO.ledStrip, DEMO.whiteBulb, DEMO.colourBulb, DEMO.heater, DEMO.washer, `scene-${scene.id}`].sort(),
    );
    const interfaces = (id: string) => byId[id]!.capabilities.map((c) => c.interface).sort();
    const base = ['Alexa', 'Alexa.EndpointHealth', 'Alexa.PowerController'];
    expect(interfaces(DEMO.lamp)).toEqual(base);
    expect(interfaces(`${DEMO.strip}-2`)).toEqual(base);
    expect(interfaces(DEMO.dimmer)).toEqual([...base, 'Alexa.BrightnessController'].sort());
    expect(interfaces(DEMO.ledStrip)).toEqual([...base, 'Alexa.BrightnessController', 'Alexa.ColorController'].sort());
    expect(interfaces(DEMO.whiteBulb)).toEqual([...base, 'Alexa.BrightnessController', 'Alexa.ColorTemperatureController'].sort());
    expect(interfaces(DEMO.colourBulb)).toEqual([...base, 'Alexa.BrightnessController', 'Alexa.ColorController', 'Alexa.ColorTemperatureController'].sort());
    expect(interfaces(`scene-${scene.id}`)).toEqual(['Alexa', 'Alexa.SceneController']);
    expect(byId[DEMO.colourBulb]!.displayCategories).toEqual(['LIGHT']);
    expect(byId[DEMO.lamp]!.displayCategories).toEqual(['SWITCH']);
    expect(byId[DEMO.washer]!.displayCategories).toEqual(['SMARTPLUG']);
    expect(byId[`scene-${scene.id}`]!.displayCategories).toEqual(['SCENE_TRIGGER']);
    expect(byId[`${DEMO.strip}-2`]!.friendlyName).toBe('Power strip 3');
    await h.bridge.scenes.remove(ACCOUNT, scene.id);
  });
});

describe("Amazon's sample directives, on the colour bulb", () => {
  it.each([
    ['PowerController/PowerController.TurnOn.request.json', 'Alexa.PowerController', 'powerState', 'ON', { switch: 'on' }],
    ['PowerController/PowerController.TurnOff.request.json', 'Alexa.PowerController', 'powerState', 'OFF', { switch: 'off' }],
    ['BrightnessController/BrightnessController.SetBrightness.request.json', 'Alexa.BrightnessController', 'brightness', 75, { switch: 'on', white: { br: 75 } }],
    ['ColorTemperatureController/ColorTemperatureController.SetColorTemperature.request.json', 'Alexa.ColorTemperatureController', 'colorTemperatureInKelvin', 5000, { switch: 'on', ltype: 'white' }],
    ['ColorController/ColorController.SetColor.request.json', 'Alexa.ColorController', 'color', expect.objectContaining({ hue: expect.closeTo(350.5, 0) }), { switch: 'on', ltype: 'color' }],
  ])('%s switches the bulb and reports what it set', async (path, namespace, name, value, expected) => {
    // Prepare
    await warmSocket(h);
    h.sim.stats.reset();

    // Act
    const answer = await send(h, options, sample(path, DEMO.colourBulb));

    // Assess
    expect(answer.event.header).toMatchObject({ namespace: 'Alexa', name: 'Response', correlationToken: expect.any(String) });
    expect(answer.event.endpoint).toEqual({ endpointId: DEMO.colourBulb });
    expect(property(answer, namespace, name)).toEqual(value);
    expect(property(answer, 'Alexa.EndpointHealth', 'connectivity')).toEqual({ value: 'OK' });
    expect(params(DEMO.colourBulb)).toMatchObject(expected);
    expect(socketUpdates(h.sim, DEMO.colourBulb)).toHaveLength(1);
  });

  it('AdjustBrightness (-25) dims from the live level', async () => {
    // Prepare: in white, where the B05 keeps its level in white.br
    await send(h, options, directive('Alexa.ColorTemperatureController', 'SetColorTemperature', DEMO.colourBulb, { colorTemperatureInKelvin: 4000 }));
    await send(h, options, directive('Alexa.BrightnessController', 'SetBrightness', DEMO.colourBulb, { brightness: 60 }));

    // Act
    const answer = await send(h, options, sample('BrightnessController/BrightnessController.AdjustBrightness.request.json', DEMO.colourBulb));

    // Assess
    expect(property(answer, 'Alexa.BrightnessController', 'brightness')).toBe(35);
    expect(params(DEMO.colourBulb)).toMatchObject({ switch: 'on', white: { br: 35 } });
  });

  it('Increase and DecreaseColorTemperature step between the named whites', async () => {
    // Prepare
    await send(h, options, directive('Alexa.ColorTemperatureController', 'SetColorTemperature', DEMO.colourBulb, { colorTemperatureInKelvin: 2700 }));

    // Act
    const cooler = await send(h, options, sample('ColorTemperatureController/ColorTemperatureController.IncreaseColorTemperature.request.json', DEMO.colourBulb));
    const warmer = await send(h, options, sample('ColorTemperatureController/ColorTemperatureController.DecreaseColorTemperature.request.json', DEMO.colourBulb));

    // Assess
    expect(property(cooler, 'Alexa.ColorTemperatureController', 'colorTemperatureInKelvin')).toBe(4000);
    expect(property(warmer, 'Alexa.ColorTemperatureController', 'colorTemperatureInKelvin')).toBe(2700);
  });

  it('ReportState answers a StateReport with the live state', async () => {
    // Prepare
    await send(h, options, directive('Alexa.ColorTemperatureController', 'SetColorTemperature', DEMO.colourBulb, { colorTemperatureInKelvin: 4000 }));
    await send(h, options, directive('Alexa.BrightnessController', 'SetBrightness', DEMO.colourBulb, { brightness: 40 }));

    // Act
    const answer = await send(h, options, sample('StateReport/ReportState.json', DEMO.colourBulb));

    // Assess
    expect(answer.event.header).toMatchObject({ namespace: 'Alexa', name: 'StateReport' });
    expect(property(answer, 'Alexa.PowerController', 'powerState')).toBe('ON');
    expect(property(answer, 'Alexa.BrightnessController', 'brightness')).toBe(40);
    expect(property(answer, 'Alexa.ColorTemperatureController', 'colorTemperatureInKelvin')).toBeCloseTo(4000, -2);
    expect(property(answer, 'Alexa.EndpointHealth', 'connectivity')).toEqual({ value: 'OK' });
  });
});

describe('every family of the demo account', () => {
  it.each([
    [DEMO.lamp, { switch: 'on' }],
    [DEMO.heater, { switch: 'on' }],
    [DEMO.washer, { switch: 'on' }],
    [DEMO.dimmer, { switch: 'on' }],
    [DEMO.ledStrip, { switch: 'on' }],
    [DEMO.whiteBulb, { switch: 'on' }],
  ])('TurnOn switches %s on', async (deviceid, expected) => {
    const answer = await send(h, options, directive('Alexa.PowerController', 'TurnOn', deviceid));
    expect(property(answer, 'Alexa.PowerController', 'powerState')).toBe('ON');
    expect(params(deviceid)).toMatchObject(expected);
    expect(socketUpdates(h.sim, deviceid)).toHaveLength(1);
  });

  it('TurnOff on one channel of the power strip switches that outlet only', async () => {
    // Prepare
    await send(h, options, directive('Alexa.PowerController', 'TurnOn', `${DEMO.strip}-1`));
    await send(h, options, directive('Alexa.PowerController', 'TurnOn', `${DEMO.strip}-2`));

    // Act
    const answer = await send(h, options, directive('Alexa.PowerController', 'TurnOff', `${DEMO.strip}-2`));

    // Assess
    expect(property(answer, 'Alexa.PowerController', 'powerState')).toBe('OFF');
    const outlets = (params(DEMO.strip).switches as { switch: string; outlet: number }[]).map((s) => [s.outlet, s.switch]);
    expect(outlets).toEqual([[0, 'off'], [1, 'on'], [2, 'off'], [3, 'off']]);
    expect(socketUpdates(h.sim, DEMO.strip)).toHaveLength(3);
  });

  it('SetBrightness on the D1 dimmer sends its brightness with the switch on', async () => {
    const answer = await send(h, options, directive('Alexa.BrightnessController', 'SetBrightness', DEMO.dimmer, { brightness: 30 }));
    expect(property(answer, 'Alexa.BrightnessController', 'brightness')).toBe(30);
    expect(params(DEMO.dimmer)).toMatchObject({ switch: 'on', brightness: 30 });
  });

  it('SetColor on the L1 strip sends its colour', async () => {
    const answer = await send(h, options, directive('Alexa.ColorController', 'SetColor', DEMO.ledStrip, { color: { hue: 120, saturation: 1, brightness: 1 } }));
    expect(property(answer, 'Alexa.ColorController', 'color')).toEqual({ hue: 120, saturation: 1, brightness: 1 });
    expect(params(DEMO.ledStrip)).toMatchObject({ switch: 'on', colorR: 0, colorG: 255, colorB: 0, mode: 1 });
  });

  it('SetColorTemperature on the B02 white bulb sends its ct', async () => {
    const answer = await send(h, options, directive('Alexa.ColorTemperatureController', 'SetColorTemperature', DEMO.whiteBulb, { colorTemperatureInKelvin: 2200 }));
    expect(property(answer, 'Alexa.ColorTemperatureController', 'colorTemperatureInKelvin')).toBe(2200);
    expect(params(DEMO.whiteBulb)).toMatchObject({ switch: 'on', white: { ct: 0 } });
  });

  it('ReportState on a channel reports that outlet', async () => {
    await send(h, options, directive('Alexa.PowerController', 'TurnOn', `${DEMO.strip}-3`));
    const on = await send(h, options, directive('Alexa', 'ReportState', `${DEMO.strip}-3`));
    const off = await send(h, options, directive('Alexa', 'ReportState', `${DEMO.strip}-0`));
    expect(property(on, 'Alexa.PowerController', 'powerState')).toBe('ON');
    expect(property(off, 'Alexa.PowerController', 'powerState')).toBe('OFF');
  });
});

describe('scenes', () => {
  it('Activate runs every action over one socket session and answers ActivationStarted', async () => {
    // Prepare
    const { scene } = await h.bridge.scenes.create(ACCOUNT, {
      name: 'Evening',
      actions: [
        { deviceid: DEMO.lamp, command: { power: 'on' } },
        { deviceid: DEMO.dimmer, command: { brightness: 20 } },
        { deviceid: DEMO.strip, command: { power: 'on', channel: 0 } },
      ],
    });
    h.parts.channel.close();
    await warmSocket(h);
    h.sim.stats.reset();

    // Act
    const answer = await send(h, options, directive('Alexa.SceneController', 'Activate', `scene-${scene.id}`));

    // Assess
    expect(answer.event.header).toMatchObject({ namespace: 'Alexa.SceneController', name: 'ActivationStarted' });
    expect(answer.event.payload).toMatchObject({ cause: { type: 'VOICE_INTERACTION' } });
    expect(params(DEMO.lamp).switch).toBe('on');
    expect(params(DEMO.dimmer)).toMatchObject({ switch: 'on', brightness: 20 });
    // the session opened before is the one used: no new connection, every action an update on it
    expect(h.sim.stats.connections).toBe(0);
    expect(socketUpdates(h.sim, DEMO.lamp)).toHaveLength(1);
    expect(socketUpdates(h.sim, DEMO.dimmer)).toHaveLength(1);
    await h.bridge.scenes.remove(ACCOUNT, scene.id);
  });
});

describe('errors', () => {
  it('an offline device is ENDPOINT_UNREACHABLE, well within 7 s', async () => {
    const started = Date.now();
    const turnOn = await send(h, options, directive('Alexa.PowerController', 'TurnOn', DEMO.garage));
    const report = await send(h, options, directive('Alexa', 'ReportState', DEMO.garage));
    expect(errorType(turnOn)).toBe('ENDPOINT_UNREACHABLE');
    expect(errorType(report)).toBe('ENDPOINT_UNREACHABLE');
    expect(turnOn.event.endpoint).toEqual({ endpointId: DEMO.garage });
    expect(Date.now() - started).toBeLessThan(7_000);
  });

  it.each([
    ['SetBrightness', 'Alexa.BrightnessController', { brightness: 150 }, { minimumValue: 0, maximumValue: 100 }],
    ['AdjustBrightness', 'Alexa.BrightnessController', { brightnessDelta: -250 }, { minimumValue: -100, maximumValue: 100 }],
    ['SetColorTemperature', 'Alexa.ColorTemperatureController', { colorTemperatureInKelvin: 9000 }, { minimumValue: 2200, maximumValue: 7000 }],
    ['SetColor', 'Alexa.ColorController', { color: { hue: 400, saturation: 1, brightness: 1 } }, { minimumValue: 0, maximumValue: 360 }],
  ])('%s out of range is VALUE_OUT_OF_RANGE with the range, and sends nothing', async (name, namespace, payload, validRange) => {
    const answer = await send(h, options, directive(namespace, name, DEMO.colourBulb, payload));
    expect(answer.event.payload).toMatchObject({ type: 'VALUE_OUT_OF_RANGE', validRange });
    expect(cloudTraffic(h)).toBe(0);
  });

  it('a value of the wrong type, or a setting the device lacks, is INVALID_VALUE and sends nothing', async () => {
    const wrongType = await send(h, options, directive('Alexa.BrightnessController', 'SetBrightness', DEMO.dimmer, { brightness: 'bright' }));
    const lacking = await send(h, options, directive('Alexa.ColorController', 'SetColor', DEMO.lamp, { color: { hue: 0, saturation: 1, brightness: 1 } }));
    expect(errorType(wrongType)).toBe('INVALID_VALUE');
    expect(errorType(lacking)).toBe('INVALID_VALUE');
    expect(socketUpdates(h.sim, DEMO.dimmer)).toHaveLength(0);
    expect(socketUpdates(h.sim, DEMO.lamp)).toHaveLength(0);
  });

  it('an endpoint the account lacks is NO_SUCH_ENDPOINT', async () => {
    const device = await send(h, options, directive('Alexa.PowerController', 'TurnOn', '1000000777'));
    const channel = await send(h, options, directive('Alexa.PowerController', 'TurnOn', `${DEMO.strip}-7`));
    const scene = await send(h, options, directive('Alexa.SceneController', 'Activate', 'scene-no-such-scene'));
    expect([device, channel, scene].map(errorType)).toEqual(['NO_SUCH_ENDPOINT', 'NO_SUCH_ENDPOINT', 'NO_SUCH_ENDPOINT']);
  });

  it('a wrong token is INVALID_AUTHORIZATION_CREDENTIAL, an expired one EXPIRED_AUTHORIZATION_CREDENTIAL; nothing is sent', async () => {
    const wrong = await send(h, options, directive('Alexa.PowerController', 'TurnOn', DEMO.lamp, {}, { token: 'not-a-token' }));
    const expired = await send(h, options, directive('Alexa.PowerController', 'TurnOn', DEMO.lamp, {}, { token: EXPIRED_TOKEN }));
    const discover = sample('Discovery/Discovery.request.json');
    discover.directive.payload.scope.token = 'not-a-token';
    const undiscovered = await send(h, options, discover);
    expect([wrong, expired, undiscovered].map(errorType)).toEqual(['INVALID_AUTHORIZATION_CREDENTIAL', 'EXPIRED_AUTHORIZATION_CREDENTIAL', 'INVALID_AUTHORIZATION_CREDENTIAL']);
    expect(cloudTraffic(h)).toBe(0);
  });

  it('something that is no directive, or one the bridge does not take, is INVALID_DIRECTIVE', async () => {
    const answers = await Promise.all([
      send(h, options, { hello: 'world' }),
      send(h, options, null),
      send(h, options, directive('Alexa.LockController', 'Lock', DEMO.lamp)),
      send(h, options, directive('Alexa.PowerController', 'TurnOn', undefined)),
    ]);
    expect(answers.map(errorType)).toEqual(['INVALID_DIRECTIVE', 'INVALID_DIRECTIVE', 'INVALID_DIRECTIVE', 'INVALID_DIRECTIVE']);
  });

  it('a failure the bridge cannot name is INTERNAL_ERROR, without detail', async () => {
    tokens.failing = new Error('ECONNREFUSED 10.0.0.1:8000');
    try {
      const answer = await send(h, options, directive('Alexa.PowerController', 'TurnOn', DEMO.lamp));
      expect(answer.event.payload).toEqual({ type: 'INTERNAL_ERROR', message: expect.not.stringContaining('10.0.0.1') });
    } finally {
      tokens.failing = undefined;
    }
  });
});

describe('tokens from the OAuth server', () => {
  it("are taken until their link is revoked, then refused as INVALID_AUTHORIZATION_CREDENTIAL", async () => {
    // Prepare: the skill linked through the bridge's own authorize page and token endpoint
    const links = h.bridge.assistantLinks;
    const { access_token } = await linkAssistant(h.url, await addClient(h.bridge, { name: 'alexa' }), h.apiKey);
    const real = { tokens: links };
    // Act
    const on = await send(h, real, directive('Alexa.PowerController', 'TurnOn', DEMO.lamp, {}, { token: access_token }));
    const check = await links.verify(access_token);
    if (check.status === 'valid') await links.revoke(check.linkId);
    const off = await send(h, real, directive('Alexa.PowerController', 'TurnOff', DEMO.lamp, {}, { token: access_token }));
    // Assess
    expect(on.event.header.name).toBe('Response');
    expect(params(DEMO.lamp).switch).toBe('on');
    expect(errorType(off)).toBe('INVALID_AUTHORIZATION_CREDENTIAL');
    expect(params(DEMO.lamp).switch).toBe('on');
  });
});

describe('AcceptGrant', () => {
  it('accepts the sample grant for a valid token, and fails it for a wrong one', async () => {
    const accepted = await send(h, options, sample('Authorization/Authorization.AcceptGrant.request.json'));
    const refused = sample('Authorization/Authorization.AcceptGrant.request.json');
    refused.directive.payload.grantee.token = 'not-a-token';
    const failed = await send(h, options, refused);
    expect(accepted.event.header).toMatchObject({ namespace: 'Alexa.Authorization', name: 'AcceptGrant.Response' });
    expect(failed.event.header).toMatchObject({ namespace: 'Alexa.Authorization', name: 'ErrorResponse' });
    expect(failed.event.payload.type).toBe('ACCEPT_GRANT_FAILED');
  });
});

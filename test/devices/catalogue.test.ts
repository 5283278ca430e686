import { describe, expect, it } from 'vitest';
import { capabilitiesOf, catalogue, deviceProfile, powerLayout } from '../../lib/devices/catalogue';

describe('the catalogue', () => {
  it.each([
    [1, 'single-channel switch', { param: 'switch', channels: 1 }, []],
    [5, 'power-metering switch', { param: 'switch', channels: 1 }, []],
    [15, 'temperature/humidity switch', { param: 'switch', channels: 1 }, []],
    [4, 'multi-channel switch', { param: 'switches', channels: 4 }, []],
    [113, 'multi-channel switch', { param: 'switches', channels: 2 }, []],
    [77, 'single-channel switch (multi-channel form)', { param: 'switches', channels: 1 }, []],
    [36, 'dimmer', { param: 'switch', channels: 1 }, ['brightness']],
    [44, 'D1 dimmer', { param: 'switch', channels: 1 }, ['brightness']],
    [57, 'dimmable light', { param: 'state', channels: 1 }, ['brightness']],
    [16, 'cold/warm white light', { param: 'state', channels: 1 }, ['brightness', 'colorTemperature']],
    [22, 'B1 colour bulb', { param: 'state', channels: 1 }, ['brightness', 'color', 'colorTemperature', 'modes']],
    [52, 'tunable white light', { param: 'state', channels: 1 }, ['brightness', 'colorTemperature']],
    [33, 'colour LED strip', { param: 'switch', channels: 1 }, ['brightness', 'color', 'modes']],
    [59, 'L1 LED strip', { param: 'switch', channels: 1 }, ['brightness', 'color', 'modes']],
    [137, 'L2/L3 LED strip', { param: 'switch', channels: 1 }, ['brightness', 'color', 'colorTemperature', 'modes']],
    [173, 'L2/L3 LED strip', { param: 'switch', channels: 1 }, ['brightness', 'color', 'colorTemperature', 'modes']],
    [103, 'B02 white bulb', { param: 'switch', channels: 1 }, ['brightness', 'colorTemperature', 'modes']],
    [104, 'B05 colour bulb', { param: 'switch', channels: 1 }, ['brightness', 'color', 'colorTemperature', 'modes']],
    [135, 'B02-BL white bulb', { param: 'switch', channels: 1 }, ['brightness', 'colorTemperature', 'modes']],
    [136, 'B05-BL colour bulb', { param: 'switch', channels: 1 }, ['brightness', 'color', 'colorTemperature', 'modes']],
    [1257, 'Zigbee dimmable light', { param: 'switch', channels: 1 }, ['brightness']],
    [1258, 'Zigbee colour-temperature light', { param: 'switch', channels: 1 }, ['brightness', 'colorTemperature']],
  ])('uiid %d is a %s: power %j, light %j', (uiid, family, power, light) => {
    const profile = deviceProfile(uiid);
    const caps = capabilitiesOf(profile);
    expect(profile.family).toBe(family);
    expect(profile.known).toBe(true);
    expect(caps.power).toEqual(power);
    expect(Object.keys(caps).filter((k) => k !== 'power' && k !== 'sensors')).toEqual(light);
  });

  it('gives each family its native ranges and which end of colour temperature is warm', () => {
    expect(capabilitiesOf(deviceProfile(36)).brightness).toEqual({ param: 'bright', range: [10, 100] });
    expect(capabilitiesOf(deviceProfile(57)).brightness).toEqual({ param: 'channel0', range: [25, 255] });
    expect(capabilitiesOf(deviceProfile(59)).brightness).toEqual({ param: 'bright', range: [1, 100] });
    expect(capabilitiesOf(deviceProfile(103)).colorTemperature).toEqual({ param: 'white.ct', range: [0, 255], warmest: 0, kelvin: [2200, 7000] });
    expect(capabilitiesOf(deviceProfile(136)).colorTemperature).toMatchObject({ range: [0, 100], warmest: 0 });
    expect(capabilitiesOf(deviceProfile(137)).colorTemperature).toMatchObject({ param: 'colorTemp', range: [0, 100], warmest: 0 });
    expect(capabilitiesOf(deviceProfile(104)).modes).toEqual({ param: 'ltype', values: ['white', 'color'] });
    expect(capabilitiesOf(deviceProfile(22)).modes?.values.slice(0, 2)).toEqual(['white', 'color']);
  });

  it('names the sensors of the POW and the TH', () => {
    expect(capabilitiesOf(deviceProfile(32)).sensors).toEqual(['power', 'voltage', 'current']);
    expect(capabilitiesOf(deviceProfile(181)).sensors).toEqual(['temperature', 'humidity']);
    expect(capabilitiesOf(deviceProfile(1)).sensors).toBeUndefined();
  });

  it('switches the TH by hand, so its thermostat rule does not switch it back', () => {
    expect(deviceProfile(15).power).toEqual({ form: 'switch', channels: 1, byHand: true });
  });

  it('lists every family once, each uiid in one family', () => {
    const rows = catalogue();
    const uiids = rows.flatMap((row) => row.uiids);
    expect(new Set(uiids).size).toBe(uiids.length);
    expect(rows.length).toBeGreaterThanOrEqual(20);
  });
});

describe('unknown uiids', () => {
  it.each([
    [{}, { form: 'switch', channels: 1 }],
    [{ switch: 'on' }, { form: 'switch', channels: 1 }],
    [{ switches: [{ switch: 'on', outlet: 0 }, { switch: 'off', outlet: 1 }, { switch: 'off', outlet: 2 }] }, { form: 'switches', channels: 3 }],
    [{ switches: [{}, {}] }, { form: 'switches', channels: 2 }],
    [{ switches: [] }, { form: 'switches', channels: 1 }],
    [{ state: 'off', channel0: '30' }, { form: 'state', channels: 1 }],
    [{ switches: 'garbage', switch: 7 }, { form: 'switch', channels: 1 }],
  ])('with params %j are switched as %j', (params, power) => {
    const profile = deviceProfile(99999, params);
    expect(profile.power).toEqual(power);
    expect(profile.known).toBe(false);
    expect(profile.family).toBe('unknown device (uiid 99999)');
    expect(powerLayout(99999, params)).toEqual(power);
  });

  it('claim brightness only when their params show a level, and nothing else', () => {
    expect(capabilitiesOf(deviceProfile(99999, { switch: 'on', bright: 40 }))).toEqual({
      power: { param: 'switch', channels: 1 },
      brightness: { param: 'bright', range: [10, 100] },
    });
    expect(capabilitiesOf(deviceProfile(99999, { switch: 'on', brightness: 40 })).brightness).toEqual({ param: 'brightness', range: [0, 100] });
    expect(capabilitiesOf(deviceProfile(99999, { switch: 'on', brightness: { level: 4 }, colorTemp: 30 }))).toEqual({ power: { param: 'switch', channels: 1 } });
  });
});

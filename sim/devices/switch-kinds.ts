import { byOutlet, onOff, oneOf, stepped } from './param-checks';
import { climateReadings, powerReadings, radioParams } from './readings';
import { ruledKind, type DeviceKind, type ParamRule } from './ruled-kind';

/*
 * Relays: single-channel switches (plain, power-metering, with a climate sensor) and
 * multi-channel ones, which take `switches: [{switch, outlet}]` and change only the
 * outlets sent.
 */

const PULSE_WIDTH = stepped(500, 3_600_000, 500);

const singleSwitchRules: Record<string, ParamRule> = {
  switch: { check: onOff },
  startup: { check: oneOf('on', 'stay', 'off') },
  pulse: { check: onOff },
  pulseWidth: { check: PULSE_WIDTH },
  sledOnline: { check: onOff },
};

const singleSwitchState = () => ({ switch: 'off', startup: 'off', pulse: 'off', pulseWidth: 500, sledOnline: 'on', ...radioParams() });

/** A one-relay switch (uiid 1, 6, 14, 24, 27). */
export function singleSwitch(model: string, productModel: string): DeviceKind {
  return ruledKind({ family: 'single-channel switch', model, productModel, initialParams: singleSwitchState, rules: singleSwitchRules });
}

/** A one-relay switch that also reports `power`, `voltage` and `current` (POW, uiid 5 and 32). */
export function powerMeteringSwitch(model: string, productModel: string): DeviceKind {
  return ruledKind({
    family: 'power-metering switch',
    model,
    productModel,
    initialParams: singleSwitchState,
    rules: singleSwitchRules,
    readings: powerReadings,
  });
}

/**
 * A one-relay switch with a temperature and humidity sensor (TH, uiid 15 and 181).
 * Only the manual `deviceType: "normal"` is simulated, not the thermostat modes.
 */
export function climateSwitch(model: string, productModel: string): DeviceKind {
  return ruledKind({
    family: 'temperature and humidity switch',
    model,
    productModel,
    initialParams: () => ({ switch: 'off', mainSwitch: 'off', deviceType: 'normal', sledOnline: 'on', ...radioParams() }),
    rules: {
      switch: { check: onOff },
      mainSwitch: { check: onOff },
      deviceType: { check: oneOf('normal') },
      sledOnline: { check: onOff },
    },
    readings: climateReadings,
  });
}

/** A switch driven through `switches[]`, `configure[]` and `pulses[]` by outlet; one channel is allowed (uiid 77, 138, …). */
export function multiSwitch(channels: number, model: string, productModel: string): DeviceKind {
  const outlets = Array.from({ length: channels }, (_, outlet) => outlet);
  return ruledKind({
    family: channels === 1 ? 'single-channel switch (switches form)' : `${channels}-channel switch`,
    model,
    productModel,
    initialParams: () => ({
      switches: outlets.map((outlet) => ({ switch: 'off', outlet })),
      configure: outlets.map((outlet) => ({ startup: 'off', outlet })),
      pulses: outlets.map((outlet) => ({ pulse: 'off', width: 1000, outlet })),
      sledOnline: 'on',
      ...radioParams(),
    }),
    rules: {
      switches: byOutlet(channels, { switch: onOff }),
      configure: byOutlet(channels, { startup: oneOf('on', 'stay', 'off') }),
      pulses: byOutlet(channels, { pulse: onOff, width: PULSE_WIDTH }),
      sledOnline: { check: onOff },
    },
  });
}

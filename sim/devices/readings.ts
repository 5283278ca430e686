import type { Params } from './ruled-kind';

/*
 * Measured values that meter and sensor devices report. They wander a little from one
 * reading to the next, as real sensors do, so a client cannot take them for constants.
 */

function around(centre: number, spread: number): number {
  return centre + (Math.random() - 0.5) * 2 * spread;
}

/** A POW's meter, as strings with two decimals: nothing drawn when off, a ~60 W load when on. */
export function powerReadings(state: Params): Params {
  const voltage = around(230, 2);
  const power = state['switch'] === 'on' ? around(60, 2) : 0;
  return { power: power.toFixed(2), voltage: voltage.toFixed(2), current: (power / voltage).toFixed(2) };
}

/** A TH sensor in a mild room: temperature to a tenth of a degree, relative humidity in whole percent. */
export function climateReadings(): Params {
  return { currentTemperature: around(21.5, 0.5).toFixed(1), currentHumidity: String(Math.round(around(48, 2))) };
}

/** What a Wi-Fi device reports about itself beside its state. */
export function radioParams(): Params {
  return { fwVersion: '3.5.0', rssi: -52, staMac: '5C:CF:7F:00:00:01', init: 1, version: 8 };
}

/** What a Zigbee sub-device reports about itself through its bridge. */
export function zigbeeParams(): Params {
  return { fwVersion: '1.0.5', subDevRssi: -60 };
}

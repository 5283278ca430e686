import {
  b1Bulb,
  brightDimmer,
  brightTempLight,
  cctBulb,
  coldWarmLight,
  d1Dimmer,
  l1Strip,
  l2Strip,
  monoLight,
  rgbcwBulb,
  rgbLightStrip,
  zigbeeLight,
} from './light-kinds';
import type { DeviceKind } from './ruled-kind';
import { climateSwitch, multiSwitch, powerMeteringSwitch, singleSwitch } from './switch-kinds';

export type { Acceptance, DeviceKind, Params } from './ruled-kind';

/*
 * How each device family takes commands, by uiid, as the uiid table of protocol-notes.md
 * lists them. A new family is one more entry. Model strings are illustrative, not a
 * catalogue of real products.
 */

const basic = singleSwitch('PSF-BBR-GL', 'BASICR2');

const SWITCHES: ReadonlyArray<[number, DeviceKind]> = [
  [1, basic],
  [6, basic],
  [14, basic],
  [24, singleSwitch('PSA-BTA-GL', 'GSM Socket')],
  [27, singleSwitch('PSA-BTA-GL', 'GSM Unlimit Socket')],
  [5, powerMeteringSwitch('PSA-BHA-GL', 'Pow')],
  [32, powerMeteringSwitch('PSF-BPA-GL', 'POWR2')],
  [15, climateSwitch('PSA-BHA-GL', 'TH16')],
  [181, climateSwitch('PSF-BTH-GL', 'THR316')],
];

/** uiid → channels for the `switches[]` families; one channel is the single relay in multi-channel form. */
const CHANNELS: ReadonlyArray<[number, number, string, string]> = [
  [2, 2, 'PSB-B04-GL', 'DUALR2'],
  [3, 3, 'PSB-B05-GL', '3CH'],
  [4, 4, 'PSA-B04-GL', '4CHPROR3'],
  [7, 2, 'PSB-B07-GL', '2CH GSM'],
  [8, 3, 'PSB-B08-GL', '3CH GSM'],
  [9, 4, 'PSB-B09-GL', '4CH GSM'],
  [29, 2, 'PSB-B29-GL', 'T1 2C'],
  [30, 3, 'PSB-B30-GL', 'T1 3C'],
  [31, 4, 'PSB-B31-GL', 'T1 4C'],
  [82, 2, 'PSB-B82-GL', 'TX 2C'],
  [83, 3, 'PSB-B83-GL', 'TX 3C'],
  [84, 4, 'PSB-B84-GL', 'TX 4C'],
  [113, 2, 'PSB-B113-GL', 'T2 2C'],
  [114, 3, 'PSB-B114-GL', 'T2 3C'],
  [139, 2, 'PSB-B139-GL', 'T5 2C'],
  [140, 3, 'PSB-B140-GL', 'T5 3C'],
  [141, 4, 'PSB-B141-GL', 'T5 4C'],
  [161, 2, 'PSB-B161-GL', 'M5 2C'],
  [162, 3, 'PSB-B162-GL', 'M5 3C'],
  [163, 4, 'PSB-B163-GL', 'M5 4C'],
  [77, 1, 'PSB-B77-GL', 'MICRO'],
  [78, 1, 'PSB-B78-GL', 'T2 1C'],
  [81, 1, 'PSB-B81-GL', 'T1 1C'],
  [107, 1, 'PSB-B107-GL', 'TX 1C'],
  [112, 1, 'PSB-B112-GL', 'T5 1C'],
  [138, 1, 'PSB-B138-GL', 'MINIR3'],
  [160, 1, 'PSB-B160-GL', 'M5 1C'],
];

const LIGHTS: ReadonlyArray<[number, DeviceKind]> = [
  [36, brightDimmer('PSF-B36-GL', 'KING-M4')],
  [44, d1Dimmer('PSF-BD1-GL', 'D1')],
  [57, monoLight('PSF-B57-GL', 'Mono bulb')],
  [16, coldWarmLight('PSF-B16-GL', 'Cold/warm light')],
  [22, b1Bulb('PSF-BB1-GL', 'B1')],
  [52, brightTempLight('PSF-B52-GL', 'CCT light')],
  [33, rgbLightStrip('PSF-B33-GL', 'RGB strip')],
  [59, l1Strip('PSF-BL1-GL', 'L1')],
  [137, l2Strip('L2 LED strip', 'PSF-BL2-GL', 'L2')],
  [173, l2Strip('L3 LED strip', 'PSF-BL3-GL', 'L3')],
  [103, cctBulb({ family: 'B02 colour-temperature bulb', model: 'PSF-B02-GL', productModel: 'B02-F', ctMax: 255 })],
  [104, rgbcwBulb({ family: 'B05 RGBCW bulb', model: 'PSF-B05-GL', productModel: 'B05-B', ctMax: 255 })],
  // Sources disagree on 135's ct range; the vendor's own add-on treats it as 0–100, like 136.
  [135, cctBulb({ family: 'B02-BL colour-temperature bulb', model: 'PSF-B02BL-GL', productModel: 'B02-BL', ctMax: 100 })],
  [136, rgbcwBulb({ family: 'B05-BL RGBCW bulb', model: 'PSF-B05BL-GL', productModel: 'B05-BL', ctMax: 100 })],
  [1257, zigbeeLight('Zigbee dimmable light', 'ZB-1257', 'Zigbee dimmable', false)],
  [1258, zigbeeLight('Zigbee colour-temperature light', 'ZB-1258', 'Zigbee CCT', true)],
  // Colour on 3258 is not simulated: it takes 1258's params.
  [3258, zigbeeLight('Zigbee RGB+CCT light', 'ZB-3258', 'Zigbee RGBCW', true)],
];

export const DEVICE_KINDS: ReadonlyMap<number, DeviceKind> = new Map<number, DeviceKind>([
  ...SWITCHES,
  ...CHANNELS.map(([uiid, channels, model, productModel]): [number, DeviceKind] => [uiid, multiSwitch(channels, model, productModel)]),
  ...LIGHTS,
]);

export function deviceKind(uiid: number): DeviceKind | undefined {
  return DEVICE_KINDS.get(uiid);
}

import type { DeviceTarget, Target } from '../../assistants/targets';

/*
 * Discovery: each target as an Alexa endpoint, its capabilities from its device's family.
 * Properties are retrievable (ReportState reads them live) and not proactively reported:
 * the bridge sends no change reports.
 */

const CATEGORY: Readonly<Record<DeviceTarget['role'], string>> = { light: 'LIGHT', switch: 'SWITCH', plug: 'SMARTPLUG' };

const alexaInterface = { type: 'AlexaInterface', interface: 'Alexa', version: '3' } as const;

function controller(name: string, property: string) {
  return { type: 'AlexaInterface', interface: `Alexa.${name}`, version: '3', properties: { supported: [{ name: property }], proactivelyReported: false, retrievable: true } };
}

/**
 * The Discover.Response endpoint of a target.
 *
 * @example
 * endpoint({ kind: 'device', id: '1000000001', name: 'Desk lamp', role: 'switch', … })
 * // { endpointId: '1000000001', friendlyName: 'Desk lamp', displayCategories: ['SWITCH'], capabilities: [Alexa, PowerController, EndpointHealth], … }
 */
export function endpoint(target: Target): Record<string, unknown> {
  const common = { endpointId: target.id, manufacturerName: 'eWeLink', friendlyName: (target.name.trim() || target.id).slice(0, 128) };
  if (target.kind === 'scene') {
    return {
      ...common,
      description: 'Scene of ewelink-bridge',
      displayCategories: ['SCENE_TRIGGER'],
      capabilities: [alexaInterface, { type: 'AlexaInterface', interface: 'Alexa.SceneController', version: '3', supportsDeactivation: false }],
    };
  }
  const capabilities: object[] = [alexaInterface, controller('PowerController', 'powerState')];
  if (target.brightness) capabilities.push(controller('BrightnessController', 'brightness'));
  if (target.color) capabilities.push(controller('ColorController', 'color'));
  if (target.colorTemperature) capabilities.push(controller('ColorTemperatureController', 'colorTemperatureInKelvin'));
  capabilities.push(controller('EndpointHealth', 'connectivity'));
  return {
    ...common,
    description: `${target.family} via ewelink-bridge`.slice(0, 128),
    displayCategories: [CATEGORY[target.role]],
    capabilities,
    cookie: {},
  };
}

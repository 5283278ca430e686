import { capabilitiesOf, deviceProfile } from '../../devices/catalogue';
import { parseCommand } from '../../devices/command';
import { deviceId, jsonBody, type Route } from '../route-types';

/** Devices: list (with family and capabilities), live normalised state, semantic control. */
export const deviceRoutes: Route[] = [
  {
    method: 'GET',
    path: '/devices',
    auth: true,
    async run(_req, bridge, accountId) {
      const devices = await bridge.directory.list(accountId);
      return {
        status: 200,
        body: {
          devices: devices.map(({ deviceid, name, uiid, online, channels, params }) => {
            // From the cached list: no cloud call per device.
            const profile = deviceProfile(uiid, params ?? {});
            return { deviceid, name, uiid, online, channels, family: profile.family, capabilities: capabilitiesOf(profile) };
          }),
        },
      };
    },
  },
  {
    method: 'GET',
    path: '/devices/{id}',
    auth: true,
    async run(req, bridge, accountId) {
      return { status: 200, body: await bridge.controller.state(accountId, deviceId(req)) };
    },
  },
  {
    method: 'POST',
    path: '/devices/{id}/control',
    auth: true,
    async run(req, bridge, accountId) {
      const id = deviceId(req);
      const command = parseCommand(jsonBody(req));
      return { status: 200, body: await bridge.controller.control(accountId, id, command) };
    },
  },
];

import { jsonBody, deviceId, NO_CONTENT, type Route } from '../route-types';

/** Devices as things to manage: add (Wi-Fi, GSM), rename, name channels, delete, history. */
export const deviceAdminRoutes: Route[] = [
  {
    method: 'POST',
    path: '/devices',
    auth: true,
    async run(req, bridge, accountId) {
      return { status: 201, body: await bridge.management.add(accountId, jsonBody(req)) };
    },
  },
  {
    method: 'POST',
    path: '/devices/gsm',
    auth: true,
    async run(req, bridge, accountId) {
      return { status: 201, body: await bridge.management.addGsm(accountId, jsonBody(req)) };
    },
  },
  {
    method: 'PATCH',
    path: '/devices/{id}',
    auth: true,
    async run(req, bridge, accountId) {
      const id = deviceId(req);
      return { status: 200, body: await bridge.management.rename(accountId, id, jsonBody(req)) };
    },
  },
  {
    method: 'DELETE',
    path: '/devices/{id}',
    auth: true,
    async run(req, bridge, accountId) {
      await bridge.management.remove(accountId, deviceId(req));
      return NO_CONTENT;
    },
  },
  {
    method: 'PUT',
    path: '/devices/{id}/channels',
    auth: true,
    async run(req, bridge, accountId) {
      const id = deviceId(req);
      return { status: 200, body: await bridge.management.setChannelNames(accountId, id, jsonBody(req)) };
    },
  },
  {
    method: 'GET',
    path: '/devices/{id}/history',
    auth: true,
    async run(req, bridge, accountId) {
      return { status: 200, body: await bridge.management.history(accountId, deviceId(req), req.query) };
    },
  },
];

import { GROUP_ID } from '../../groups/groups';
import { deviceId, jsonBody, NO_CONTENT, pathParam, type ApiRequest, type Route } from '../route-types';

const groupId = (req: ApiRequest) => pathParam(req, 'groupId', GROUP_ID);

/** Device groups: list, create, rename or reorder, delete, move devices in and out. */
export const groupRoutes: Route[] = [
  {
    method: 'GET',
    path: '/groups',
    auth: true,
    async run(_req, bridge, accountId) {
      return { status: 200, body: { groups: await bridge.groups.list(accountId) } };
    },
  },
  {
    method: 'POST',
    path: '/groups',
    auth: true,
    async run(req, bridge, accountId) {
      return { status: 201, body: await bridge.groups.create(accountId, jsonBody(req)) };
    },
  },
  {
    method: 'PATCH',
    path: '/groups/{groupId}',
    auth: true,
    async run(req, bridge, accountId) {
      const id = groupId(req);
      return { status: 200, body: await bridge.groups.update(accountId, id, jsonBody(req)) };
    },
  },
  {
    method: 'DELETE',
    path: '/groups/{groupId}',
    auth: true,
    async run(req, bridge, accountId) {
      await bridge.groups.remove(accountId, groupId(req));
      return NO_CONTENT;
    },
  },
  {
    method: 'POST',
    path: '/groups/{groupId}/devices',
    auth: true,
    async run(req, bridge, accountId) {
      const id = groupId(req);
      return { status: 200, body: await bridge.groups.addDevices(accountId, id, jsonBody(req)) };
    },
  },
  {
    method: 'DELETE',
    path: '/groups/{groupId}/devices/{id}',
    auth: true,
    async run(req, bridge, accountId) {
      const id = groupId(req);
      await bridge.groups.removeDevice(accountId, id, deviceId(req));
      return NO_CONTENT;
    },
  },
];

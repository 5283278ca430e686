import { SHARE_UID } from '../../sharing/sharing';
import { deviceId, jsonBody, NO_CONTENT, pathParam, type ApiRequest, type Route } from '../route-types';

const uid = (req: ApiRequest) => pathParam(req, 'uid', SHARE_UID);

/** Sharing a device with another eWeLink account: share, change permissions, revoke. */
export const shareRoutes: Route[] = [
  {
    method: 'POST',
    path: '/devices/{id}/shares',
    auth: true,
    async run(req, bridge, accountId) {
      const id = deviceId(req);
      return { status: 200, body: await bridge.sharing.share(accountId, id, jsonBody(req)) };
    },
  },
  {
    method: 'PATCH',
    path: '/devices/{id}/shares/{uid}',
    auth: true,
    async run(req, bridge, accountId) {
      const id = deviceId(req);
      const receiver = uid(req);
      return { status: 200, body: await bridge.sharing.update(accountId, id, receiver, jsonBody(req)) };
    },
  },
  {
    method: 'DELETE',
    path: '/devices/{id}/shares/{uid}',
    auth: true,
    async run(req, bridge, accountId) {
      const id = deviceId(req);
      await bridge.sharing.revoke(accountId, id, uid(req));
      return NO_CONTENT;
    },
  },
];

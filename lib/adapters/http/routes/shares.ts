import { SHARE_DEVICE, SHARE_WAIT_MS, UPDATE_SHARE } from '../../../sharing/sharing';
import { SHARE } from '../answers';
import { route, type Route } from '../route';
import { DEVICE_404, DEVICE_PATH, NOT_OWNER, SHARE_PATH } from './common';

const SHARE_404 = `${DEVICE_404}, or no eWeLink account with that uid in the region (\`no_such_account\`, \`error.field\` is \`uid\`)`;
const SHARE_409 = 'the receiver declined (`share_refused`), or the device is already shared with them (`already_shared`)';
const SHARE_504 = `the receiver did not answer in time: they must be signed in to the eWeLink app (\`share_timeout\`); the same receiver can be asked again only after 3 minutes. The bridge waits at most ${SHARE_WAIT_MS / 1000} s: past that the invitation may still be open, and is made if they accept`;
const SHARE_429 = 'the receiver let an earlier invitation time out, and may be asked again only 3 minutes after it (`share_too_soon`)';

/** Sharing a device with another eWeLink account: share, change permissions, revoke. */
export const shareRoutes: Route[] = [
  route({
    method: 'POST',
    path: '/devices/{id}/shares',
    auth: 'apiKey',
    tag: 'sharing',
    summary: 'Share a device with another eWeLink account',
    description: "The receiver (in the same region) is asked in their eWeLink app; the answer waits for theirs. Goes over the account's WebSocket only.",
    params: DEVICE_PATH,
    body: SHARE_DEVICE,
    ok: { status: 200, description: 'the receiver accepted', schema: SHARE },
    errors: { 403: NOT_OWNER, 404: SHARE_404, 409: SHARE_409, 422: 'also: `uid` is the login of the account that owns the device, which cannot be shared with its owner', 429: SHARE_429, 504: SHARE_504 },
    handle: ({ accountId, params, body }, bridge) => bridge.sharing.share(accountId, params.id, body),
  }),
  route({
    method: 'PATCH',
    path: '/devices/{id}/shares/{uid}',
    auth: 'apiKey',
    tag: 'sharing',
    summary: 'Change what the receiver of a share may do',
    params: SHARE_PATH,
    body: UPDATE_SHARE,
    ok: { status: 200, description: 'the receiver accepted the change', schema: SHARE },
    errors: { 403: NOT_OWNER, 404: `${SHARE_404}, or the device is not shared with that account`, 409: 'the receiver declined the change (`share_refused`)', 429: SHARE_429, 504: SHARE_504 },
    handle: ({ accountId, params, body }, bridge) => bridge.sharing.update(accountId, params.id, params.uid, body),
  }),
  route({
    method: 'DELETE',
    path: '/devices/{id}/shares/{uid}',
    auth: 'apiKey',
    tag: 'sharing',
    summary: 'Stop sharing a device with an account',
    description: "The device leaves the receiver's list; a receiver that is also an account of this bridge, linked by password (so the bridge knows its login), has its cached device list dropped at once. Revoking a share that does not exist is no error.",
    params: SHARE_PATH,
    ok: { status: 204, description: 'revoked' },
    errors: { 403: NOT_OWNER, 404: DEVICE_404 },
    handle: ({ accountId, params }, bridge) => bridge.sharing.revoke(accountId, params.id, params.uid),
  }),
];

import { DEVICE_ID } from '../../../devices/management';
import { GROUP_ID } from '../../../groups/groups';
import { Text, Type } from '../../../schema';
import { SHARE_UID } from '../../../sharing/sharing';
import { pathParams } from '../route';

/** A timer or scene id: what the bridge handed out (a uuid). */
export const MODEL_ID = Text({ description: 'the id the bridge gave it', minLength: 1, maxLength: 64, pattern: /^[A-Za-z0-9-]+$/, rule: 'must be the id the bridge gave it: letters, digits and dashes' });

export const DEVICE_PATH = pathParams({ id: DEVICE_ID });
export const TIMER_PATH = pathParams({ id: DEVICE_ID, timerId: MODEL_ID });
export const SCENE_PATH = pathParams({ sceneId: MODEL_ID });
export const SHARE_PATH = pathParams({ id: DEVICE_ID, uid: SHARE_UID });
export const GROUP_PATH = pathParams({ groupId: GROUP_ID });
export const GROUP_DEVICE_PATH = pathParams({ groupId: GROUP_ID, id: DEVICE_ID });
/** A hook's id and secret are checked by the hook itself: any mismatch, malformed or not, is the same 401. */
export const HOOK_PATH = pathParams({ hookId: Type.String({ description: "the hook's id, from its URL" }), secret: Type.String({ description: "the hook's secret, from its URL" }) });

export const DEVICE_404 = 'no such device in the account (`not_found`)';
/** The 404 of a route that reaches the device itself: the cached list may still hold one the cloud no longer has here. */
export const DEVICE_VANISHED_404 = `${DEVICE_404}; also a device the cached device list still held but the cloud no longer has here (deleted, or its share revoked, elsewhere): the cached list is dropped`;
export const NOT_OWNER = 'the device was shared to this account, and only its owner may do this (`not_owner`)';
export const GROUP_404 = 'no such group in the account (`not_found`)';

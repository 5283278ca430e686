import { KELVIN_RANGE } from '../devices/conversions';
import { ADD_DEVICE, ADD_GSM_DEVICE, CHANNEL_NAMES, DEVICE_ID, HISTORY_QUERY, RENAME_DEVICE } from '../devices/management';
import { ADD_TO_GROUP, CREATE_GROUP, GROUP_ID, UPDATE_GROUP } from '../groups/groups';
import type { Field, JsonSchema, Prop, Shape } from '../input';
import { SHARE_DEVICE, SHARE_UID, SHARE_WAIT_MS, UPDATE_SHARE } from '../sharing/sharing';
import { ERROR_STATUS } from './errors';
import type { Route } from './route-types';
import { MODEL_ID } from './routes/timers';

/*
 * The OpenAPI 3.1 description of the HTTP API. Request bodies, query and path parameters
 * come from the same field definitions the domain validates with, so what the document
 * promises is what a request is checked against. test/http-api/openapi.test.ts fails when a
 * route has no entry here or an entry has no route.
 */

type Status = 200 | 201 | 204;

interface OperationSpec {
  summary: string;
  description?: string;
  tag: 'devices' | 'groups' | 'sharing' | 'webhooks' | 'timers' | 'scenes' | 'api';
  auth: boolean;
  /** A schema in `components.schemas` for the JSON body. */
  body?: keyof typeof BODIES;
  query?: Shape<any>;
  ok: { status: Status; description: string; schema?: string };
  /** Statuses particular to this operation, and when they happen. */
  errors?: Partial<Record<403 | 404 | 409 | 422 | 429 | 504, string>>;
  /** Whether the eWeLink cloud is called (so 502 and 503 can happen); default true. */
  cloud?: boolean;
}

const DEVICE_404 = 'no such device in the account (`not_found`)';
const NOT_OWNER = 'the device was shared to this account, and only its owner may do this (`not_owner`)';
const SHARE_404 = `${DEVICE_404}, or no eWeLink account with that uid in the region (\`no_such_account\`, \`error.field\` is \`uid\`)`;
const SHARE_409 = 'the receiver declined (`share_refused`), or the device is already shared with them (`already_shared`)';
const SHARE_504 = `the receiver did not answer in time: they must be signed in to the eWeLink app (\`share_timeout\`); the same receiver can be asked again only after 3 minutes. The bridge waits at most ${SHARE_WAIT_MS / 1000} s: past that the invitation may still be open, and is made if they accept`;
const SHARE_429 = 'the receiver let an earlier invitation time out, and may be asked again only 3 minutes after it (`share_too_soon`)';
const GROUP_404 = 'no such group in the account (`not_found`)';

/** Every operation of the API, by `METHOD path` exactly as `routes` writes it. */
export const OPERATIONS: Readonly<Record<string, OperationSpec>> = {
  'GET /devices': {
    summary: 'List the devices',
    description: 'From the cached device list (refreshed from the cloud when older than its TTL, and after any change made through the bridge).',
    tag: 'devices',
    auth: true,
    ok: { status: 200, description: 'the devices', schema: 'DeviceList' },
  },
  'GET /devices/{id}': {
    summary: "Read a device's live state",
    tag: 'devices',
    auth: true,
    ok: { status: 200, description: 'the state, in semantic form beside the raw params', schema: 'DeviceState' },
    errors: { 404: DEVICE_404 },
  },
  'POST /devices/{id}/control': {
    summary: 'Switch a device or set its light',
    tag: 'devices',
    auth: true,
    body: 'DeviceCommand',
    ok: { status: 200, description: 'what was set, and whether it went over the socket or HTTP', schema: 'ControlResult' },
    errors: { 404: DEVICE_404, 422: 'also: the device has no such channel, or cannot do what was asked', 504: 'the device did not answer: offline or unreachable (`device_offline`)' },
  },
  'POST /devices': {
    summary: 'Add a just-paired Wi-Fi device to the account',
    description: 'The device id and its apikey come from pairing the device (its access-point mode). Answers the device as a fresh device list shows it.',
    tag: 'devices',
    auth: true,
    body: 'AddDevice',
    ok: { status: 201, description: 'the device, added', schema: 'DeviceSummary' },
    errors: { 404: 'the cloud knows no such device (`not_found`)', 409: 'the device is already in this or another account (`already_exists`)' },
  },
  'POST /devices/gsm': {
    summary: 'Add a GSM device by the id on its QR code',
    tag: 'devices',
    auth: true,
    body: 'AddGsmDevice',
    ok: { status: 201, description: 'the device, added', schema: 'DeviceSummary' },
    errors: { 404: 'the cloud knows no such device (`not_found`)', 409: 'the device is already in this or another account (`already_exists`)' },
  },
  'PATCH /devices/{id}': {
    summary: 'Rename a device',
    tag: 'devices',
    auth: true,
    body: 'RenameDevice',
    ok: { status: 200, description: 'the device with its new name', schema: 'DeviceSummary' },
    errors: { 403: NOT_OWNER, 404: DEVICE_404 },
  },
  'DELETE /devices/{id}': {
    summary: 'Remove a device from the account',
    description: 'The device leaves the account and the accounts it was shared with; it must be paired again to come back.',
    tag: 'devices',
    auth: true,
    ok: { status: 204, description: 'removed' },
    errors: { 403: NOT_OWNER, 404: DEVICE_404 },
  },
  'PUT /devices/{id}/channels': {
    summary: 'Name the channels of a multi-channel device',
    description: 'The names given replace all the channel names: a channel not listed loses its name.',
    tag: 'devices',
    auth: true,
    body: 'ChannelNames',
    ok: { status: 200, description: 'the names set', schema: 'ChannelNamesSet' },
    errors: { 403: NOT_OWNER, 404: DEVICE_404, 422: 'also: the device has one channel, or no such channel (`error.field` is `names.N`)' },
  },
  'GET /devices/{id}/history': {
    summary: "Read a device's operation history",
    description: 'What the cloud recorded being done to the device (by hand, by the app, by integrations), a page at a time. Times are RFC 3339 date-times with their offset; `to` must be after `from`.',
    tag: 'devices',
    auth: true,
    query: HISTORY_QUERY,
    ok: { status: 200, description: 'a page of entries', schema: 'DeviceHistory' },
    errors: { 404: DEVICE_404, 422: 'also: `to` is not after `from`' },
  },
  'POST /devices/{id}/shares': {
    summary: 'Share a device with another eWeLink account',
    description: "The receiver (in the same region) is asked in their eWeLink app; the answer waits for theirs. Goes over the account's WebSocket only.",
    tag: 'sharing',
    auth: true,
    body: 'ShareDevice',
    ok: { status: 200, description: 'the receiver accepted', schema: 'Share' },
    errors: { 403: NOT_OWNER, 404: SHARE_404, 409: SHARE_409, 429: SHARE_429, 504: SHARE_504 },
  },
  'PATCH /devices/{id}/shares/{uid}': {
    summary: 'Change what the receiver of a share may do',
    tag: 'sharing',
    auth: true,
    body: 'UpdateShare',
    ok: { status: 200, description: 'the receiver accepted the change', schema: 'Share' },
    errors: { 403: NOT_OWNER, 404: `${SHARE_404}, or the device is not shared with that account`, 409: 'the receiver declined the change (`share_refused`)', 429: SHARE_429, 504: SHARE_504 },
  },
  'DELETE /devices/{id}/shares/{uid}': {
    summary: 'Stop sharing a device with an account',
    description: "The device leaves the receiver's list. Revoking a share that does not exist is no error.",
    tag: 'sharing',
    auth: true,
    ok: { status: 204, description: 'revoked' },
    errors: { 403: NOT_OWNER, 404: DEVICE_404 },
  },
  'GET /devices/{id}/timers': {
    summary: "List a device's timers",
    description: 'The local model, and what was last pushed to the device (`push.status`: `done`, `pending` while the device is offline, `failed`).',
    tag: 'timers',
    auth: true,
    cloud: false,
    ok: { status: 200, description: 'the timers and the last push', schema: 'TimerList' },
    errors: { 404: DEVICE_404 },
  },
  'POST /devices/{id}/timers': {
    summary: 'Add a timer',
    description: "Stored, then the device's full timer array is compiled (UTC times, cron for repeats; entries made in the phone app kept) and pushed. An offline device gets it when the reconcile finds it back.",
    tag: 'timers',
    auth: true,
    body: 'Timer',
    ok: { status: 201, description: 'the timer and how the push went', schema: 'TimerChange' },
    errors: { 404: DEVICE_404, 409: 'too many concurrent edits of this device (`conflict`)', 422: 'also: the device cannot do the action' },
  },
  'PUT /devices/{id}/timers/{timerId}': {
    summary: 'Replace a timer',
    tag: 'timers',
    auth: true,
    body: 'Timer',
    ok: { status: 200, description: 'the timer and how the push went', schema: 'TimerChange' },
    errors: { 404: `${DEVICE_404}, or no such timer`, 409: 'too many concurrent edits of this device (`conflict`)', 422: 'also: the device cannot do the action' },
  },
  'DELETE /devices/{id}/timers/{timerId}': {
    summary: 'Delete a timer',
    tag: 'timers',
    auth: true,
    ok: { status: 200, description: 'how the push went', schema: 'PushOnly' },
    errors: { 404: `${DEVICE_404}, or no such timer`, 409: 'too many concurrent edits of this device (`conflict`)' },
  },
  'GET /scenes': {
    summary: 'List the scenes',
    tag: 'scenes',
    auth: true,
    cloud: false,
    ok: { status: 200, description: 'the scenes', schema: 'SceneList' },
  },
  'POST /scenes': {
    summary: 'Create a scene',
    description: 'A scheduled scene is compiled into the timers of every device it acts on and pushed to them.',
    tag: 'scenes',
    auth: true,
    body: 'Scene',
    ok: { status: 201, description: 'the scene, and the pushes to its devices when scheduled', schema: 'SceneChange' },
    errors: { 404: 'a device of an action is not in the account (`not_found`)', 422: 'also: a device cannot do its action' },
  },
  'GET /scenes/{sceneId}': {
    summary: 'Read a scene',
    tag: 'scenes',
    auth: true,
    cloud: false,
    ok: { status: 200, description: 'the scene', schema: 'StoredScene' },
    errors: { 404: 'no such scene (`not_found`)' },
  },
  'PUT /scenes/{sceneId}': {
    summary: 'Replace a scene',
    tag: 'scenes',
    auth: true,
    body: 'Scene',
    ok: { status: 200, description: 'the scene, and the pushes to the devices it acted on before or acts on now', schema: 'SceneChange' },
    errors: { 404: 'no such scene, or a device of an action is not in the account (`not_found`)', 409: 'the scene changed meanwhile (`conflict`)', 422: 'also: a device cannot do its action' },
  },
  'DELETE /scenes/{sceneId}': {
    summary: 'Delete a scene',
    tag: 'scenes',
    auth: true,
    ok: { status: 200, description: 'the pushes to the devices it was scheduled on', schema: 'ScenePushes' },
    errors: { 404: 'no such scene (`not_found`)' },
  },
  'POST /scenes/{sceneId}/run': {
    summary: 'Run a scene now',
    description: 'Every action at once, over one socket session; each device answers for itself, so an offline device is reported in its own result and holds up nobody else.',
    tag: 'scenes',
    auth: true,
    ok: { status: 200, description: 'a result per device', schema: 'SceneRun' },
    errors: { 404: 'no such scene (`not_found`)' },
  },
  'GET /groups': {
    summary: 'List the device groups',
    description: 'In the order the eWeLink app shows them, each with the devices in it (from the cached device list).',
    tag: 'groups',
    auth: true,
    ok: { status: 200, description: 'the groups', schema: 'GroupList' },
  },
  'POST /groups': {
    summary: 'Create a group',
    tag: 'groups',
    auth: true,
    body: 'CreateGroup',
    ok: { status: 201, description: 'the new group', schema: 'Group' },
  },
  'PATCH /groups/{groupId}': {
    summary: 'Rename or reorder a group',
    tag: 'groups',
    auth: true,
    body: 'UpdateGroup',
    ok: { status: 200, description: 'the group as it is now', schema: 'Group' },
    errors: { 404: GROUP_404 },
  },
  'DELETE /groups/{groupId}': {
    summary: 'Delete a group',
    description: 'Its devices stay in the account, in no group.',
    tag: 'groups',
    auth: true,
    ok: { status: 204, description: 'deleted' },
    errors: { 404: GROUP_404 },
  },
  'POST /groups/{groupId}/devices': {
    summary: 'Move devices into a group',
    description: 'Each device leaves the group it was in; devices already in the group stay.',
    tag: 'groups',
    auth: true,
    body: 'AddToGroup',
    ok: { status: 200, description: 'the group with its devices', schema: 'Group' },
    errors: { 404: `${GROUP_404}, or no such device (nothing is moved)` },
  },
  'DELETE /groups/{groupId}/devices/{id}': {
    summary: 'Take a device out of a group',
    tag: 'groups',
    auth: true,
    ok: { status: 204, description: 'the device is in no group now (or in its other groups)' },
    errors: { 404: `${GROUP_404}, no such device, or the device is not in the group` },
  },
  'POST /hooks': {
    summary: 'Create a webhook bound to one device action',
    tag: 'webhooks',
    auth: true,
    body: 'CreateHook',
    ok: { status: 201, description: 'the hook; its secret and URL are shown only now', schema: 'CreatedHook' },
    errors: { 404: DEVICE_404, 422: 'also: the device cannot do the action' },
  },
  'POST /hooks/{hookId}/{secret}': {
    summary: "Run a webhook's action",
    description: 'No API key: the secret in the path is the authority. The request body is ignored, so IFTTT may send anything.',
    tag: 'webhooks',
    auth: false,
    ok: { status: 200, description: 'what was set', schema: 'ControlResult' },
    errors: { 404: 'the device is no longer in the account (`not_found`)', 504: 'the device did not answer (`device_offline`)' },
  },
  'GET /openapi.json': {
    summary: 'This document',
    tag: 'api',
    auth: false,
    cloud: false,
    ok: { status: 200, description: 'the OpenAPI 3.1 document', schema: 'OpenApiDocument' },
  },
};

const PATH_PARAMS: Record<string, Field<unknown>> = {
  id: DEVICE_ID,
  timerId: MODEL_ID,
  sceneId: MODEL_ID,
  groupId: GROUP_ID,
  uid: SHARE_UID,
};
const HOOK_TOKEN: JsonSchema = { type: 'string', minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' };
const PATH_SCHEMAS: Record<string, JsonSchema> = {
  ...Object.fromEntries(Object.entries(PATH_PARAMS).map(([name, field]) => [name, field.schema])),
  hookId: { ...HOOK_TOKEN, description: "the hook's id, from its URL" },
  secret: { ...HOOK_TOKEN, description: "the hook's secret, from its URL" },
};

const POWER: JsonSchema = { type: 'string', enum: ['on', 'off'] };
const CHANNEL_POWER: JsonSchema = {
  type: 'object',
  required: ['channel', 'power'],
  properties: { channel: { type: 'integer', minimum: 0 }, power: POWER },
};
const COLOR: JsonSchema = {
  description: '"#rrggbb", {r, g, b} (0–255 each) or {h, s, v} (h 0–360, s and v 0–100)',
  oneOf: [
    { type: 'string', pattern: '^#[0-9A-Fa-f]{6}$' },
    {
      type: 'object',
      required: ['r', 'g', 'b'],
      additionalProperties: false,
      properties: Object.fromEntries(['r', 'g', 'b'].map((c) => [c, { type: 'integer', minimum: 0, maximum: 255 }])),
    },
    {
      type: 'object',
      required: ['h', 's', 'v'],
      additionalProperties: false,
      properties: { h: { type: 'number', minimum: 0, maximum: 360 }, s: { type: 'number', minimum: 0, maximum: 100 }, v: { type: 'number', minimum: 0, maximum: 100 } },
    },
  ],
};
const COMMAND: JsonSchema = {
  type: 'object',
  description:
    'Any mix of power and light settings, at least one. `channel` goes with `power`; "off" and brightness 0 go alone; color and colorTemperature exclude each other. What a given device can do is checked against it (422).',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    power: { type: 'string', enum: ['on', 'off', 'toggle'] },
    channel: { description: 'a channel number (0 first), or "all"; absent = every channel', oneOf: [{ type: 'integer', minimum: 0 }, { const: 'all' }] },
    brightness: { type: 'number', minimum: 0, maximum: 100, description: '%; 0 turns the light off' },
    color: COLOR,
    colorTemperature: { type: 'number', minimum: KELVIN_RANGE.warmest, maximum: KELVIN_RANGE.coldest, description: 'kelvin' },
  },
  examples: [{ power: 'on', channel: 1 }],
};

const LOCAL_DATE_TIME: JsonSchema = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}$', description: 'wall-clock date and time in `timeZone`' };
const SCHEDULE: JsonSchema = {
  description: 'when, in wall-clock time of `timeZone`; weekdays 0 (Sunday) to 6',
  oneOf: [
    { type: 'object', additionalProperties: false, required: ['type', 'at'], properties: { type: { const: 'once' }, at: LOCAL_DATE_TIME } },
    {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'days', 'time'],
      properties: {
        type: { const: 'repeat' },
        days: { type: 'array', minItems: 1, maxItems: 7, uniqueItems: true, items: { type: 'integer', minimum: 0, maximum: 6 } },
        time: { type: 'string', pattern: '^\\d{2}:\\d{2}$' },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'start', 'onMinutes', 'offMinutes'],
      properties: { type: { const: 'duration' }, start: LOCAL_DATE_TIME, onMinutes: { type: 'integer', minimum: 1, maximum: 10080 }, offMinutes: { type: 'integer', minimum: 1, maximum: 10080 } },
    },
    { type: 'object', additionalProperties: false, required: ['type', 'minutes'], properties: { type: { const: 'delay' }, minutes: { type: 'integer', minimum: 1, maximum: 10080 } } },
  ],
};
const TIME_ZONE: JsonSchema = { type: 'string', description: 'IANA time zone name', examples: ['Europe/Berlin'] };
const TIMER_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['schedule', 'timeZone', 'action'],
  properties: {
    schedule: SCHEDULE,
    timeZone: TIME_ZONE,
    action: { $ref: '#/components/schemas/DeviceCommand', description: 'what to do (no toggle: the device runs it later)' },
    endAction: { $ref: '#/components/schemas/DeviceCommand', description: 'duration timers: what to do when the "on" part ends (default power off)' },
    enabled: { type: 'boolean', default: true },
  },
  examples: [{ schedule: { type: 'repeat', days: [1, 2, 3, 4, 5], time: '07:00' }, timeZone: 'Europe/Berlin', action: { power: 'on', brightness: 60 } }],
};
const SCENE_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'actions'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 64 },
    actions: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: { type: 'object', additionalProperties: false, required: ['deviceid', 'command'], properties: { deviceid: DEVICE_ID.schema, command: { $ref: '#/components/schemas/DeviceCommand' } } },
    },
    schedule: { ...SCHEDULE, description: 'optional: "once" or "repeat" only; the devices then run the scene themselves' },
    timeZone: { ...TIME_ZONE, description: 'required with a schedule' },
    enabled: { type: 'boolean', default: true },
  },
};

/** Request bodies, by the name the document gives them. */
const BODIES = {
  DeviceCommand: COMMAND,
  Timer: TIMER_BODY,
  Scene: SCENE_BODY,
  AddDevice: ADD_DEVICE.schema,
  AddGsmDevice: ADD_GSM_DEVICE.schema,
  RenameDevice: RENAME_DEVICE.schema,
  ChannelNames: CHANNEL_NAMES.schema,
  ShareDevice: SHARE_DEVICE.schema,
  UpdateShare: UPDATE_SHARE.schema,
  CreateGroup: CREATE_GROUP.schema,
  UpdateGroup: UPDATE_GROUP.schema,
  AddToGroup: ADD_TO_GROUP.schema,
  CreateHook: {
    type: 'object',
    required: ['deviceid', 'action'],
    additionalProperties: false,
    properties: {
      deviceid: DEVICE_ID.schema,
      action: { $ref: '#/components/schemas/DeviceCommand' },
      name: { type: 'string', maxLength: 100, description: 'a label for people' },
    },
    examples: [{ deviceid: '1000000001', action: { power: 'toggle' }, name: 'hall button' }],
  },
} satisfies Record<string, JsonSchema>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const DEVICE_SUMMARY: JsonSchema = {
  type: 'object',
  required: ['deviceid', 'name', 'uiid', 'online'],
  properties: {
    deviceid: { type: 'string' },
    name: { type: 'string' },
    uiid: { type: 'integer', description: "the device's family, as the eWeLink cloud numbers them" },
    online: { type: 'boolean' },
    channels: { type: 'integer', minimum: 1 },
  },
};

const CAPABILITIES: JsonSchema = { type: 'object', description: 'what the device can do, with its native ranges (see the README, "Supported devices")' };
const LIGHT: Record<string, JsonSchema> = {
  brightness: { type: 'number', minimum: 0, maximum: 100, description: '%' },
  color: { type: 'object', description: '{r, g, b, hex}' },
  colorTemperature: { type: 'number', description: 'kelvin' },
};

/** Response bodies, by name. Open objects: later versions may add fields. */
const PUSH: JsonSchema = {
  type: 'object',
  required: ['status', 'at', 'entries'],
  properties: {
    status: { enum: ['done', 'pending', 'failed'], description: '`pending`: the device is offline and gets the array when the reconcile finds it back' },
    at: { type: 'integer', description: 'epoch ms' },
    entries: { type: 'integer', description: 'entries in the array pushed (phone-app ones included)' },
    fingerprint: { type: 'string' },
    error: { type: 'string' },
  },
};
const STORED_TIMER: JsonSchema = {
  type: 'object',
  required: ['id', 'schedule', 'timeZone', 'action', 'enabled', 'createdAt'],
  properties: { id: { type: 'string' }, schedule: SCHEDULE, timeZone: TIME_ZONE, action: ref('DeviceCommand'), endAction: ref('DeviceCommand'), enabled: { type: 'boolean' }, createdAt: { type: 'integer' } },
};
const STORED_SCENE: JsonSchema = {
  type: 'object',
  required: ['id', 'name', 'actions', 'enabled', 'version'],
  properties: { ...(SCENE_BODY.properties as Record<string, JsonSchema>), id: { type: 'string' }, version: { type: 'integer' }, createdAt: { type: 'integer' }, updatedAt: { type: 'integer' } },
};

const RESPONSES: Record<string, JsonSchema> = {
  TimerList: { type: 'object', required: ['timers'], properties: { timers: { type: 'array', items: STORED_TIMER }, push: PUSH } },
  TimerChange: { type: 'object', required: ['timer', 'push'], properties: { timer: STORED_TIMER, push: PUSH } },
  PushOnly: { type: 'object', required: ['push'], properties: { push: PUSH } },
  StoredScene: STORED_SCENE,
  SceneList: { type: 'object', required: ['scenes'], properties: { scenes: { type: 'array', items: ref('StoredScene') } } },
  ScenePushes: { type: 'object', required: ['pushes'], properties: { pushes: { type: 'object', additionalProperties: PUSH, description: 'by device id' } } },
  SceneChange: { type: 'object', required: ['scene', 'pushes'], properties: { scene: ref('StoredScene'), pushes: { type: 'object', additionalProperties: PUSH } } },
  SceneRun: {
    type: 'object',
    required: ['sceneId', 'ok', 'failed', 'results'],
    properties: {
      sceneId: { type: 'string' },
      ok: { type: 'integer' },
      failed: { type: 'integer' },
      results: {
        type: 'array',
        items: {
          type: 'object',
          required: ['deviceid', 'ok'],
          properties: { deviceid: { type: 'string' }, ok: { type: 'boolean' }, result: ref('ControlResult'), error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
        },
      },
    },
  },
  DeviceSummary: DEVICE_SUMMARY,
  DeviceListItem: {
    type: 'object',
    required: ['deviceid', 'name', 'uiid', 'online'],
    properties: { ...(DEVICE_SUMMARY.properties as Record<string, JsonSchema>), family: { type: 'string' }, capabilities: CAPABILITIES },
  },
  DeviceList: { type: 'object', required: ['devices'], properties: { devices: { type: 'array', items: ref('DeviceListItem') } } },
  DeviceState: {
    type: 'object',
    required: ['deviceid', 'name', 'uiid', 'online', 'params'],
    description: 'fields a device does not have or does not show are left out',
    properties: {
      ...(DEVICE_SUMMARY.properties as Record<string, JsonSchema>),
      family: { type: 'string' },
      power: { ...POWER, description: 'single-channel devices' },
      channels: { type: 'array', items: CHANNEL_POWER, description: 'multi-channel devices' },
      ...LIGHT,
      mode: {},
      sensors: { type: 'object', description: '{temperature, humidity, power, voltage, current}, those the device reports' },
      capabilities: CAPABILITIES,
      params: { type: 'object', description: 'the raw params the device reports' },
    },
  },
  ControlResult: {
    type: 'object',
    required: ['deviceid', 'via'],
    properties: {
      deviceid: { type: 'string' },
      via: { type: 'string', enum: ['socket', 'http'] },
      power: POWER,
      channels: { type: 'array', items: CHANNEL_POWER },
      ...LIGHT,
      params: { type: 'object', description: 'the params sent to the device' },
    },
  },
  ChannelNamesSet: {
    type: 'object',
    required: ['deviceid', 'names'],
    properties: { deviceid: { type: 'string' }, names: { type: 'object', additionalProperties: { type: 'string' } } },
  },
  DeviceHistory: {
    type: 'object',
    required: ['deviceid', 'page', 'pageSize', 'entries'],
    properties: {
      deviceid: { type: 'string' },
      page: { type: 'integer', minimum: 1 },
      pageSize: { type: 'integer', minimum: 1 },
      entries: { type: 'array', items: ref('HistoryEntry') },
    },
  },
  HistoryEntry: {
    type: 'object',
    required: ['time', 'source'],
    properties: {
      time: { type: 'string', format: 'date-time' },
      source: { type: 'string', description: '`device` (by hand, or its own timer), `app`, or an integration' },
      account: { type: 'string', description: 'who, when it came from an app (perhaps an account it is shared with)' },
      params: { description: 'what was set, as device params' },
    },
  },
  Share: {
    type: 'object',
    required: ['deviceid', 'uid'],
    properties: { deviceid: { type: 'string' }, uid: { type: 'string' }, permit: { type: 'integer', minimum: 0, maximum: 15 }, note: { type: 'string' } },
  },
  Group: {
    type: 'object',
    required: ['id', 'name', 'index', 'deviceids'],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      index: { type: 'integer', minimum: 0 },
      createdAt: { type: 'string', format: 'date-time' },
      deviceids: { type: 'array', items: { type: 'string' } },
    },
  },
  GroupList: { type: 'object', required: ['groups'], properties: { groups: { type: 'array', items: ref('Group') } } },
  CreatedHook: {
    type: 'object',
    required: ['hookId', 'secret', 'url', 'deviceid', 'action'],
    properties: {
      hookId: { type: 'string' },
      secret: { type: 'string', description: 'shown only now: only its hash is stored' },
      url: { type: 'string', format: 'uri', description: 'POST here to run the action' },
      deviceid: { type: 'string' },
      action: ref('DeviceCommand'),
      name: { type: 'string' },
      note: { type: 'string' },
    },
  },
  OpenApiDocument: {
    type: 'object',
    required: ['openapi', 'info', 'paths'],
    properties: { openapi: { type: 'string' }, info: { type: 'object' }, paths: { type: 'object' } },
  },
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', enum: [...Object.keys(ERROR_STATUS), 'method_not_allowed', 'internal'] },
          message: { type: 'string', description: 'what went wrong, in words a person can act on' },
          field: { type: 'string', description: 'the input at fault (`invalid_input`), e.g. `name`, `names.4` or `uid`' },
        },
      },
    },
  },
};

/** Statuses most operations share, described once in `components.responses`. */
const COMMON_ERRORS: Record<number, { name: string; description: string }> = {
  400: { name: 'MalformedJson', description: 'the body is not JSON (`malformed_json`)' },
  401: { name: 'Unauthorized', description: 'missing or wrong API key (`unauthorized`)' },
  422: { name: 'InvalidInput', description: 'a field or parameter is missing, unknown or out of range (`invalid_input`; `error.field` names it). Nothing was sent to the cloud.' },
  502: { name: 'CloudFailed', description: 'the device refused the params (`device_refused`), the stored eWeLink tokens were refused (`cloud_auth`: link the account again), or the cloud cannot be reached (`cloud_unavailable`)' },
  503: { name: 'NotReady', description: 'no eWeLink tokens are stored for the account yet (`account_not_linked`), or the app credentials are not configured (`not_configured`)' },
};

const errorContent = { 'application/json': { schema: ref('Error') } };

function pathParameters(path: string): JsonSchema[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: PATH_SCHEMAS[name as string] ?? { type: 'string' },
  }));
}

function queryParameters(query: Shape<any> | undefined): JsonSchema[] {
  if (!query) return [];
  return Object.entries(query.props as Record<string, Prop<unknown>>).map(([name, prop]) => ({
    name,
    in: 'query',
    required: prop.required,
    description: prop.field.schema.description,
    schema: prop.field.schema,
  }));
}

function operation(key: string, spec: OperationSpec): JsonSchema {
  const [method, path] = key.split(' ') as [string, string];
  const parameters = [...pathParameters(path), ...queryParameters(spec.query)];
  const responses: Record<string, unknown> = {
    [spec.ok.status]: spec.ok.schema
      ? { description: spec.ok.description, content: { 'application/json': { schema: ref(spec.ok.schema) } } }
      : { description: spec.ok.description },
  };
  const common = new Set<number>();
  if (spec.body) common.add(400).add(422);
  if (parameters.length > 0) common.add(422);
  if (spec.auth) common.add(401);
  if (spec.cloud !== false) common.add(502).add(503);
  const own = spec.errors ?? {};
  for (const status of [...common, ...Object.keys(own).map(Number)].sort((a, b) => a - b)) {
    const particular = own[status as keyof typeof own];
    const shared = COMMON_ERRORS[status];
    if (shared && !particular) responses[status] = { $ref: `#/components/responses/${shared.name}` };
    else responses[status] = { description: shared ? `${shared.description}; ${particular}` : (particular as string), content: errorContent };
  }
  const op: JsonSchema = {
    operationId: operationId(method, path),
    summary: spec.summary,
    tags: [spec.tag],
    security: spec.auth ? [{ apiKey: [] }] : [],
    responses,
  };
  if (spec.description) op.description = spec.description;
  if (parameters.length > 0) op.parameters = parameters;
  if (spec.body) op.requestBody = { required: true, content: { 'application/json': { schema: ref(spec.body) } } };
  return op;
}

/** `PATCH /devices/{id}/shares/{uid}` → `patchDevicesIdSharesUid`. */
function operationId(method: string, path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

function build(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [key, spec] of Object.entries(OPERATIONS)) {
    const [method, path] = key.split(' ') as [Route['method'], string];
    (paths[path] ??= {})[method.toLowerCase()] = operation(key, spec);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ewelink-bridge',
      version: '1',
      description:
        'Drive eWeLink (Sonoff) devices over HTTPS: read and switch them, manage devices, groups and shares, and mint webhooks. Errors are always `{"error": {"code", "message", "field"?}}`.',
    },
    tags: [
      { name: 'devices', description: 'state, control and management of the devices' },
      { name: 'sharing', description: 'sharing devices with other eWeLink accounts' },
      { name: 'groups', description: 'device groups, as the eWeLink app shows them' },
      { name: 'timers', description: "device timers, kept by the bridge and pushed as each device's full timer array" },
      { name: 'scenes', description: 'named sets of device commands, run on demand or on a schedule the devices run themselves' },
      { name: 'webhooks', description: 'URLs bound to one device action' },
      { name: 'api', description: 'about this API' },
    ],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'an API key from `npx ewelink-bridge create-api-key`' },
      },
      schemas: { ...BODIES, ...RESPONSES },
      responses: Object.fromEntries(Object.values(COMMON_ERRORS).map(({ name, description }) => [name, { description, content: errorContent }])),
    },
  };
}

let document: JsonSchema | undefined;

/**
 * The API's OpenAPI 3.1 document, built on first use; with `serverUrl` (where the caller
 * reached the bridge) it names that as the server.
 *
 * @example
 * const doc = openApiDocument('https://abc123.execute-api.eu-west-1.amazonaws.com');
 * Object.keys(doc.paths as object); // ['/devices', '/devices/{id}', …]
 */
export function openApiDocument(serverUrl?: string): JsonSchema {
  document ??= build();
  return serverUrl ? { ...document, servers: [{ url: serverUrl }] } : document;
}

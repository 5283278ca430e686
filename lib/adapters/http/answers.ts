import { KELVIN_RANGE } from '../../devices/conversions';
import { DEVICE_COMMAND } from '../../devices/command';
import { RATE_LIMIT } from '../../rate-limit';
import { SCENE_INPUT } from '../../scenes/scene-service';
import { Type } from '../../schema';
import { SCHEDULE, TIME_ZONE } from '../../timers/schedule';
import { ERROR_CODES } from './errors';
import { OAUTH_ERROR_CODES } from '../oauth/errors';

/*
 * What the API answers, as schemas: for the document only (answers are built by the domain,
 * typed by TypeScript); the contract test validates real answers against them. Objects are
 * open: later versions may add fields.
 */

const open = { additionalProperties: true } as const;
const POWER = Type.Union([Type.Literal('on'), Type.Literal('off')]);
const CHANNEL_POWER = Type.Object({ channel: Type.Integer({ minimum: 0 }), power: POWER }, open);
const CAPABILITIES = Type.Object({}, { ...open, description: 'what the device can do, with its native ranges (see docs/device-families.md)' });
const LIGHT = {
  brightness: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: '%' })),
  color: Type.Optional(Type.Object({}, { ...open, description: '{r, g, b, hex}' })),
  colorTemperature: Type.Optional(Type.Number({ minimum: KELVIN_RANGE.warmest, maximum: KELVIN_RANGE.coldest, description: 'kelvin' })),
};
const SUMMARY = {
  deviceid: Type.String(),
  name: Type.String(),
  uiid: Type.Integer({ description: "the device's family, as the eWeLink cloud numbers them" }),
  online: Type.Boolean(),
  channels: Type.Optional(Type.Integer({ minimum: 1 })),
};

export const DEVICE_SUMMARY = Type.Object(SUMMARY, { ...open, $id: 'DeviceSummary' });

export const DEVICE_LIST = Type.Object(
  { devices: Type.Array(Type.Object({ ...SUMMARY, family: Type.String(), capabilities: CAPABILITIES }, { ...open, $id: 'DeviceListItem' })) },
  { ...open, $id: 'DeviceList' },
);

export const DEVICE_STATE = Type.Object(
  {
    ...SUMMARY,
    family: Type.String(),
    power: Type.Optional(POWER),
    channels: Type.Optional(Type.Array(CHANNEL_POWER, { description: 'multi-channel devices' })),
    ...LIGHT,
    mode: Type.Optional(Type.Unknown()),
    sensors: Type.Optional(Type.Object({}, { ...open, description: '{temperature, humidity, power, voltage, current}, those the device reports' })),
    capabilities: CAPABILITIES,
    params: Type.Object({}, { ...open, description: 'the raw params the device reports' }),
  },
  { ...open, $id: 'DeviceState', description: 'fields a device does not have or does not show are left out' },
);

export const CONTROL_RESULT = Type.Object(
  {
    deviceid: Type.String(),
    via: Type.Union([Type.Literal('socket'), Type.Literal('http')]),
    power: Type.Optional(POWER),
    channels: Type.Optional(Type.Array(CHANNEL_POWER)),
    ...LIGHT,
    params: Type.Object({}, { ...open, description: 'the params sent to the device' }),
  },
  { ...open, $id: 'ControlResult' },
);

export const CHANNEL_NAMES_SET = Type.Object({ deviceid: Type.String(), names: Type.Record(Type.String(), Type.String()) }, { ...open, $id: 'ChannelNamesSet' });

export const DEVICE_HISTORY = Type.Object(
  {
    deviceid: Type.String(),
    page: Type.Integer({ minimum: 1 }),
    pageSize: Type.Integer({ minimum: 1 }),
    entries: Type.Array(
      Type.Object(
        {
          time: Type.String({ format: 'date-time' }),
          source: Type.String({ description: '`device` (by hand, or its own timer), `app`, or an integration' }),
          account: Type.Optional(Type.String({ description: 'who, when it came from an app (perhaps an account it is shared with)' })),
          params: Type.Optional(Type.Unknown({ description: 'what was set, as device params' })),
        },
        { ...open, $id: 'HistoryEntry' },
      ),
    ),
  },
  { ...open, $id: 'DeviceHistory' },
);

export const SHARE = Type.Object(
  { deviceid: Type.String(), uid: Type.String(), permit: Type.Optional(Type.Integer({ minimum: 0, maximum: 15 })), note: Type.Optional(Type.String()) },
  { ...open, $id: 'Share' },
);

export const GROUP = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    index: Type.Integer({ minimum: 0 }),
    createdAt: Type.String({ format: 'date-time', description: 'when the eWeLink cloud made the group' }),
    deviceids: Type.Array(Type.String()),
  },
  { ...open, $id: 'Group' },
);
export const GROUP_LIST = Type.Object({ groups: Type.Array(GROUP) }, { ...open, $id: 'GroupList' });

const PUSH = Type.Object(
  {
    status: Type.Union([Type.Literal('done'), Type.Literal('pending'), Type.Literal('failed')], {
      description: '`pending`: the device is offline and gets the array when the reconcile finds it back',
    }),
    at: Type.Integer({ description: 'epoch ms' }),
    entries: Type.Integer({ description: 'entries in the array pushed (phone-app ones included)' }),
    fingerprint: Type.Optional(Type.String()),
    error: Type.Optional(Type.String()),
  },
  { ...open, $id: 'Push' },
);
const PUSHES = Type.Record(Type.String(), PUSH, { description: 'by device id' });

const STORED_TIMER = Type.Object(
  {
    id: Type.String(),
    schedule: SCHEDULE,
    timeZone: TIME_ZONE,
    action: DEVICE_COMMAND,
    endAction: Type.Optional(DEVICE_COMMAND),
    enabled: Type.Boolean(),
    createdAt: Type.Integer(),
  },
  { ...open, $id: 'StoredTimer' },
);
export const TIMER_LIST = Type.Object({ timers: Type.Array(STORED_TIMER), push: Type.Optional(PUSH) }, { ...open, $id: 'TimerList' });
export const TIMER_CHANGE = Type.Object({ timer: STORED_TIMER, push: PUSH }, { ...open, $id: 'TimerChange' });
export const PUSH_ONLY = Type.Object({ push: PUSH }, { ...open, $id: 'PushOnly' });

export const STORED_SCENE = Type.Object(
  {
    ...SCENE_INPUT.properties,
    id: Type.String(),
    version: Type.Integer(),
    createdAt: Type.Optional(Type.Integer()),
    updatedAt: Type.Optional(Type.Integer()),
  },
  { ...open, $id: 'StoredScene' },
);
export const SCENE_LIST = Type.Object({ scenes: Type.Array(STORED_SCENE) }, { ...open, $id: 'SceneList' });
export const SCENE_CHANGE = Type.Object({ scene: STORED_SCENE, pushes: PUSHES }, { ...open, $id: 'SceneChange' });
export const SCENE_PUSHES = Type.Object({ pushes: PUSHES }, { ...open, $id: 'ScenePushes' });
export const SCENE_RUN = Type.Object(
  {
    sceneId: Type.String(),
    ok: Type.Integer(),
    failed: Type.Integer(),
    results: Type.Array(
      Type.Object(
        {
          deviceid: Type.String(),
          ok: Type.Boolean(),
          result: Type.Optional(CONTROL_RESULT),
          error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() }, open)),
        },
        open,
      ),
    ),
  },
  { ...open, $id: 'SceneRun' },
);

const SHOWN_ONCE = 'shown only now: only its hash is stored';
const WHEN = (what: string) => Type.String({ format: 'date-time', description: what });

const HOOK_FIELDS = {
  hookId: Type.String(),
  deviceid: Type.String(),
  action: DEVICE_COMMAND,
  name: Type.Optional(Type.String()),
  createdAt: WHEN('when it was made'),
  lastUsedAt: Type.Optional(WHEN('when a call last ran it, to the hour (written at most hourly)')),
  limit: RATE_LIMIT,
};

export const HOOK = Type.Object(HOOK_FIELDS, { ...open, $id: 'Hook' });

export const HOOK_LIST = Type.Object({ hooks: Type.Array(HOOK) }, { ...open, $id: 'HookList' });

const NOT_REPEATED = 'absent from the answer to a repeat of the request (`Idempotency-Key`): the secret is not kept';

export const CREATED_HOOK = Type.Object(
  {
    ...HOOK_FIELDS,
    secret: Type.Optional(Type.String({ description: `${SHOWN_ONCE}; ${NOT_REPEATED}` })),
    url: Type.Optional(Type.String({ format: 'uri', description: `POST here to run the action; ${NOT_REPEATED}` })),
    note: Type.Optional(Type.String()),
  },
  { ...open, $id: 'CreatedHook' },
);

export const ROTATED_HOOK = Type.Object(
  {
    hookId: Type.String(),
    secret: Type.String({ description: SHOWN_ONCE }),
    url: Type.String({ format: 'uri', description: 'the new URL; the old one no longer works' }),
    note: Type.Optional(Type.String()),
  },
  { ...open, $id: 'RotatedHook' },
);

const API_KEY_FIELDS = {
  id: Type.String({ description: 'what revoking names; not the key' }),
  label: Type.String(),
  createdAt: WHEN('when it was made'),
  lastUsedAt: Type.Optional(WHEN('when it was last used, to the hour (written at most hourly)')),
  limit: RATE_LIMIT,
};

export const API_KEY_LIST = Type.Object(
  { keys: Type.Array(Type.Object({ ...API_KEY_FIELDS, current: Type.Boolean({ description: 'whether this is the key the request came with' }) }, { ...open, $id: 'ApiKey' })) },
  { ...open, $id: 'ApiKeyList' },
);

export const CREATED_API_KEY = Type.Object(
  { ...API_KEY_FIELDS, key: Type.String({ description: SHOWN_ONCE }), note: Type.Optional(Type.String()) },
  { ...open, $id: 'CreatedApiKey' },
);

export const OPENAPI_DOCUMENT = Type.Object({ openapi: Type.String(), info: Type.Object({}, open), paths: Type.Object({}, open) }, { ...open, $id: 'OpenApiDocument' });

export const ERROR = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.Union(ERROR_CODES.map((c) => Type.Literal(c))),
        message: Type.String({ description: 'what went wrong, in words a person can act on' }),
        field: Type.Optional(Type.String({ description: 'the input at fault (`invalid_input`), e.g. `name`, `names.4` or `uid`' })),
        requestId: Type.String({ description: 'the request id the bridge log records the details under' }),
      },
      open,
    ),
  },
  { ...open, $id: 'Error' },
);

export const OAUTH_TOKEN = Type.Object(
  {
    access_token: Type.String({ description: 'for the assistant to send as its bearer token; good for an hour' }),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer({ minimum: 0, description: 'seconds the access token has left' }),
    refresh_token: Type.String({ description: 'good once, for 90 days: each refresh answers a new one' }),
    scope: Type.Optional(Type.String({ description: 'the scope granted, when one was asked for' })),
  },
  { ...open, $id: 'OAuthToken' },
);

export const OAUTH_ERROR = Type.Object(
  {
    error: Type.Union(OAUTH_ERROR_CODES.map((c) => Type.Literal(c)), { description: 'RFC 6749, section 5.2 (`server_error`: the bridge itself failed)' }),
    error_description: Type.String({ description: 'what went wrong, in words' }),
  },
  { ...open, $id: 'OAuthError' },
);

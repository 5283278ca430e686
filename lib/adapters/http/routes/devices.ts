import { capabilitiesOf, deviceProfile } from '../../../devices/catalogue';
import { DEVICE_COMMAND } from '../../../devices/command';
import { ADD_DEVICE, ADD_GSM_DEVICE, CHANNEL_NAMES, HISTORY_QUERY, RENAME_DEVICE } from '../../../devices/management';
import { CHANNEL_NAMES_SET, CONTROL_RESULT, DEVICE_HISTORY, DEVICE_LIST, DEVICE_STATE, DEVICE_SUMMARY } from '../answers';
import { route, type Route } from '../route';
import { DEVICE_404, DEVICE_PATH, DEVICE_VANISHED_404, NOT_OWNER } from './common';

/** Devices: list, live state, semantic control, and management (add, rename, channels, delete, history). */
export const deviceRoutes: Route[] = [
  route({
    method: 'GET',
    path: '/devices',
    auth: 'apiKey',
    tag: 'devices',
    summary: 'List the devices',
    description: 'From the cached device list (refreshed from the cloud when older than its TTL, and after any change made through the bridge).',
    ok: { status: 200, description: 'the devices', schema: DEVICE_LIST },
    async handle({ accountId }, bridge) {
      const devices = await bridge.directory.list(accountId);
      return {
        devices: devices.map(({ deviceid, name, uiid, online, channels, params }) => {
          // From the cached list: no cloud call per device.
          const profile = deviceProfile(uiid, params ?? {});
          return { deviceid, name, uiid, online, channels, family: profile.family, capabilities: capabilitiesOf(profile) };
        }),
      };
    },
  }),
  route({
    method: 'GET',
    path: '/devices/{id}',
    auth: 'apiKey',
    tag: 'devices',
    summary: "Read a device's live state",
    params: DEVICE_PATH,
    ok: { status: 200, description: 'the state, in semantic form beside the raw params', schema: DEVICE_STATE },
    errors: { 404: DEVICE_VANISHED_404 },
    handle: ({ accountId, params }, bridge) => bridge.controller.state(accountId, params.id),
  }),
  route({
    method: 'POST',
    path: '/devices/{id}/control',
    auth: 'apiKey',
    idempotent: true,
    tag: 'devices',
    summary: 'Switch a device or set its light',
    params: DEVICE_PATH,
    body: DEVICE_COMMAND,
    ok: { status: 200, description: 'what was set, and whether it went over the socket or HTTP', schema: CONTROL_RESULT },
    errors: { 404: DEVICE_VANISHED_404, 422: 'also: the device has no such channel, or cannot do what was asked', 504: 'the device did not answer: offline or unreachable (`device_offline`)' },
    handle: ({ accountId, params, body }, bridge) => bridge.controller.control(accountId, params.id, body),
  }),
  route({
    method: 'POST',
    path: '/devices',
    auth: 'apiKey',
    tag: 'devices',
    summary: 'Add a just-paired Wi-Fi device to the account',
    description: 'The device id and its apikey come from pairing the device (its access-point mode). Answers the device as a fresh device list shows it.',
    body: ADD_DEVICE,
    ok: { status: 201, description: 'the device, added', schema: DEVICE_SUMMARY },
    errors: {
      404: 'the cloud knows no such device (`not_found`)',
      409: 'the device is already in this or another account (`already_exists`)',
      422: "also: the cloud refused the device: `apikey` is not the one it reported while pairing, or it is of another brand than the app id's (`error.field` is `apikey` or `deviceid`)",
    },
    handle: ({ accountId, body }, bridge) => bridge.management.add(accountId, body),
  }),
  route({
    method: 'POST',
    path: '/devices/gsm',
    auth: 'apiKey',
    tag: 'devices',
    summary: 'Add a GSM device by the id on its QR code',
    body: ADD_GSM_DEVICE,
    ok: { status: 201, description: 'the device, added', schema: DEVICE_SUMMARY },
    errors: {
      404: 'the cloud knows no such device (`not_found`)',
      409: 'the device is already in this or another account (`already_exists`)',
      422: "also: the cloud refused the device, which is of another brand than the app id's (`error.field` is `id`)",
    },
    handle: ({ accountId, body }, bridge) => bridge.management.addGsm(accountId, body),
  }),
  route({
    method: 'PATCH',
    path: '/devices/{id}',
    auth: 'apiKey',
    tag: 'devices',
    summary: 'Rename a device',
    params: DEVICE_PATH,
    body: RENAME_DEVICE,
    ok: { status: 200, description: 'the device with its new name', schema: DEVICE_SUMMARY },
    errors: { 403: NOT_OWNER, 404: DEVICE_404 },
    handle: ({ accountId, params, body }, bridge) => bridge.management.rename(accountId, params.id, body.name),
  }),
  route({
    method: 'DELETE',
    path: '/devices/{id}',
    auth: 'apiKey',
    tag: 'devices',
    summary: 'Remove a device from the account',
    description: 'The device leaves the account and the accounts it was shared with; it must be paired again to come back.',
    params: DEVICE_PATH,
    ok: { status: 204, description: 'removed' },
    errors: { 403: NOT_OWNER, 404: DEVICE_404 },
    handle: ({ accountId, params }, bridge) => bridge.management.remove(accountId, params.id),
  }),
  route({
    method: 'PUT',
    path: '/devices/{id}/channels',
    auth: 'apiKey',
    tag: 'devices',
    summary: 'Name the channels of a multi-channel device',
    description: 'The names given replace all the channel names: a channel not listed loses its name.',
    params: DEVICE_PATH,
    body: CHANNEL_NAMES,
    ok: { status: 200, description: 'the names set', schema: CHANNEL_NAMES_SET },
    errors: { 403: NOT_OWNER, 404: DEVICE_404, 422: 'also: the device has one channel, or no such channel (`error.field` is `names.N`)' },
    handle: ({ accountId, params, body }, bridge) => bridge.management.setChannelNames(accountId, params.id, body.names),
  }),
  route({
    method: 'GET',
    path: '/devices/{id}/history',
    auth: 'apiKey',
    tag: 'devices',
    summary: "Read a device's operation history",
    description:
      'What the cloud recorded being done to the device (by hand, by the app, by integrations), a page at a time. Times are RFC 3339 date-times with their offset; `to` must be after `from`.',
    params: DEVICE_PATH,
    query: HISTORY_QUERY,
    ok: { status: 200, description: 'a page of entries', schema: DEVICE_HISTORY },
    errors: { 404: DEVICE_404, 422: 'also: `to` is not after `from`' },
    handle: ({ accountId, params, query }, bridge) => bridge.management.history(accountId, params.id, query),
  }),
];

import { MAX_DEVICE_TIMERS } from '../../../timers/compile';
import { TIMER_INPUT } from '../../../timers/timer-service';
import { PUSH_ONLY, TIMER_CHANGE, TIMER_LIST } from '../answers';
import { route, type Route } from '../route';
import { DEVICE_404, DEVICE_PATH, TIMER_PATH } from './common';

const CONFLICT = 'too many concurrent edits of this device (`conflict`)';
const UNCONFIRMED = "the bridge's database did not confirm the write in time (`outcome_unknown`): the change may have been stored. List the device's timers before trying again; a stored change reaches the device by the hourly reconcile at the latest";
const CANNOT_TAKE = `also: the device cannot do the action, or its timer array would hold more than ${MAX_DEVICE_TIMERS} entries, counting those set in the phone app or by other accounts (\`error.field\` is \`timers\`)`;

/** Device timers: the local model, pushed to each device as its full timer array. */
export const timerRoutes: Route[] = [
  route({
    method: 'GET',
    path: '/devices/{id}/timers',
    auth: 'apiKey',
    tag: 'timers',
    summary: "List a device's timers",
    description:
      'The local model, and what was last pushed to the device (`push.status`: `done`, `pending` while the device is offline, `failed`). The device is looked up in the device list, which is fetched from the cloud when the cached one is stale.',
    params: DEVICE_PATH,
    ok: { status: 200, description: 'the timers and the last push', schema: TIMER_LIST },
    errors: { 404: DEVICE_404 },
    handle: ({ accountId, params }, bridge) => bridge.timers.list(accountId, params.id),
  }),
  route({
    method: 'POST',
    path: '/devices/{id}/timers',
    auth: 'apiKey',
    idempotent: true,
    tag: 'timers',
    summary: 'Add a timer',
    description:
      "Stored, then the device's full timer array is compiled (UTC times, cron for repeats; entries made in the phone app kept) and pushed. An offline device gets it when the reconcile finds it back.",
    params: DEVICE_PATH,
    body: TIMER_INPUT,
    ok: { status: 201, description: 'the timer and how the push went', schema: TIMER_CHANGE },
    errors: { 404: DEVICE_404, 409: CONFLICT, 422: CANNOT_TAKE, 504: UNCONFIRMED },
    handle: ({ accountId, params, body }, bridge) => bridge.timers.add(accountId, params.id, body),
  }),
  route({
    method: 'PUT',
    path: '/devices/{id}/timers/{timerId}',
    auth: 'apiKey',
    tag: 'timers',
    summary: 'Replace a timer',
    params: TIMER_PATH,
    body: TIMER_INPUT,
    ok: { status: 200, description: 'the timer and how the push went', schema: TIMER_CHANGE },
    errors: { 404: `${DEVICE_404}, or no such timer`, 409: CONFLICT, 422: CANNOT_TAKE, 504: UNCONFIRMED },
    handle: ({ accountId, params, body }, bridge) => bridge.timers.replace(accountId, params.id, params.timerId, body),
  }),
  route({
    method: 'DELETE',
    path: '/devices/{id}/timers/{timerId}',
    auth: 'apiKey',
    tag: 'timers',
    summary: 'Delete a timer',
    params: TIMER_PATH,
    ok: { status: 200, description: 'how the push went', schema: PUSH_ONLY },
    errors: { 404: `${DEVICE_404}, or no such timer`, 409: CONFLICT },
    handle: async ({ accountId, params }, bridge) => ({ push: await bridge.timers.remove(accountId, params.id, params.timerId) }),
  }),
];

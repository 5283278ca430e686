import { NotInSim } from '../errors';
import { applyFaultPatch, faultsView } from '../faults';
import type { Answer } from './server';
import { isObject } from '../fields';
import type { Sim, SimClock } from '../types';

/*
 * Test-only routes under /_sim/, for when the sim runs as its own process. They drive the
 * same Sim object a test in the same process would hold. Not counted in stats, never held by
 * hangHttp, never limited.
 * The clock: GET /_sim/clock, POST /_sim/clock/advance {ms}, POST /_sim/clock/set {now}
 * (manual clock only; both answer with the timers that acted on the way); GET
 * /_sim/timers/fired[?deviceid=] lists every action of the devices' own timers.
 * GET /_sim/deviations lists the requests the sim let through against the spec (as the real
 * cloud did); POST /_sim/deviations/reset empties that list.
 */

type Controls = Pick<
  Sim,
  | 'stats'
  | 'faults'
  | 'clock'
  | 'timerLog'
  | 'deviations'
  | 'resetDeviations'
  | 'device'
  | 'setDeviceOnline'
  | 'issueTokens'
  | 'expireAccessToken'
  | 'verificationCode'
  | 'reportFromDevice'
>;

const DEVICE = /^\/_sim\/devices\/([^/]+)$/;
const DEVICE_ONLINE = /^\/_sim\/devices\/([^/]+)\/online$/;
const DEVICE_REPORT = /^\/_sim\/devices\/([^/]+)\/report$/;

function failure(status: number, message: string): Answer {
  return { status, body: { error: message } };
}

function jsonBody(raw: string): unknown {
  return raw === '' ? {} : JSON.parse(raw);
}

function deviceSnapshot(controls: Controls, deviceid: string) {
  const device = controls.device(deviceid);
  return {
    deviceid: device.deviceid,
    uiid: device.uiid,
    name: device.name,
    online: device.online,
    ownerApikey: device.ownerApikey,
    params: device.params,
  };
}

function clockView(clock: SimClock) {
  const now = clock.now();
  return { mode: clock.mode, now, iso: new Date(now).toISOString() };
}

/** A moment as ms since the epoch or a UTC ISO string. */
function instant(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T.*Z$/.test(value) && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  return undefined;
}

async function moveClock(controls: Controls, method: string, path: string, raw: string): Promise<Answer | undefined> {
  const key = `${method} ${path}`;
  if (key === 'GET /_sim/clock') return { status: 200, body: clockView(controls.clock) };
  if (key !== 'POST /_sim/clock/advance' && key !== 'POST /_sim/clock/set') return undefined;
  if (controls.clock.mode !== 'manual') return failure(400, 'the clock is real; start the sim with clock: {mode: "manual", start} to move it');
  const body = jsonBody(raw);
  const before = controls.timerLog.length;
  if (key === 'POST /_sim/clock/advance') {
    const ms = isObject(body) ? body['ms'] : undefined;
    if (!(typeof ms === 'number' && Number.isFinite(ms) && ms >= 0)) return failure(400, 'body must be {ms: <0 or more>}');
    await controls.clock.advance(ms);
  } else {
    const to = isObject(body) ? instant(body['now']) : undefined;
    if (to === undefined) return failure(400, 'body must be {now: <ms since the epoch or a UTC ISO time>}');
    await controls.clock.set(to);
  }
  return { status: 200, body: { ...clockView(controls.clock), fired: controls.timerLog.slice(before) } };
}

function otherControl(controls: Controls, method: string, path: string, raw: string, query: URLSearchParams): Answer {
  const key = `${method} ${path}`;
  if (key === 'GET /_sim/codes') {
    const to = query.get('to');
    if (!to) return failure(400, 'query must be ?to=<e-mail address or phone number>');
    return { status: 200, body: { to, code: controls.verificationCode(to) } };
  }
  if (key === 'GET /_sim/stats') return { status: 200, body: controls.stats };
  if (key === 'POST /_sim/stats/reset') {
    controls.stats.reset();
    return { status: 200, body: { ok: true } };
  }
  if (key === 'GET /_sim/deviations') return { status: 200, body: { deviations: controls.deviations } };
  if (key === 'POST /_sim/deviations/reset') {
    controls.resetDeviations();
    return { status: 200, body: { ok: true } };
  }
  if (key === 'GET /_sim/timers/fired') {
    const deviceid = query.get('deviceid');
    return { status: 200, body: { fired: controls.timerLog.filter((firing) => deviceid === null || firing.deviceid === deviceid) } };
  }
  if (key === 'GET /_sim/faults') return { status: 200, body: faultsView(controls.faults) };
  if (key === 'POST /_sim/faults') {
    applyFaultPatch(controls.faults, jsonBody(raw));
    return { status: 200, body: faultsView(controls.faults) };
  }
  if (key === 'POST /_sim/tokens') {
    const body = jsonBody(raw);
    if (!isObject(body) || typeof body['login'] !== 'string') return failure(400, 'body must be {login: "<email or phone>"}');
    return { status: 200, body: controls.issueTokens(body['login']) };
  }
  if (key === 'POST /_sim/tokens/expire') {
    const body = jsonBody(raw);
    if (!isObject(body) || typeof body['at'] !== 'string') return failure(400, 'body must be {at: "<access token>"}');
    controls.expireAccessToken(body['at']);
    return { status: 200, body: { ok: true } };
  }

  const online = DEVICE_ONLINE.exec(path);
  if (online && method === 'POST') {
    const body = jsonBody(raw);
    if (!isObject(body) || typeof body['online'] !== 'boolean') return failure(400, 'body must be {online: true|false}');
    const deviceid = decodeURIComponent(online[1] ?? '');
    controls.setDeviceOnline(deviceid, body['online']);
    return { status: 200, body: deviceSnapshot(controls, deviceid) };
  }
  const report = DEVICE_REPORT.exec(path);
  if (report && method === 'POST') {
    const body = jsonBody(raw);
    if (!isObject(body)) return failure(400, 'body must be the params the device reports, e.g. {"switch": "on"}');
    const deviceid = decodeURIComponent(report[1] ?? '');
    controls.reportFromDevice(deviceid, body);
    return { status: 200, body: deviceSnapshot(controls, deviceid) };
  }
  const device = DEVICE.exec(path);
  if (device && method === 'GET') return { status: 200, body: deviceSnapshot(controls, decodeURIComponent(device[1] ?? '')) };

  return failure(404, `no sim route ${method} ${path}`);
}

/** Answers a /_sim/ request; a bad body is a 400, an unknown device or login a 404. */
export function createControlAnswerer(controls: Controls) {
  return async function answerControl(method: string, path: string, raw: string, query: URLSearchParams = new URLSearchParams()): Promise<Answer> {
    try {
      return (await moveClock(controls, method, path, raw)) ?? otherControl(controls, method, path, raw, query);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return failure(error instanceof NotInSim ? 404 : 400, message);
    }
  };
}

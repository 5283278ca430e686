import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EwelinkClient } from '../../lib/ewelink/client';
import { Politeness } from '../../lib/ewelink/politeness';
import { TEST_CLOUD_LIMITS } from '../support/bridge';
import type { Credentials } from '../../lib/ewelink/types';
import { startSim, type AccountSeed, type DeviceSeed, type GsmDeviceSeed, type Sim, type SimConfig, type SimRecord } from '../../sim/index';

/*
 * Accounts for the client tests: alice (eu, e-mail) owns the switches, bob (cn, phone with a
 * leading +) owns one plug, carol (us) owns nothing. Apikeys are seeded, so results can be
 * compared with what the account really is rather than with what the client said.
 */

export const APP_ID = 'client-test-app-id';
export const APP_SECRET = 'client-test-app-secret';

export const ALICE = { email: 'alice@example.com', password: 'alice-pw', region: 'eu' as const, apikey: 'aaaaaaaa-0000-4000-8000-00000000a11c' };
export const BOB = { phoneNumber: '+8613100000001', password: 'bob-pw', region: 'cn' as const, apikey: 'bbbbbbbb-0000-4000-8000-000000000b0b' };
export const CAROL = { email: 'carol@example.com', password: 'carol-pw', region: 'us' as const, apikey: 'cccccccc-0000-4000-8000-0000000ca201' };
/** Share receivers in alice's region: dave accepts, erin refuses, frank never answers, gina accepts (and is never online unless a test opens her socket). */
export const DAVE = { email: 'dave@example.com', password: 'dave-pw', region: 'eu' as const, apikey: 'dddddddd-0000-4000-8000-00000000da7e' };
export const ERIN = { phoneNumber: '+447700900001', password: 'erin-pw', region: 'eu' as const, apikey: 'eeeeeeee-0000-4000-8000-00000000e121' };
export const FRANK = { email: 'frank@example.com', password: 'frank-pw', region: 'eu' as const, apikey: 'ffffffff-0000-4000-8000-00000000f4a2' };
export const GINA = { email: 'gina@example.com', password: 'gina-pw', region: 'eu' as const, apikey: '99999999-0000-4000-8000-000000009124' };

export const LAMP = '1000000001'; // alice, uiid 1, online, tagged
export const STRIP = '1000000004'; // alice, uiid 4 (four channels), online
export const GARAGE = '1000000009'; // alice, uiid 1, offline
export const HEATER = '1000000005'; // alice, uiid 1, online (made silent or offline by tests)
export const BOB_PLUG = '2000000001'; // bob, uiid 1, online

/** Paired Wi-Fi devices in no account (`addDevice`), with the device apikey pairing reports. */
export const UNBOUND: Required<Pick<DeviceSeed, 'deviceid' | 'devicekey'>>[] = [
  { deviceid: '3000000001', devicekey: '30000000-0000-4000-8000-000000000001' },
  { deviceid: '3000000002', devicekey: '30000000-0000-4000-8000-000000000002' },
  { deviceid: '3000000003', devicekey: '30000000-0000-4000-8000-000000000003' },
  { deviceid: '3000000004', devicekey: '30000000-0000-4000-8000-000000000004' },
  { deviceid: '3000000005', devicekey: '30000000-0000-4000-8000-000000000005' },
];

/** GSM devices in no account (`addGsmDevice`), by QR code id; the refusing ones fail with their code. */
export const GSM = {
  free1: 'GSM0000000000000001',
  free2: 'GSM0000000000000002',
  free3: 'GSM0000000000000003',
  otherBrand: 'GSM0000000000000403',
  failing500: 'GSM0000000000000500',
  failing502: 'GSM0000000000000502',
  failing503: 'GSM0000000000000503',
} as const;

function gsmSeeds(): GsmDeviceSeed[] {
  const refusals: Record<string, GsmDeviceSeed['refuseWith']> = {
    [GSM.otherBrand]: 403,
    [GSM.failing500]: 500,
    [GSM.failing502]: 502,
    [GSM.failing503]: 503,
  };
  return Object.values(GSM).map((gsmId, i) => ({
    gsmId,
    device: { deviceid: `40000000${String(i + 1).padStart(2, '0')}`, name: `GSM ${i + 1}`, uiid: 24 },
    ...(refusals[gsmId] !== undefined && { refuseWith: refusals[gsmId] }),
  }));
}

/** The sim's deviceTimeoutMs in these tests: an offline or silent device answers 504 after it. */
export const DEVICE_TIMEOUT_MS = 200;

export function seeds(): AccountSeed[] {
  return [
    {
      ...ALICE,
      devices: [
        { deviceid: LAMP, name: 'Lamp', uiid: 1, params: { switch: 'off', timers: [] }, tags: { room: 'study' } },
        { deviceid: STRIP, name: 'Strip', uiid: 4 },
        { deviceid: GARAGE, name: 'Garage', uiid: 1, online: false },
        { deviceid: HEATER, name: 'Heater', uiid: 1 },
      ],
    },
    { ...BOB, devices: [{ deviceid: BOB_PLUG, name: 'Plug', uiid: 1 }] },
    { ...CAROL },
    { ...DAVE },
    { ...ERIN, shareAnswer: 'refuse' },
    { ...FRANK, shareAnswer: 'ignore' },
    { ...GINA },
  ];
}

/** Share invitations nobody answers get 504 after this (the real cloud waits far longer). */
export const SHARE_TIMEOUT_MS = 150;
/** After a 504 the same receiver may be asked again after this (the spec's 3 minutes). */
export const SHARE_RETRY_AFTER_SEC = 0.4;

export function testSim(overrides: Partial<SimConfig> = {}): Promise<Sim> {
  return startSim({
    appId: APP_ID,
    appSecret: APP_SECRET,
    deviceTimeoutMs: DEVICE_TIMEOUT_MS,
    shareTimeoutMs: SHARE_TIMEOUT_MS,
    shareRetryAfterSec: SHARE_RETRY_AFTER_SEC,
    accounts: seeds(),
    unboundDevices: UNBOUND.map((d, i) => ({ ...d, name: `Unbound ${i + 1}`, uiid: i % 2 === 0 ? 1 : 4 })),
    unboundGsmDevices: gsmSeeds(),
    ...overrides,
  });
}

/** A v1 client aimed at the sim, keeping the suite's scaled cloud limits (its own, one per client). */
export function clientFor(apiUrl: string, overrides: { appId?: string; appSecret?: string; politeness?: Politeness } = {}): EwelinkClient {
  return new EwelinkClient({ appId: APP_ID, appSecret: APP_SECRET, apiUrl, timeoutMs: 5_000, politeness: new Politeness(TEST_CLOUD_LIMITS), ...overrides });
}

/** Tokens as a login would issue them (revoking the account's older at), as client credentials. */
export function credentialsFor(sim: Sim, login: string): Credentials & { rt: string } {
  const { at, rt, apikey, region } = sim.issueTokens(login);
  return { at, rt, apikey, region };
}

export type HttpRecord = Extract<SimRecord, { kind: 'http' }>;
export type SocketRecord = Extract<SimRecord, { kind: 'socket' }>;

export function httpLog(sim: Sim): HttpRecord[] {
  return sim.stats.log.filter((r): r is HttpRecord => r.kind === 'http');
}

export function socketLog(sim: Sim, action?: string): SocketRecord[] {
  return sim.stats.log.filter((r): r is SocketRecord => r.kind === 'socket' && (action === undefined || r.action === action));
}

/** The one HTTP request the sim logged since the last reset; fails when there were more or none. */
export function onlyHttpRecord(sim: Sim): HttpRecord {
  const records = httpLog(sim);
  if (records.length !== 1) throw new Error(`expected one HTTP request, the sim logged ${records.length}: ${records.map((r) => `${r.method} ${r.region}${r.path}`).join(', ')}`);
  return records[0] as HttpRecord;
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`rejected with a non-Error: ${String(err)}`);
  }
  throw new Error('expected a rejection, but the promise resolved');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves with the first event `name` that `match` accepts, or rejects after timeoutMs. */
export function nextEvent<T>(emitter: NodeJS.EventEmitter, name: string, match: (value: T) => boolean = () => true, timeoutMs = 2_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(name, listener);
      reject(new Error(`no matching '${name}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    function listener(value: T) {
      if (!match(value)) return;
      clearTimeout(timer);
      emitter.off(name, listener);
      resolve(value);
    }
    emitter.on(name, listener);
  });
}

/**
 * A pass-through HTTP server in front of the sim that keeps each request line exactly as it
 * arrived (the sim's log holds the query only decoded). Clients aim at `apiUrlTemplate`.
 */
export interface WireTap {
  readonly apiUrlTemplate: string;
  /** `METHOD /raw/path?raw=query`, in arrival order. */
  readonly lines: string[];
  close(): Promise<void>;
}

export async function startWireTap(sim: Sim): Promise<WireTap> {
  const lines: string[] = [];
  const server: Server = createServer((req, res) => {
    lines.push(`${req.method} ${req.url}`);
    const upstream = httpRequest(
      { host: '127.0.0.1', port: sim.port, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${sim.port}` } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 502, msg: err.message }));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrlTemplate: `http://127.0.0.1:${port}/{region}`,
    lines,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

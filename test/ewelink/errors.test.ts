import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EwelinkClient } from '../../lib/ewelink/client';
import {
  AccessTokenExpired,
  AlreadyExists,
  AuthFailed,
  AuthRefused,
  BadRequest,
  CloudFailure,
  cloudError,
  DeviceTimeout,
  EmailNotActivated,
  EwelinkError,
  Forbidden,
  NotFound,
  PathNotAllowed,
  RefreshTokenExpired,
  RegionRedirect,
  TooManyRequests,
  WrongVerificationCode,
} from '../../lib/ewelink/errors';
import type { Region } from '../../lib/ewelink/hosts';
import { closeHttpPools } from '../../lib/ewelink/http';
import type { Sim } from '../../sim/index';
import { ALICE, APP_ID, clientFor, credentialsFor, GARAGE, httpLog, LAMP, rejection, sleep, testSim } from './fixture';

/*
 * Every error code the simulated cloud can produce, as the typed error the client throws;
 * then cloudError() alone, for every code the spec documents.
 */

type ErrorClass = abstract new (...args: never[]) => EwelinkError;

let sim: Sim;
let client: EwelinkClient;

beforeAll(async () => {
  sim = await testSim();
  client = clientFor(sim.apiUrlTemplate);
});
afterAll(async () => {
  await closeHttpPools();
  await sim.close();
});
beforeEach(() => sim.stats.reset());

interface SimErrorCase {
  what: string;
  act(): Promise<unknown>;
  type: ErrorClass;
  code: number;
  operation: string;
  /** The request the sim must have logged (the one it refused). */
  logged: string;
}

const simCases: SimErrorCase[] = [
  {
    what: 'wrong password',
    act: () => client.login({ email: ALICE.email }, 'not-the-password', 'eu'),
    type: AuthFailed,
    code: 401,
    operation: 'login',
    logged: 'POST eu /api/user/login',
  },
  {
    what: 'unknown account',
    act: () => client.login({ email: 'nobody@example.com' }, 'whatever', 'eu'),
    type: NotFound,
    code: 404,
    operation: 'login',
    logged: 'POST eu /api/user/login',
  },
  {
    what: 'unknown app id',
    act: () => clientFor(sim.apiUrlTemplate, { appId: 'some-other-app-id' }).login({ email: ALICE.email }, ALICE.password, 'eu'),
    type: AuthRefused,
    code: 406,
    operation: 'login',
    logged: 'POST eu /api/user/login',
  },
  {
    what: 'bad app secret (signature does not match)',
    act: () => clientFor(sim.apiUrlTemplate, { appSecret: 'not-the-secret' }).login({ email: ALICE.email }, ALICE.password, 'eu'),
    type: AuthFailed,
    code: 401,
    operation: 'login',
    logged: 'POST eu /api/user/login',
  },
  {
    what: 'expired access token',
    act() {
      const creds = credentialsFor(sim, ALICE.email);
      sim.expireAccessToken(creds.at);
      return client.devices(creds);
    },
    type: AccessTokenExpired,
    code: 402,
    operation: 'deviceList',
    logged: 'GET eu /api/user/device',
  },
  {
    what: 'access token revoked by a newer login',
    async act() {
      const old = credentialsFor(sim, ALICE.email);
      await client.login({ email: ALICE.email }, ALICE.password, 'eu');
      sim.stats.reset();
      return client.devices(old);
    },
    type: AuthFailed,
    code: 401,
    operation: 'deviceList',
    logged: 'GET eu /api/user/device',
  },
  {
    what: 'setStatus to an offline device',
    act: () => client.setStatus(credentialsFor(sim, ALICE.email), GARAGE, { switch: 'on' }),
    type: DeviceTimeout,
    code: 504,
    operation: 'setStatus',
    logged: 'POST eu /api/user/device/status',
  },
  {
    what: 'a param value the device refuses',
    act: () => client.setStatus(credentialsFor(sim, ALICE.email), LAMP, { switch: 'maybe' }),
    type: BadRequest,
    code: 400,
    operation: 'setStatus',
    logged: 'POST eu /api/user/device/status',
  },
  {
    what: 'unknown device (device)',
    act: () => client.device(credentialsFor(sim, ALICE.email), '1999999999'),
    type: NotFound,
    code: 404,
    operation: 'device',
    logged: 'GET eu /api/user/device/1999999999',
  },
  {
    what: 'unknown device (getStatus)',
    act: () => client.getStatus(credentialsFor(sim, ALICE.email), '1999999999'),
    type: NotFound,
    code: 404,
    operation: 'getStatus',
    logged: 'GET eu /api/user/device/status',
  },
];

describe('typed errors from the simulated cloud', () => {
  it.each(simCases)('$what → $type.name ($code)', async (row) => {
    // Act
    const err = await rejection(row.act());

    // Assess
    expect(err).toBeInstanceOf(row.type);
    expect(err).toBeInstanceOf(EwelinkError);
    expect(err).toMatchObject({ code: row.code, operation: row.operation });
    expect(err.message.startsWith(`${row.operation}: `)).toBe(true);
    const last = httpLog(sim).at(-1);
    expect(last && `${last.method} ${last.region} ${last.path}`).toBe(row.logged);
  });

  it('unknown app id: the sim saw the other app id in the body', async () => {
    // Act
    await rejection(clientFor(sim.apiUrlTemplate, { appId: 'some-other-app-id' }).login({ email: ALICE.email }, ALICE.password, 'eu'));

    // Assess
    const body = JSON.parse(httpLog(sim)[0]?.body ?? '{}') as { appid?: string };
    expect(body.appid).toBe('some-other-app-id');
    expect(body.appid).not.toBe(APP_ID);
  });

  it('a dead refresh token → RefreshTokenExpired (402)', async () => {
    // Prepare: a cloud whose rt lives one second
    const shortLived = await testSim({ rtLifetimeSec: 1 });
    try {
      const shortClient = clientFor(shortLived.apiUrlTemplate);
      const { rt } = credentialsFor(shortLived, ALICE.email);
      await sleep(1_100);

      // Act
      const err = await rejection(shortClient.refresh(rt, 'eu'));

      // Assess
      expect(err).toBeInstanceOf(RefreshTokenExpired);
      expect(err).toMatchObject({ code: 402, operation: 'refresh' });
      expect(err.message).toMatch(/^refresh: /);
      expect(shortLived.stats.byPath['GET /api/user/refresh']).toBe(1);
    } finally {
      await shortLived.close();
    }
  });
});

interface CodeCase {
  code: number;
  operation: string;
  region?: Region;
  type: ErrorClass;
}

const codeCases: CodeCase[] = [
  { code: 301, operation: 'login', region: 'us', type: RegionRedirect },
  { code: 301, operation: 'login', type: CloudFailure },
  { code: 400, operation: 'setStatus', type: BadRequest },
  { code: 401, operation: 'login', type: AuthFailed },
  { code: 401, operation: 'deviceList', type: AuthFailed },
  { code: 402, operation: 'login', type: EmailNotActivated },
  { code: 402, operation: 'refresh', type: RefreshTokenExpired },
  { code: 402, operation: 'deviceList', type: AccessTokenExpired },
  { code: 402, operation: 'dispatch', type: AccessTokenExpired },
  { code: 403, operation: 'dispatch', type: Forbidden },
  { code: 404, operation: 'login', type: NotFound },
  { code: 404, operation: 'device', type: NotFound },
  { code: 406, operation: 'userOnline', type: AuthRefused },
  { code: 407, operation: 'login', type: PathNotAllowed },
  { code: 409, operation: 'register', type: AlreadyExists },
  { code: 498, operation: 'register', type: WrongVerificationCode },
  { code: 503, operation: 'update', type: DeviceTimeout },
  { code: 504, operation: 'setStatus', type: DeviceTimeout },
  { code: 503, operation: 'sms', type: CloudFailure },
  { code: 504, operation: 'sms', type: CloudFailure },
  { code: 160038, operation: 'sms', type: TooManyRequests },
  { code: 500, operation: 'dispatch', type: CloudFailure },
  { code: 12345, operation: 'deviceList', type: CloudFailure },
];

describe('cloudError(code, operation)', () => {
  it.each(codeCases)('$code on $operation (region $region) → $type.name', ({ code, operation, region, type }) => {
    // Act
    const err = cloudError(code, operation, undefined, region);

    // Assess
    expect(err).toBeInstanceOf(type);
    expect(err).toBeInstanceOf(EwelinkError);
    expect(err.name).toBe(type.name);
    expect(err.code).toBe(code);
    expect(err.operation).toBe(operation);
    expect(err.message.startsWith(`${operation}: `)).toBe(true);
    if (type === RegionRedirect) {
      expect((err as RegionRedirect).region).toBe(region);
      expect(err.message).toContain(`"${region}"`);
    }
  });

  it('appends what the cloud said', () => {
    // Act
    const err = cloudError(400, 'setStatus', 'switch must be "on" or "off"');

    // Assess
    expect(err.message).toMatch(/^setStatus: .*\(cloud said: switch must be "on" or "off"\)$/);
  });

  it('an unknown code names itself in the message', () => {
    expect(cloudError(12345, 'deviceList').message).toContain('12345');
  });
});

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
  deviceAddError,
  DeviceTimeout,
  EmailNotActivated,
  EwelinkError,
  Forbidden,
  WrongDeviceKey,
  NotFound,
  passwordChangeError,
  NotAvailableForApp,
  RefreshTokenExpired,
  RegionRedirect,
  ShareTimeout,
  TooManyRequests,
  WrongVerificationCode,
} from '../../lib/ewelink/errors';
import type { Region } from '../../lib/ewelink/hosts';
import { closeHttpPools } from '../../lib/ewelink/http';
import type { Sim } from '../../sim/index';
import { ALICE, APP_ID, BOB, BOB_PLUG, CAROL, clientFor, credentialsFor, DAVE, GARAGE, GSM, httpLog, LAMP, rejection, testSim, UNBOUND } from './fixture';

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

  // Verification codes, registration, passwords
  {
    what: 'sms: the same address again within the interval (160038)',
    async act() {
      await client.sendVerificationCode({ email: 'twice@example.com' }, '0', 'eu');
      return client.sendVerificationCode({ email: 'twice@example.com' }, '0', 'eu');
    },
    type: TooManyRequests,
    code: 160038,
    operation: 'sms',
    logged: 'POST eu /api/sms',
  },
  {
    what: 'sms for registering an address that has an account (409)',
    act: () => client.sendVerificationCode({ email: ALICE.email }, '0', 'eu'),
    type: AlreadyExists,
    code: 409,
    operation: 'sms',
    logged: 'POST eu /api/sms',
  },
  {
    what: 'sms for resetting the password of no account (401: the account does not exist)',
    act: () => client.sendVerificationCode({ phoneNumber: '+8613199999999' }, '1', 'cn'),
    type: NotFound,
    code: 401,
    operation: 'sms',
    logged: 'POST cn /api/sms',
  },
  {
    what: 'register an address that has an account (409)',
    act: () => client.register({ phoneNumber: BOB.phoneNumber }, 'whatever-pw', '1234', 'cn'),
    type: AlreadyExists,
    code: 409,
    operation: 'register',
    logged: 'POST cn /api/user/register',
  },
  {
    what: 'register with a wrong verification code (498)',
    async act() {
      await client.sendVerificationCode({ email: 'wrongcode@example.com' }, '0', 'eu');
      return client.register({ email: 'wrongcode@example.com' }, 'new-pw-1', otherThan(sim.verificationCode('wrongcode@example.com')), 'eu');
    },
    type: WrongVerificationCode,
    code: 498,
    operation: 'register',
    logged: 'POST eu /api/user/register',
  },
  {
    what: 'register with a code sent for a password reset (498)',
    async act() {
      await client.sendVerificationCode({ email: CAROL.email }, '1', 'us');
      return client.register({ email: 'newbie@example.com' }, 'new-pw-1', sim.verificationCode(CAROL.email), 'us');
    },
    type: WrongVerificationCode,
    code: 498,
    operation: 'register',
    logged: 'POST us /api/user/register',
  },
  {
    what: 'resetPassword with a wrong verification code (498)',
    async act() {
      await client.sendVerificationCode({ phoneNumber: BOB.phoneNumber }, '1', 'cn');
      return client.resetPassword({ phoneNumber: BOB.phoneNumber }, 'new-pw-1', otherThan(sim.verificationCode(BOB.phoneNumber)), 'cn');
    },
    type: WrongVerificationCode,
    code: 498,
    operation: 'resetPassword',
    logged: 'POST cn /api/user/password/reset',
  },
  {
    what: 'resetPassword of no account (401)',
    act: () => client.resetPassword({ email: 'nobody@example.com' }, 'new-pw-1', '1234', 'eu'),
    type: AuthFailed,
    code: 401,
    operation: 'resetPassword',
    logged: 'POST eu /api/user/password/reset',
  },
  {
    what: 'changePassword with a wrong old password (the legacy {error: "<text>"} answer)',
    act: () => client.changePassword(credentialsFor(sim, ALICE.email), 'not-the-password', 'new-pw-1'),
    type: AuthFailed,
    code: 401,
    operation: 'changePassword',
    logged: 'POST eu /api/user/password',
  },

  // Adding devices: the legacy {code, error: "<text>"} failures
  {
    what: 'addGsmDevice without a name (code 400)',
    act: () => client.addGsmDevice(credentialsFor(sim, ALICE.email), { id: GSM.free2, name: '' }),
    type: BadRequest,
    code: 400,
    operation: 'addGsmDevice',
    logged: 'POST eu /api/user/device/addGsm',
  },
  {
    what: 'addGsmDevice with a malformed id (code 401: not an auth failure)',
    act: () => client.addGsmDevice(credentialsFor(sim, ALICE.email), { id: 'not a gsm id!', name: 'Gate' }),
    type: BadRequest,
    code: 401,
    operation: 'addGsmDevice',
    logged: 'POST eu /api/user/device/addGsm',
  },
  {
    what: 'addGsmDevice of another brand (code 403)',
    act: () => client.addGsmDevice(credentialsFor(sim, ALICE.email), { id: GSM.otherBrand, name: 'Gate' }),
    type: Forbidden,
    code: 403,
    operation: 'addGsmDevice',
    logged: 'POST eu /api/user/device/addGsm',
  },
  {
    what: 'addGsmDevice of an id the cloud does not know (code 404, "fd data is null")',
    act: () => client.addGsmDevice(credentialsFor(sim, ALICE.email), { id: 'GSM0000000000000999', name: 'Gate' }),
    type: NotFound,
    code: 404,
    operation: 'addGsmDevice',
    logged: 'POST eu /api/user/device/addGsm',
  },
  {
    what: 'addGsmDevice of a device another account holds (code 409)',
    async act() {
      await client.addGsmDevice(credentialsFor(sim, BOB.phoneNumber), { id: GSM.free3, name: 'Bob gate' });
      return client.addGsmDevice(credentialsFor(sim, ALICE.email), { id: GSM.free3, name: 'Gate' });
    },
    type: AlreadyExists,
    code: 409,
    operation: 'addGsmDevice',
    logged: 'POST eu /api/user/device/addGsm',
  },
  ...([500, 502, 503] as const).map((code) => ({
    what: `addGsmDevice failing in the cloud (code ${code})`,
    act: () => client.addGsmDevice(credentialsFor(sim, ALICE.email), { id: GSM[`failing${code}`], name: 'Gate' }),
    type: CloudFailure,
    code,
    operation: 'addGsmDevice',
    logged: 'POST eu /api/user/device/addGsm',
  })),
  {
    what: 'addDevice of a device another account holds (code 409)',
    act: () => client.addDevice(credentialsFor(sim, ALICE.email), { deviceid: BOB_PLUG, apikey: 'any', name: 'Plug' }),
    type: AlreadyExists,
    code: 409,
    operation: 'addDevice',
    logged: 'POST eu /api/user/device/add',
  },
  {
    what: 'addDevice of an unknown device (code 404)',
    act: () => client.addDevice(credentialsFor(sim, ALICE.email), { deviceid: '3999999999', apikey: 'any', name: 'Ghost' }),
    type: NotFound,
    code: 404,
    operation: 'addDevice',
    logged: 'POST eu /api/user/device/add',
  },
  {
    what: 'addDevice with the wrong device apikey (code 403, a text naming the apikey)',
    act: () => client.addDevice(credentialsFor(sim, ALICE.email), { deviceid: UNBOUND[4]?.deviceid ?? '', apikey: 'not-its-key', name: 'Spare' }),
    type: WrongDeviceKey,
    code: 403,
    operation: 'addDevice',
    logged: 'POST eu /api/user/device/add',
  },

  // Managing devices and groups
  {
    what: 'deleteDevice of another account’s device (404)',
    act: () => client.deleteDevice(credentialsFor(sim, ALICE.email), BOB_PLUG),
    type: NotFound,
    code: 404,
    operation: 'deleteDevice',
    logged: `DELETE eu /api/user/device/${BOB_PLUG}`,
  },
  {
    what: 'renameDevice of an unknown device (404)',
    act: () => client.renameDevice(credentialsFor(sim, ALICE.email), '1999999999', 'Ghost'),
    type: NotFound,
    code: 404,
    operation: 'renameDevice',
    logged: 'POST eu /api/user/device/1999999999',
  },
  {
    what: 'renameDevice to an empty name (400)',
    act: () => client.renameDevice(credentialsFor(sim, ALICE.email), LAMP, ''),
    type: BadRequest,
    code: 400,
    operation: 'renameDevice',
    logged: `POST eu /api/user/device/${LAMP}`,
  },
  {
    what: 'setChannelNames with a key that is not a channel number (400)',
    act: () => client.setChannelNames(credentialsFor(sim, ALICE.email), LAMP, { first: 'Hall' }),
    type: BadRequest,
    code: 400,
    operation: 'setChannelNames',
    logged: 'POST eu /api/user/tags',
  },
  {
    what: 'deviceHistory of another account’s device (404)',
    act: () => client.deviceHistory(credentialsFor(sim, ALICE.email), BOB_PLUG),
    type: NotFound,
    code: 404,
    operation: 'deviceHistory',
    logged: 'POST eu /api/user/deviceHistory',
  },
  {
    what: 'updateGroup of an unknown group (404)',
    act: () => client.updateGroup(credentialsFor(sim, ALICE.email), 'no-such-group', { name: 'X', index: 0 }),
    type: NotFound,
    code: 404,
    operation: 'updateGroup',
    logged: 'PUT eu /api/group',
  },
  {
    what: 'deleteGroup of an unknown group (404)',
    act: () => client.deleteGroup(credentialsFor(sim, ALICE.email), 'no-such-group'),
    type: NotFound,
    code: 404,
    operation: 'deleteGroup',
    logged: 'DELETE eu /api/group',
  },
  {
    what: 'createGroup with a blank name (400)',
    act: () => client.createGroup(credentialsFor(sim, ALICE.email), '  ', 0),
    type: BadRequest,
    code: 400,
    operation: 'createGroup',
    logged: 'POST eu /api/group',
  },
  {
    what: 'moveDevices into an unknown group (404)',
    act: () => client.moveDevices(credentialsFor(sim, ALICE.email), [{ deviceid: LAMP, to: 'no-such-group' }]),
    type: NotFound,
    code: 404,
    operation: 'moveDevices',
    logged: 'POST eu /api/group/addDevice',
  },
];

/** A four-digit code that is not `code`. */
function otherThan(code: string): string {
  return code === '0000' ? '0001' : '0000';
}

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

  it('sms for an account of another region (301) is followed: asked at us, sent at eu', async () => {
    // Act: the address in other letter case is the same account
    await client.sendVerificationCode({ email: DAVE.email.toUpperCase() }, '3', 'us');

    // Assess
    expect(httpLog(sim).map((r) => `${r.method} ${r.region} ${r.path}`)).toEqual(['POST us /api/sms', 'POST eu /api/sms']);
    expect(sim.verificationCode(DAVE.email)).toMatch(/^\d{4}$/);
  });

  it('deviceHistory with pageSize but no currentPage → BadRequest, and nothing is sent', async () => {
    // Act
    const err = await rejection(client.deviceHistory(credentialsFor(sim, ALICE.email), LAMP, { pageSize: 10 }));

    // Assess
    expect(err).toBeInstanceOf(BadRequest);
    expect(err).toMatchObject({ code: 400, operation: 'deviceHistory' });
    expect(err.message).toMatch(/pageSize and currentPage/);
    expect(httpLog(sim)).toEqual([]);
  });

  it.each([
    { startTime: Date.now() },
    { startTime: -1 },
    { currentPage: 0, pageSize: 10 },
    { startTime: 200, endTime: 100 },
  ])('deviceHistory(%o) → BadRequest before sending', async (query) => {
    expect(await rejection(client.deviceHistory(credentialsFor(sim, ALICE.email), LAMP, query))).toBeInstanceOf(BadRequest);
    expect(httpLog(sim)).toEqual([]);
  });

  it('moveDevices([]) → BadRequest, and nothing is sent', async () => {
    expect(await rejection(client.moveDevices(credentialsFor(sim, ALICE.email), []))).toMatchObject({ name: 'BadRequest', operation: 'moveDevices' });
    expect(httpLog(sim)).toEqual([]);
  });

  it('a dead refresh token → RefreshTokenExpired (402)', async () => {
    // Prepare: a cloud whose rt lives one minute, its clock moved to the end of it
    const shortLived = await testSim({ rtLifetimeSec: 60, clock: { mode: 'manual', start: Date.parse('2026-03-02T00:00:00Z') } });
    try {
      const shortClient = clientFor(shortLived.apiUrlTemplate);
      const { rt } = credentialsFor(shortLived, ALICE.email);
      await shortLived.clock.advance(60_000);

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
  { code: 407, operation: 'login', type: NotAvailableForApp },
  { code: 409, operation: 'register', type: AlreadyExists },
  { code: 498, operation: 'register', type: WrongVerificationCode },
  { code: 503, operation: 'update', type: DeviceTimeout },
  { code: 504, operation: 'setStatus', type: DeviceTimeout },
  { code: 503, operation: 'sms', type: CloudFailure },
  { code: 504, operation: 'sms', type: CloudFailure },
  { code: 160038, operation: 'sms', type: TooManyRequests },
  { code: 301, operation: 'sms', region: 'us', type: RegionRedirect },
  { code: 401, operation: 'sms', type: NotFound },
  { code: 409, operation: 'sms', type: AlreadyExists },
  { code: 401, operation: 'resetPassword', type: AuthFailed },
  { code: 498, operation: 'resetPassword', type: WrongVerificationCode },
  { code: 504, operation: 'share', type: ShareTimeout },
  { code: 504, operation: 'updateShare', type: ShareTimeout },
  { code: 403, operation: 'share', type: Forbidden },
  { code: 403, operation: 'update', type: Forbidden },
  { code: 406, operation: 'share', type: AuthRefused },
  { code: 500, operation: 'updateShare', type: CloudFailure },
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

describe('ShareTimeout', () => {
  it('says the receiver must be online and may be asked again after 3 minutes', () => {
    const err = cloudError(504, 'share', 'no answer');
    expect(err).toMatchObject({ name: 'ShareTimeout', code: 504, operation: 'share' });
    expect(err.message).toMatch(/online/);
    expect(err.message).toMatch(/3 minutes/);
    expect(err.message).toContain('(cloud said: no answer)');
    expect(err).not.toBeInstanceOf(DeviceTimeout);
  });
});

interface AddCase {
  code: number | undefined;
  text: string;
  type: ErrorClass;
  /** The code the error carries. */
  expected: number;
}

// The spec's failure list for adding a GSM device, texts verbatim.
const addCases: AddCase[] = [
  { code: 400, text: 'Device name, id and apikey must not be empty!', type: BadRequest, expected: 400 },
  { code: 401, text: 'Invalid device id format!', type: BadRequest, expected: 401 },
  { code: 500, text: 'Add device failed!', type: CloudFailure, expected: 500 },
  { code: 404, text: 'fd data is null', type: NotFound, expected: 404 },
  { code: 403, text: 'Device not belong to this brand!', type: Forbidden, expected: 403 },
  { code: 409, text: 'Device has already been added!', type: AlreadyExists, expected: 409 },
  { code: 409, text: 'Device belongs to other user!', type: AlreadyExists, expected: 409 },
  { code: 502, text: 'find brand failed!', type: CloudFailure, expected: 502 },
  { code: 503, text: 'find modelInfo failed!', type: CloudFailure, expected: 503 },
  // Without a code, the text decides.
  { code: undefined, text: 'fd data is null', type: NotFound, expected: 404 },
  { code: undefined, text: 'Device belongs to other user!', type: AlreadyExists, expected: 409 },
  { code: undefined, text: 'Invalid device id format!', type: BadRequest, expected: 401 },
  { code: undefined, text: 'something new', type: CloudFailure, expected: 0 },
];

describe('deviceAddError(code, text)', () => {
  it.each(addCases)('$code "$text" → $type.name', ({ code, text, type, expected }) => {
    // Act
    const err = deviceAddError(code, text, 'addGsmDevice');

    // Assess
    expect(err).toBeInstanceOf(type);
    expect(err).toMatchObject({ code: expected, operation: 'addGsmDevice' });
    expect(err.message).toMatch(/^addGsmDevice: /);
    expect(err.message).toContain(`(cloud said: ${text})`);
  });
});

describe('passwordChangeError(text)', () => {
  it.each([
    { text: 'Old password is incorrect!', type: AuthFailed, code: 401 },
    { text: 'old password error', type: AuthFailed, code: 401 },
    { text: 'The password is wrong', type: AuthFailed, code: 401 },
    { text: 'newPassword must not be empty', type: BadRequest, code: 400 },
    { text: 'Server busy', type: CloudFailure, code: 0 },
  ])('"$text" → $type.name', ({ text, type, code }) => {
    const err = passwordChangeError(text);
    expect(err).toBeInstanceOf(type);
    expect(err).toMatchObject({ code, operation: 'changePassword' });
    expect(err.message).toContain(text);
  });
});

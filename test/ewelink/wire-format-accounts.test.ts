import { beforeAll, expect } from 'vitest';
import type { EwelinkClient } from '../../lib/ewelink/client';
import { AuthFailed } from '../../lib/ewelink/errors';
import type { TokenGrant } from '../../lib/ewelink/types';
import type { Sim } from '../../sim/index';
import { BOB, DAVE, ERIN, rejection, type WireTap } from './fixture';
import { describeWireCases, useWireEnv, type WireCase } from './wire-harness';

/*
 * The conformance rows of the account operations: verification codes, registration,
 * password reset and change. wire-harness.ts says what each row checks.
 */

const wire = useWireEnv();
let sim: Sim;
let tap: WireTap;
let client: EwelinkClient;
beforeAll(() => ({ sim, tap, client } = wire()));

/** A grant whose tokens the sim honours: the account's device list answers with them. */
async function assessGrant(grant: TokenGrant, expected: { region: string; email?: string; phoneNumber?: string }) {
  expect(grant.at).toMatch(/^[0-9a-f]{40}$/);
  expect(grant.rt).toMatch(/^[0-9a-f]{40}$/);
  expect(grant.region).toBe(expected.region);
  expect(grant.user).toMatchObject({ ...(expected.email && { email: expected.email }), ...(expected.phoneNumber && { phoneNumber: expected.phoneNumber }) });
  expect(await client.devices({ at: grant.at, apikey: grant.user.apikey, region: grant.region })).toEqual([]);
}

/** A code sent over the wire for the address, as the sim holds it. */
async function codeFor(identity: { email: string } | { phoneNumber: string }, sendType: '0' | '1', region: 'eu' | 'cn'): Promise<string> {
  await client.sendVerificationCode(identity, sendType, region);
  return sim.verificationCode('email' in identity ? identity.email : identity.phoneNumber);
}

const cases: WireCase[] = [
  {
    operation: 'sendVerificationCode to an e-mail address (register)',
    act: () => client.sendVerificationCode({ email: 'newcomer@example.com' }, '0', 'eu'),
    method: 'POST',
    path: '/api/sms',
    region: 'eu',
    auth: 'sign',
    fields: () => ({ sendType: '0', email: 'newcomer@example.com' }),
    absent: ['to', 'phoneNumber'],
    result(value) {
      expect(value).toBeUndefined();
      expect(sim.verificationCode('newcomer@example.com')).toMatch(/^\d{4}$/);
    },
  },
  {
    operation: 'sendVerificationCode to a phone number (reset), the number in `to`',
    act: () => client.sendVerificationCode({ phoneNumber: BOB.phoneNumber }, '1', 'cn'),
    method: 'POST',
    path: '/api/sms',
    region: 'cn',
    auth: 'sign',
    fields: () => ({ sendType: '1', to: '+8613100000001' }),
    absent: ['email', 'phoneNumber'],
    result: (value) => {
      expect(value).toBeUndefined();
      expect(sim.verificationCode(BOB.phoneNumber)).toMatch(/^\d{4}$/);
    },
  },
  {
    operation: 'register by e-mail',
    prepare: () => codeFor({ email: 'ida@example.com' }, '0', 'eu'),
    act: ({ data }) => client.register({ email: 'ida@example.com' }, 'ida-pw-1', data, 'eu'),
    method: 'POST',
    path: '/api/user/register',
    region: 'eu',
    auth: 'sign',
    fields: ({ data }) => ({ email: 'ida@example.com', password: 'ida-pw-1', verificationCode: data }),
    absent: ['phoneNumber'],
    result: (value) => assessGrant(value as TokenGrant, { region: 'eu', email: 'ida@example.com' }),
  },
  {
    operation: 'register by +86 phone number at cn',
    prepare: () => codeFor({ phoneNumber: '+8613100000077' }, '0', 'cn'),
    act: ({ data }) => client.register({ phoneNumber: '+8613100000077' }, 'jo-pw-1', data, 'cn'),
    method: 'POST',
    path: '/api/user/register',
    region: 'cn',
    auth: 'sign',
    fields: ({ data }) => ({ phoneNumber: '+8613100000077', password: 'jo-pw-1', verificationCode: data }),
    absent: ['email'],
    result: (value) => assessGrant(value as TokenGrant, { region: 'cn', phoneNumber: '+8613100000077' }),
  },
  {
    operation: 'register by e-mail at cn: the spec puts the account in as, and the grant says so',
    prepare: () => codeFor({ email: 'kim@example.com' }, '0', 'cn'),
    act: ({ data }) => client.register({ email: 'kim@example.com' }, 'kim-pw-1', data, 'cn'),
    method: 'POST',
    path: '/api/user/register',
    region: 'cn',
    auth: 'sign',
    fields: ({ data }) => ({ email: 'kim@example.com', password: 'kim-pw-1', verificationCode: data }),
    result: (value) => assessGrant(value as TokenGrant, { region: 'as', email: 'kim@example.com' }),
  },
  {
    operation: 'resetPassword: new password, fresh tokens, the old access token revoked',
    login: DAVE.email,
    prepare: () => codeFor({ email: DAVE.email }, '1', 'eu'),
    act: ({ data }) => client.resetPassword({ email: DAVE.email }, 'dave-new-pw', data, 'eu'),
    method: 'POST',
    path: '/api/user/password/reset',
    region: 'eu',
    auth: 'sign',
    fields: ({ data }) => ({ email: DAVE.email, password: 'dave-new-pw', verificationCode: data }),
    absent: ['phoneNumber', 'newPassword'],
    async result(value, { creds }) {
      const grant = value as TokenGrant;
      expect(grant.user.apikey).toBe(DAVE.apikey);
      await assessGrant(grant, { region: 'eu', email: DAVE.email });
      expect(await rejection(client.devices(creds))).toBeInstanceOf(AuthFailed);
      expect((await client.login({ email: DAVE.email }, 'dave-new-pw', 'eu')).user.apikey).toBe(DAVE.apikey);
    },
  },
  {
    operation: 'changePassword: the legacy {message} answer is success',
    login: ERIN.phoneNumber,
    act: ({ creds }) => client.changePassword(creds, ERIN.password, 'erin-new-pw'),
    method: 'POST',
    path: '/api/user/password',
    region: 'eu',
    auth: 'bearer',
    fields: () => ({ oldPassword: ERIN.password, newPassword: 'erin-new-pw' }),
    async result(value, { creds }) {
      expect(value).toBeUndefined();
      // The session's tokens stay good; the new password logs in, the old one no longer does.
      expect(await client.devices(creds)).toEqual([]);
      expect((await client.login({ phoneNumber: ERIN.phoneNumber }, 'erin-new-pw', 'eu')).user.apikey).toBe(ERIN.apikey);
      expect(await rejection(client.login({ phoneNumber: ERIN.phoneNumber }, ERIN.password, 'eu'))).toBeInstanceOf(AuthFailed);
    },
  },
];

describeWireCases('wire format per account operation', () => ({ sim, tap, client }), cases);

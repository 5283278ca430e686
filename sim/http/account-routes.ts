import type { Region } from '../../lib/ewelink/hosts';
import type { Account } from '../accounts/account-book';
import { optionalString, requiredString, type Fields } from '../fields';
import { regionForCountryCode } from '../accounts/regions';
import { Refusal } from '../errors';
import type { BearerRoute, Call, CloudRoute, SignRoute } from './cloud-route';
import { SEND_TYPES, type SendType } from '../accounts/verification-codes';
import { userView } from '../views';

/*
 * The account routes: the Sign-authorised ones called before there is a token (region,
 * login, refresh, verification codes, registration, password reset), and the password change.
 */

/** 301 naming the account's region when the call addressed another one. */
export function redirectUnlessHome(account: Account, call: Pick<Call, 'region'>): void {
  if (account.region !== call.region) {
    throw new Refusal(301, `the account belongs to region ${account.region}`, { region: account.region });
  }
}

function tokenAnswer(account: Account, at: string, rt: string, appId: string) {
  return { at, rt, user: userView(account, appId), region: account.region };
}

const region: SignRoute = {
  method: 'GET',
  path: '/api/user/region',
  auth: 'sign',
  host: 'global',
  handle(call) {
    const countryCode = optionalString(call.input, 'country_code');
    return {
      region: regionForCountryCode(countryCode),
      error: 0,
      // A GET without a nonce is answered too (as the real cloud did); its requestid starts with '-'.
      requestid: `${String(call.input['nonce'] ?? '')}-${String(call.input['ts'])}`,
    };
  },
};

const login: SignRoute = {
  method: 'POST',
  path: '/api/user/login',
  auth: 'sign',
  handle(call, ctx) {
    const phoneNumber = optionalString(call.input, 'phoneNumber');
    const email = optionalString(call.input, 'email');
    const password = requiredString(call.input, 'password');
    if (phoneNumber === undefined && email === undefined) throw new Refusal(400, 'email or phoneNumber is required');

    const account = ctx.book.findForLogin(phoneNumber !== undefined ? { phoneNumber } : { email });
    if (!account) throw new Refusal(404, 'user does not exist');
    redirectUnlessHome(account, call);
    if (account.password !== password) throw new Refusal(401, 'wrong account or password');

    const { at, rt } = ctx.tokens.issue(account);
    return tokenAnswer(account, at, rt, ctx.settings.appId);
  },
};

const refresh: SignRoute = {
  method: 'GET',
  path: '/api/user/refresh',
  auth: 'sign',
  handle(call, ctx) {
    const grantType = requiredString(call.input, 'grantType');
    if (grantType !== 'refresh') throw new Refusal(400, 'grantType must be "refresh"');
    const rt = requiredString(call.input, 'rt');

    const account = ctx.tokens.refreshOwner(rt);
    if (!account) throw new Refusal(402, 'refresh token expired or not known');
    redirectUnlessHome(account, call);
    const at = ctx.tokens.refresh(rt);
    if (!at) throw new Refusal(402, 'refresh token expired or not known');
    return tokenAnswer(account, at, rt, ctx.settings.appId);
  },
};

type Identity = { email: string; phoneNumber?: undefined } | { phoneNumber: string; email?: undefined };

/** `email` or `phoneNumber`, exactly one (the spec's example sends `email: ""` beside a phone number: empty is absent). */
function identity(input: Fields): Identity {
  const email = optionalString(input, 'email');
  const phoneNumber = optionalString(input, 'phoneNumber');
  if (email !== undefined && phoneNumber !== undefined) throw new Refusal(400, 'send email or phoneNumber, not both');
  if (email !== undefined) return { email };
  if (phoneNumber !== undefined) return { phoneNumber };
  throw new Refusal(400, 'email or phoneNumber is required');
}

function address(who: Identity): string {
  return who.email ?? who.phoneNumber;
}

const sms: SignRoute = {
  method: 'POST',
  path: '/api/sms',
  auth: 'sign',
  handle(call, ctx) {
    const sendType = requiredString(call.input, 'sendType');
    if (!(SEND_TYPES as readonly string[]).includes(sendType)) throw new Refusal(400, 'sendType must be "0", "1", "3" or "4"');
    const email = optionalString(call.input, 'email');
    const to = optionalString(call.input, 'to');
    if (email !== undefined && to !== undefined) throw new Refusal(400, 'send email or to, never both');
    const addressee = email ?? to;
    if (addressee === undefined) throw new Refusal(400, 'email (an e-mail address) or to (a phone number) is required');

    const account = ctx.book.findForLogin(to !== undefined ? { phoneNumber: to } : { email });
    if (sendType === '0' && account) throw new Refusal(409, 'the user is registered already');
    if (sendType === '1' || sendType === '3') {
      if (!account) throw new Refusal(401, 'the account does not exist');
      redirectUnlessHome(account, call);
    }
    const sending = ctx.codes.send(addressee, sendType as SendType);
    if (!sending.ok) throw new Refusal(160038, `codes are sent at most once a minute: wait ${sending.waitSec} s`);
    return { error: 0 };
  },
};

/**
 * The region an account registered at `asked` lives in. The spec: at the cn host, only +86
 * numbers stay in cn; e-mail addresses and other numbers are registered in as.
 */
function homeRegion(asked: Region, who: Identity): Region {
  if (asked === 'cn' && !who.phoneNumber?.startsWith('+86')) return 'as';
  return asked;
}

function regionOf(call: Call): Region {
  if (call.region === null) throw new Refusal(400, 'ask a region host, not the global one');
  return call.region;
}

const register: SignRoute = {
  method: 'POST',
  path: '/api/user/register',
  auth: 'sign',
  handle(call, ctx) {
    const who = identity(call.input);
    const code = requiredString(call.input, 'verificationCode');
    const password = requiredString(call.input, 'password');
    if (ctx.book.findForLogin(who)) throw new Refusal(409, 'the user exists already');
    if (!ctx.codes.redeem(address(who), code, ['0', '4'])) throw new Refusal(498, 'the verification code is wrong');

    const account = ctx.book.add({ ...who, password, region: homeRegion(regionOf(call), who) });
    const { at, rt } = ctx.tokens.issue(account);
    return tokenAnswer(account, at, rt, ctx.settings.appId);
  },
};

const resetPassword: SignRoute = {
  method: 'POST',
  path: '/api/user/password/reset',
  auth: 'sign',
  handle(call, ctx) {
    const who = identity(call.input);
    const code = requiredString(call.input, 'verificationCode');
    const password = requiredString(call.input, 'password');
    const account = ctx.book.findForLogin(who);
    if (!account) throw new Refusal(401, 'the account does not exist');
    redirectUnlessHome(account, call);
    if (!ctx.codes.redeem(address(who), code, ['1'])) throw new Refusal(498, 'the verification code is wrong');

    account.password = password;
    // As a login does: the account's older access tokens stop working.
    const { at, rt } = ctx.tokens.issue(account);
    return tokenAnswer(account, at, rt, ctx.settings.appId);
  },
};

/** The spec's own words for this legacy route's answers. */
const PASSWORD_CHANGED = 'Change password is success!';
const WRONG_OLD_PASSWORD = 'Old password is incorrect!';

const changePassword: BearerRoute = {
  method: 'POST',
  path: '/api/user/password',
  auth: 'bearer',
  handle(call) {
    const oldPassword = requiredString(call.input, 'oldPassword');
    const newPassword = requiredString(call.input, 'newPassword');
    // A legacy answer: `{error: "<text>"}` for failure, `{message}` for success; the tokens stay valid.
    if (oldPassword !== call.account.password) return { error: WRONG_OLD_PASSWORD };
    call.account.password = newPassword;
    return { message: PASSWORD_CHANGED };
  },
};

export const ACCOUNT_ROUTES: readonly CloudRoute[] = [region, login, refresh, sms, register, resetPassword, changePassword];

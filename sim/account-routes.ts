import type { Account } from './accounts';
import { optionalString, requiredString } from './fields';
import { regionForCountryCode } from './regions';
import { Refusal } from './errors';
import type { Call, SignRoute } from './route-types';
import { userView } from './views';

/*
 * The Sign-authorised routes, called before there is a token. Register, SMS and password
 * reset would be more rows here.
 */

function redirectUnlessHome(account: Account, call: Call): void {
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
      requestid: `${String(call.input['nonce'])}-${String(call.input['ts'])}`,
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

export const ACCOUNT_ROUTES: readonly SignRoute[] = [region, login, refresh];

import { Refusal } from '../errors';
import { optionalString, requiredString } from '../fields';
import { familyIdOf, familyViews } from '../views';
import { redirectUnlessHome } from './account-routes';
import type { V2BearerRoute, V2Route, V2SignRoute } from './v2-route';

/*
 * The v2 account routes a personal app id may call: the OAuth 2.0 token exchange and unlink,
 * the refresh, and the account's families (homes).
 */

const exchangeCode: V2SignRoute = {
  method: 'POST',
  path: '/v2/user/oauth/token',
  host: 'apia',
  auth: 'sign',
  handle(call, ctx) {
    const code = requiredString(call.input, 'code');
    const redirectUrl = requiredString(call.input, 'redirectUrl');
    if (requiredString(call.input, 'grantType') !== 'authorization_code') throw new Refusal(400, 'grantType must be "authorization_code"');

    const grant = ctx.oauthCodes.usable(code);
    if (!grant) throw new Refusal(401, 'the code is not known, was exchanged already, or has expired: sign in again');
    if (grant.redirectUrl !== redirectUrl) throw new Refusal(400, 'redirectUrl differs from the one the code was issued for');
    redirectUnlessHome(grant.account, call);
    ctx.oauthCodes.spend(code);

    const issued = ctx.tokens.issue(grant.account);
    return { accessToken: issued.at, atExpiredTime: issued.atExpiresAt, refreshToken: issued.rt, rtExpiredTime: issued.rtExpiresAt };
  },
};

const unlink: V2BearerRoute = {
  method: 'DELETE',
  path: '/v2/user/oauth/token',
  host: 'apia',
  auth: 'bearer',
  handle(call, ctx) {
    ctx.tokens.revoke(call.at);
    return {};
  },
};

const refresh: V2SignRoute = {
  method: 'POST',
  path: '/v2/user/refresh',
  host: 'apia',
  auth: 'sign',
  handle(call, ctx) {
    const rt = requiredString(call.input, 'rt');
    const account = ctx.tokens.refreshOwner(rt);
    if (!account) throw new Refusal(402, 'refresh token expired or not known');
    redirectUnlessHome(account, call);
    const at = ctx.tokens.refresh(rt);
    if (!at) throw new Refusal(402, 'refresh token expired or not known');
    // The rt is kept, as the v1 refresh keeps it. No `user`: the notes make it optional, and a
    // client must not count on it for the apikey.
    return { at, rt };
  },
};

const families: V2BearerRoute = {
  method: 'GET',
  path: '/v2/family',
  host: 'apia',
  auth: 'bearer',
  handle(call) {
    optionalString(call.input, 'lang');
    return { familyList: familyViews(call.account), currentFamilyId: familyIdOf(call.account) };
  },
};

export const V2_ACCOUNT_ROUTES: readonly V2Route[] = [exchangeCode, unlink, refresh, families];

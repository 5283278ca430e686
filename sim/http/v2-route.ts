import type { Region } from '../../lib/ewelink/hosts';
import type { Account } from '../accounts/account-book';
import type { SimContext } from '../context';
import type { Fields } from '../fields';

/*
 * How the simulated cloud declares one of its v2 routes (the `{region}-apia` REST hosts and the
 * `{region}-dispa` dispatch hosts): the auth it takes, and the handler that answers a call with
 * the `data` of the `{error, msg, data}` envelope.
 */

export interface V2Call {
  readonly method: string;
  /** Without region prefix or query. */
  readonly path: string;
  /** The region host addressed. */
  readonly region: Region | null;
  /** The JSON body for POST/PUT, the decoded query for GET/DELETE: v2 adds no common fields to either. */
  readonly input: Fields;
}

export interface V2BearerCall extends V2Call {
  /** The account whose at authorised the call. */
  readonly account: Account;
  readonly at: string;
}

interface V2RouteBase {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  /** Which host answers it: the REST host or the dispatch host. */
  readonly host: 'apia' | 'dispa';
}

/** The token calls: `X-CK-Appid` and `Authorization: Sign <HMAC of the exact body>`. */
export interface V2SignRoute extends V2RouteBase {
  readonly auth: 'sign';
  handle(call: V2Call, ctx: SimContext): Fields | Promise<Fields>;
}

/** Everything else on the REST host: `Authorization: Bearer <at>`, at the account's region. */
export interface V2BearerRoute extends V2RouteBase {
  readonly auth: 'bearer';
  handle(call: V2BearerCall, ctx: SimContext): Fields | Promise<Fields>;
}

/** The dispatch host: no auth, and a bare answer (`{IP, port, domain, reason}`) rather than the envelope. */
export interface V2OpenRoute extends V2RouteBase {
  readonly auth: 'none';
  handle(call: V2Call, ctx: SimContext): Fields | Promise<Fields>;
}

export type V2Route = V2SignRoute | V2BearerRoute | V2OpenRoute;

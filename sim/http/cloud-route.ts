import type { Region } from '../../lib/ewelink/hosts';
import type { Account } from '../accounts/account-book';
import type { SimContext } from '../context';
import type { Fields } from '../fields';

/*
 * How the simulated cloud declares one of its own HTTP routes (CloudRoute), as opposed to the
 * bridge's API routes in lib: the auth it takes, and the handler that answers a Call.
 */

export interface Call {
  readonly method: string;
  /** Without region prefix or query. */
  readonly path: string;
  /** The region host addressed; null for the global host. */
  readonly region: Region | null;
  /** Where the fields are: the JSON body for POST/PUT, the decoded query for GET/DELETE. */
  readonly input: Fields;
  /** `:name` segments of the route's path. */
  readonly pathParams: Record<string, string>;
}

export interface BearerCall extends Call {
  /** The account whose at authorised the call. */
  readonly account: Account;
}

interface RouteBase {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path with `:name` segments, e.g. '/api/user/device/:deviceid'. */
  readonly path: string;
  /** 'global': answered only by the region-less host; 'region' (default): by the region hosts. */
  readonly host?: 'global' | 'region';
}

/** Answered before login: `Authorization: Sign <HMAC>`. */
export interface SignRoute extends RouteBase {
  readonly auth: 'sign';
  handle(call: Call, ctx: SimContext): Fields | Promise<Fields>;
}

/** Answered for a logged-in account: `Authorization: Bearer <at>`, at the account's region. */
export interface BearerRoute extends RouteBase {
  readonly auth: 'bearer';
  handle(call: BearerCall, ctx: SimContext): Fields | Promise<Fields>;
}

export type CloudRoute = SignRoute | BearerRoute;

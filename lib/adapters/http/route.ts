import type { TObject } from '@sinclair/typebox';
import type { Bridge } from '../../bridge';
import { Type, type Static, type TSchema } from '../../schema';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Tag = 'devices' | 'sharing' | 'groups' | 'timers' | 'scenes' | 'webhooks' | 'keys' | 'accounts' | 'api';

/**
 * What a route's handler returns and how it goes out: `json` (the default) a value sent as
 * JSON; `html` a page for a person's browser (its failures are pages too, with the same
 * statuses and codes); `redirect` the URL to send the browser to (302).
 */
export type AnswerKind = 'json' | 'html' | 'redirect';

/** What a handler receives: every part checked and typed before it runs. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The bridge account the API key speaks for ('' on routes without one). */
  accountId: string;
  /** The id of the API key the call came with ('' on routes without one). */
  keyId: string;
  /** `https://host` the caller reached the bridge at, for URLs handed out. */
  baseUrl: string;
}

/**
 * One route of the HTTP API, declared once: the router checks its parts against these
 * schemas, and the OpenAPI document is generated from the same declaration.
 */
export interface RouteSpec<P extends TObject, Q extends TObject, B extends TSchema> {
  method: Method;
  /** Path pattern with `{name}` segments; `params` declares each. */
  path: string;
  /** `apiKey`: `Authorization: Bearer <API key>`; `none`: public (a webhook's secret is in its path). */
  auth: 'apiKey' | 'none';
  summary: string;
  description?: string;
  tag: Tag;
  params?: P;
  query?: Q;
  /** The JSON body; routes without one ignore whatever is sent (IFTTT sends its own). */
  body?: B;
  /** Default `json`. */
  answers?: AnswerKind;
  ok: { status: 200 | 201 | 204 | 302; description: string; schema?: TSchema };
  /**
   * Statuses particular to this route, and when they happen (the common ones are derived; 401
   * is derived for API-key routes only, so a route with its own secret declares it here).
   */
  errors?: Partial<Record<400 | 401 | 403 | 404 | 409 | 422 | 429 | 504, string>>;
  /**
   * Whether a failure of the eWeLink cloud fails the route (so 502 can happen); default true.
   * A route that reports each cloud failure inside its answer (a scene run) says false. `v2`: it
   * calls only the v2 API, which every kind of app id may call, so it never answers 501.
   */
  cloud?: boolean | 'v2';
  handle(input: RouteInput<Static<P>, Static<Q>, Static<B>>, bridge: Bridge): Promise<unknown>;
}

/** A declared route, its types erased: what the router, the document and the stack list. */
export type Route = RouteSpec<TObject, TObject, TSchema>;

/** A route whose handler's input types follow from its schemas. */
export function route<P extends TObject = TObject, Q extends TObject = TObject, B extends TSchema = TSchema>(spec: RouteSpec<P, Q, B>): Route {
  return spec as unknown as Route;
}

/** The path parameters of a route, each by its schema. */
export function pathParams<T extends Record<string, TSchema>>(params: T) {
  return Type.Object(params, { additionalProperties: false });
}

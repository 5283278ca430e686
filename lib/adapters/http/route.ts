import type { TObject } from '@sinclair/typebox';
import type { Bridge } from '../../bridge';
import { Type, type Static, type TSchema } from '../../schema';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Tag = 'devices' | 'sharing' | 'groups' | 'timers' | 'scenes' | 'webhooks' | 'keys' | 'accounts' | 'assistants' | 'api';

/**
 * What a route's handler returns and how it goes out: `json` (the default) a value sent as
 * JSON; `html` a page for a person's browser (a `Page`, or its HTML); `redirect` the URL to
 * send the browser to (302); `oauth` an OAuth 2.0 token answer (RFC 6749, section 5): JSON
 * that is never cached; `assistant` a voice assistant's own message, which picks its status
 * too: the handler returns an `AssistantAnswer`, sent as JSON with its status.
 */
export type AnswerKind = 'json' | 'html' | 'redirect' | 'oauth' | 'assistant';

/** What an `assistant` route's handler returns: the status and JSON body the assistant expects, failures included. */
export interface AssistantAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * How a route's failures go out: `json` the bridge's `{error: {code, message, requestId}}`;
 * `page` an HTML page saying the same (for a person's browser); `oauth` RFC 6749's
 * `{error, error_description}`, with its statuses (400, or 401 for a client that failed to
 * authenticate). Refusals before routing (a body over the limit, a bad path) are `json` everywhere.
 */
export type FailureFormat = 'json' | 'page' | 'oauth';

/** How a route's body is written: JSON, or an HTML form's `application/x-www-form-urlencoded` (every value text). */
export type BodyEncoding = 'json' | 'form';

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
  /** The request's headers, names in lower case (OAuth clients authenticate with `authorization: Basic …`). */
  headers: Record<string, string | undefined>;
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
  /** The body; routes without one ignore whatever is sent (IFTTT sends its own). */
  body?: B;
  /** How the body is written (default `json`); a form's fields are checked against `body` as text. */
  bodyEncoding?: BodyEncoding;
  /** Default `json`. */
  answers?: AnswerKind;
  /** Default: `page` for `html` routes, `oauth` for `oauth` ones, `json` otherwise. */
  failures?: FailureFormat;
  ok: { status: 200 | 201 | 204 | 302; description: string; schema?: TSchema };
  /**
   * Statuses particular to this route, and when they happen (the common ones are derived; 401
   * is derived for API-key routes only, so a route with its own secret declares it here).
   */
  errors?: Partial<Record<400 | 401 | 403 | 404 | 409 | 422 | 429 | 503 | 504, string>>;
  /**
   * Whether the route takes an `Idempotency-Key` header (lib/adapters/http/idempotency.ts): a
   * repeat with the same key within 24 h gets the first answer and does not act again. The
   * document then declares the header, the replay header and the 409 and 422 it brings.
   */
  idempotent?: boolean;
  /**
   * With `idempotent`: what of a success is kept for repeats, when not all of it may be (a secret
   * shown once is stored only as its hash, never in an answer kept for a day). Default: all of it.
   */
  keptForRepeats?: (answer: unknown) => unknown;
  /**
   * Whether a failure of the eWeLink cloud fails the route (so 502 can happen); default true.
   * A route that reports each cloud failure inside its answer (a scene run) says false. `v2`: it
   * calls only the v2 API, which every kind of app id may call, so it never answers 501.
   */
  cloud?: boolean | 'v2';
  handle(input: RouteInput<Static<P>, Static<Q>, Static<B>>, bridge: Bridge): Promise<unknown>;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The token of an `Authorization: Bearer <token>` header; undefined for any other header or none. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return BEARER.exec(authorization ?? '')?.[1];
}

/** A declared route, its types erased: what the router, the document and the stack list. */
export type Route = RouteSpec<TObject, TObject, TSchema>;

/**
 * How a route's failures go out (see `FailureFormat`).
 *
 * @example
 * if (failureFormat(route) === 'page') return errorPage(status, body.error);
 */
export function failureFormat(route: Pick<Route, 'answers' | 'failures'>): FailureFormat {
  return route.failures ?? (route.answers === 'html' ? 'page' : route.answers === 'oauth' ? 'oauth' : 'json');
}

/** A route whose handler's input types follow from its schemas. */
export function route<P extends TObject = TObject, Q extends TObject = TObject, B extends TSchema = TSchema>(spec: RouteSpec<P, Q, B>): Route {
  return spec as unknown as Route;
}

/** The path parameters of a route, each by its schema. */
export function pathParams<T extends Record<string, TSchema>>(params: T) {
  return Type.Object(params, { additionalProperties: false });
}

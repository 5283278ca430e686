import type { JsonSchema, TSchema } from '../../schema';
import { ERROR, OAUTH_ERROR } from './answers';
import { MAX_BODY_BYTES } from './errors';
import { IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY, REPLAYED_HEADER } from './idempotency';
import { failureFormat, type Route } from './route';

/*
 * The OpenAPI 3.1 document, generated from the route declarations: the same schemas the
 * router checks with. Every schema with an `$id` becomes a named component and is referred
 * to by `$ref`; the error statuses a route shares with others are derived from what it
 * declares (a body, parameters, an API key, whether it calls the cloud).
 */

const COMMON_ERRORS: Record<number, { name: string; description: string }> = {
  400: { name: 'MalformedJson', description: 'the body is not JSON (`malformed_json`)' },
  401: { name: 'Unauthorized', description: 'missing or wrong API key (`unauthorized`)' },
  413: { name: 'PayloadTooLarge', description: `the body is larger than ${MAX_BODY_BYTES} bytes (\`payload_too_large\`); nothing was read` },
  422: {
    name: 'InvalidInput',
    description: 'a field or parameter is missing, unknown or out of range (`invalid_input`; `error.field` names it). Nothing was sent to the cloud or stored.',
  },
  429: {
    name: 'RateLimited',
    description: "the API key's rate limit is spent (`rate_limited`; 10 calls a second with bursts of 20 unless the key has its own); `Retry-After` says in how many seconds a call is taken again. Nothing was done.",
  },
  502: {
    name: 'CloudFailed',
    description: 'the device refused the params (`device_refused`), the stored eWeLink tokens were refused (`cloud_auth`: link the account again), or the cloud cannot be reached (`cloud_unavailable`)',
  },
  501: {
    name: 'NotAvailableForApp',
    description:
      "the operation is not open to the account's kind of eWeLink app id (`not_available_for_app`): an account linked through the eWeLink OAuth login (v2, all a personal app id may call) has no groups, renaming, channel names, history, sharing or device adding, or the cloud refused the call for this app id (a personal app id may use only the OAuth login and the v2 API). Nothing was sent; the message says which kind of app id allows it.",
  },
  503: {
    name: 'NotReady',
    description: "the bridge's database cannot be reached (`store_unavailable`), no eWeLink tokens are stored for the account yet (`account_not_linked`), or the app credentials are not configured (`not_configured`)",
  },
};

/** Copies a schema for the document, moving every `$id` schema into `components` and referring to it. */
function hoister(components: Record<string, JsonSchema>) {
  const visit = (node: unknown, root: boolean): unknown => {
    if (Array.isArray(node)) return node.map((n) => visit(n, false));
    if (node === null || typeof node !== 'object') return node;
    const schema = node as JsonSchema;
    if (!root && typeof schema.$id === 'string') return refTo(schema);
    const out: JsonSchema = {};
    for (const key of Object.keys(schema)) if (key !== '$id') out[key] = visit(schema[key], false);
    return out;
  };
  const refTo = (schema: JsonSchema): JsonSchema => {
    const name = schema.$id as string;
    if (!components[name]) {
      components[name] = {};
      components[name] = visit(schema, true) as JsonSchema;
    }
    return { $ref: `#/components/schemas/${name}` };
  };
  return (schema: TSchema): JsonSchema => (typeof (schema as JsonSchema).$id === 'string' ? refTo(schema as JsonSchema) : (visit(schema, true) as JsonSchema));
}

/** Whether a parameter's schema can refuse a value (a bare string cannot). */
function constrained(schema: JsonSchema): boolean {
  return ['pattern', 'format', 'enum', 'const', 'anyOf', 'maximum', 'minimum', 'maxLength'].some((k) => k in schema) || (typeof schema.minLength === 'number' && schema.minLength > 0) || schema.type !== 'string';
}

function parameters(route: Route, doc: (s: TSchema) => JsonSchema): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
    if (!schema) continue;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    for (const [name, prop] of Object.entries(schema.properties as Record<string, TSchema>)) {
      const described = doc(prop);
      out.push({ name, in: where, required: where === 'path' || required.has(name), ...(described.description ? { description: described.description } : {}), schema: described });
    }
  }
  if (route.idempotent) {
    const described = doc(IDEMPOTENCY_KEY);
    out.push({ name: IDEMPOTENCY_HEADER, in: 'header', required: false, description: described.description, schema: described });
  }
  return out;
}

/** The statuses an `Idempotency-Key` brings to a route that takes one. */
const IDEMPOTENCY_ERRORS: Record<number, string> = {
  409: `a request with the same \`${IDEMPOTENCY_HEADER}\` is still being served (\`idempotency_key_in_flight\`); \`Retry-After\` says in how many seconds to repeat it. Nothing was done`,
  422: `the \`${IDEMPOTENCY_HEADER}\` was given to another request within 24 hours (\`idempotency_key_reused\`), or is not 1 to 255 visible ASCII characters (\`invalid_input\`, \`error.field\` is \`${IDEMPOTENCY_HEADER}\`). Nothing was done`,
};

/** The header of an answer given again to a repeat of an `Idempotency-Key`. */
const REPLAYED = { [REPLAYED_HEADER]: { description: `\`true\` when this is the answer to an earlier request with the same \`${IDEMPOTENCY_HEADER}\`, given again: nothing was done this time`, schema: { type: 'string', const: 'true' } } };

/** The statuses of an OAuth 2.0 token endpoint's refusals (RFC 6749, section 5.2). */
const OAUTH_ERRORS: Record<number, string> = {
  400: 'the request is refused: `invalid_request` (a parameter is missing, repeated or malformed), `invalid_grant` (the code or refresh token is unknown, used, expired, of another client, or its link has ended; a wrong PKCE `code_verifier`; another `redirect_uri`), `unsupported_grant_type`, `unauthorized_client` or `invalid_scope`',
  401: 'the client failed to authenticate (`invalid_client`): unknown, removed, or a wrong secret',
  503: "the bridge's database cannot be reached (`server_error`)",
};

/** The statuses a route can answer with besides its success, each with when it happens. */
export function errorStatuses(route: Route): Map<number, string> {
  const out = new Map<number, string>();
  const params = route.params ? Object.values(route.params.properties as Record<string, JsonSchema>) : [];
  if (failureFormat(route) === 'oauth') {
    for (const [status, text] of Object.entries({ ...OAUTH_ERRORS, 413: COMMON_ERRORS[413]!.description, ...route.errors })) out.set(Number(status), text as string);
    return new Map([...out].sort(([a], [b]) => a - b));
  }
  if (route.body && route.bodyEncoding !== 'form') out.set(400, COMMON_ERRORS[400]!.description);
  if (route.auth === 'apiKey') out.set(401, COMMON_ERRORS[401]!.description);
  out.set(413, COMMON_ERRORS[413]!.description);
  // A body taken as any JSON (an assistant's message, which its route judges itself) refuses nothing.
  const bodyChecked = route.body !== undefined && (route.body as JsonSchema).type !== undefined;
  if (bodyChecked || route.query || params.some(constrained)) out.set(422, COMMON_ERRORS[422]!.description);
  if (route.auth === 'apiKey') out.set(429, COMMON_ERRORS[429]!.description);
  if (route.cloud !== false && route.cloud !== 'v2') out.set(501, COMMON_ERRORS[501]!.description);
  if (route.cloud !== false) out.set(502, COMMON_ERRORS[502]!.description);
  if (route.cloud !== false || route.auth === 'apiKey') out.set(503, COMMON_ERRORS[503]!.description);
  for (const [status, text] of Object.entries({ ...route.errors }).concat(route.idempotent ? Object.entries(IDEMPOTENCY_ERRORS) : [])) {
    const shared = out.get(Number(status));
    out.set(Number(status), shared ? `${shared}; ${text}` : (text as string));
  }
  return new Map([...out].sort(([a], [b]) => a - b));
}

/** `PATCH /devices/{id}/shares/{uid}` → `patchDevicesIdSharesUid`. */
function operationId(route: Route): string {
  const words = route.path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return route.method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/** The header of every OAuth token answer. */
const NO_STORE = { 'Cache-Control': { description: 'token answers are never cached', schema: { type: 'string', const: 'no-store' } } };

/** A page for a person's browser: HTML, every piece of text escaped. */
const PAGE_CONTENT = { 'text/html': { schema: { type: 'string', description: 'a plain HTML page' } } };

/** The success response: JSON by its schema, a page, or a redirect with its `Location`. */
function success(route: Route, doc: (s: TSchema) => JsonSchema): JsonSchema {
  const { description, schema } = route.ok;
  if (route.answers === 'oauth') return { description, headers: NO_STORE, content: { 'application/json': { schema: doc(schema as TSchema) } } };
  if (route.answers === 'redirect') return { description, headers: { Location: { description: 'where the browser goes next', schema: { type: 'string', format: 'uri' } } } };
  if (route.answers === 'html') return { description, content: PAGE_CONTENT };
  const headers = route.idempotent ? { headers: REPLAYED } : {};
  return schema ? { description, ...headers, content: { 'application/json': { schema: doc(schema) } } } : { description, ...headers };
}

function build(routes: readonly Route[]): JsonSchema {
  const schemas: Record<string, JsonSchema> = {};
  const doc = hoister(schemas);
  const errorRef = doc(ERROR);
  const errorContent = { 'application/json': { schema: errorRef } };
  const oauthErrorContent = { 'application/json': { schema: doc(OAUTH_ERROR) } };
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const responses: Record<string, unknown> = { [route.ok.status]: success(route, doc) };
    for (const [status, description] of errorStatuses(route)) {
      const shared = COMMON_ERRORS[status];
      // A page route's failures are pages, and the token endpoint's RFC 6749 errors, except the refusals before routing (a body over the limit), which are the bridge's JSON everywhere.
      const format = failureFormat(route);
      if (route.answers === 'assistant' && route.errors?.[status as keyof Route['errors']]) {
        // The assistant's own refusals; a 400 may also be the bridge's, for a body that is not JSON at all.
        const reply = doc(route.ok.schema as TSchema);
        responses[status] = { description, content: { 'application/json': { schema: status === 400 ? { anyOf: [errorRef, reply] } : reply } } };
      } else if (format === 'page' && status !== 413) responses[status] = { description, content: PAGE_CONTENT };
      else if (format === 'oauth' && status !== 413) responses[status] = { description, headers: NO_STORE, content: oauthErrorContent };
      else responses[status] = shared && shared.description === description ? { $ref: `#/components/responses/${shared.name}` } : { description, content: errorContent };
    }
    const params = parameters(route, doc);
    const op: JsonSchema = {
      operationId: operationId(route),
      summary: route.summary,
      tags: [route.tag],
      security: route.auth === 'apiKey' ? [{ apiKey: [] }] : [],
      responses,
    };
    if (route.description) op.description = route.description;
    if (params.length > 0) op.parameters = params;
    if (route.body) op.requestBody = { required: true, content: { [route.bodyEncoding === 'form' ? 'application/x-www-form-urlencoded' : 'application/json']: { schema: doc(route.body) } } };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ewelink-bridge',
      version: '1',
      description:
        'Drive eWeLink (Sonoff) devices over HTTPS: read and switch them, manage devices, groups and shares, mint webhooks, and link voice assistants (an OAuth 2.0 authorization server). Errors are `{"error": {"code", "message", "field"?, "requestId"}}`, as pages on the routes meant for a browser; the OAuth token endpoint answers the RFC 6749 shape `{"error", "error_description"}`. A path with a `.` or `..` segment (also percent-encoded) is refused with 400 `bad_path` before routing.',
    },
    tags: [
      { name: 'devices', description: 'state, control and management of the devices' },
      { name: 'sharing', description: 'sharing devices with other eWeLink accounts' },
      { name: 'groups', description: 'device groups, as the eWeLink app shows them' },
      { name: 'timers', description: "device timers, kept by the bridge and pushed as each device's full timer array" },
      { name: 'scenes', description: 'named sets of device commands, run on demand or on a schedule the devices run themselves' },
      { name: 'webhooks', description: 'URLs bound to one device action' },
      { name: 'keys', description: "the account's API keys" },
      { name: 'accounts', description: 'linking the account to eWeLink through its OAuth 2.0 login page' },
      { name: 'assistants', description: "linking voice assistants (Alexa, Google) to a bridge account: the bridge's own OAuth 2.0 authorization server" },
      { name: 'api', description: 'about this API' },
    ],
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'an API key from `npx ewelink-bridge create-api-key`' } },
      schemas,
      responses: Object.fromEntries(Object.values(COMMON_ERRORS).map(({ name, description }) => [name, { description, content: errorContent }])),
    },
  };
}

let document: JsonSchema | undefined;

/**
 * The API's OpenAPI 3.1 document, built on first use; with `serverUrl` (where the caller
 * reached the bridge) it names that as the server.
 *
 * @example
 * const doc = openApiDocument(routes, 'https://abc123.execute-api.eu-west-1.amazonaws.com');
 */
export function openApiDocument(routes: readonly Route[], serverUrl?: string): JsonSchema {
  document ??= build(routes);
  return serverUrl ? { ...document, servers: [{ url: serverUrl }] } : document;
}

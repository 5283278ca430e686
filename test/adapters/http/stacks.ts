import { createServer } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { request } from 'undici';
import { httpApiHandler } from '../../../lib/adapters/http/lambda';
import type { Route } from '../../../lib/adapters/http/route';
import { matchRoute } from '../../../lib/adapters/http/router';
import { wireBridge, type Bridge, type BridgeParts, type BridgeTuning } from '../../../lib/bridge';
import type { BridgeConfig } from '../../../lib/config';
import type { JsonSchema } from '../../../lib/schema';
import { serveApi, type ServeOptions } from '../../../local/api-server';
import { answerBody } from '../../support/answers';
import { simCloudConfig, TEST_CLOUD_LIMITS, type Harness } from '../../support/bridge';

/*
 * The HTTP API over parts other than the harness's own: the same handler behind the same
 * local server, wired to a cloud or a database that is not there. The variants share the
 * harness's table (its tokens, API key and cached devices) unless the table is what is gone.
 */

export interface ApiAnswer {
  status: number;
  /** The body parsed as JSON; undefined when there was none. */
  body: any;
  /** The body as sent. */
  text: string;
  contentType: string | undefined;
  /** A redirect's `Location`. */
  location?: string;
  /** The answer's headers, names in lower case (none from a handler invoked directly). */
  headers?: Record<string, string | string[] | undefined>;
}

export interface CallOptions {
  body?: unknown;
  raw?: string;
  /** false: no key; a string: that key; true (default): the stack's own. */
  auth?: boolean | string;
  /** Headers sent besides. */
  headers?: Record<string, string>;
}

export type Call = (method: string, path: string, options?: CallOptions) => Promise<ApiAnswer>;

/**
 * How a body goes to the route a request names: as a form where the route takes one (its
 * fields as text), else as JSON.
 */
export function encodedBody(method: string, path: string, body: unknown): { contentType: string; text: string | undefined } {
  let form = false;
  try {
    form = matchRoute(method, path.split('?')[0] as string).route.bodyEncoding === 'form';
  } catch {
    // No such route: sent as JSON, for the router to refuse.
  }
  if (!form) return { contentType: 'application/json', text: body === undefined ? undefined : JSON.stringify(body) };
  const fields = Object.entries((body ?? {}) as Record<string, unknown>).map(([name, value]): [string, string] => [name, String(value)]);
  return { contentType: 'application/x-www-form-urlencoded', text: body === undefined ? undefined : new URLSearchParams(fields).toString() };
}

/** Calls the API served at `url`, with `apiKey` unless told otherwise; a body goes as the route takes it (`encodedBody`). */
export function caller(url: string, apiKey: string): Call {
  return async function callApi(method, path, { body, raw, auth = true, headers: extra = {} } = {}) {
    const encoded = encodedBody(method, path, body);
    const headers: Record<string, string> = { 'content-type': encoded.contentType, ...extra };
    if (auth) headers.authorization = `Bearer ${auth === true ? apiKey : auth}`;
    const res = await request(url + path, { method: method as 'GET', headers, body: raw ?? encoded.text });
    const text = await res.body.text();
    const header = res.headers['content-type'];
    const type = Array.isArray(header) ? header[0] : header;
    return { status: res.statusCode, body: answerBody(text, type), text, contentType: type, location: typeof res.headers.location === 'string' ? res.headers.location : undefined, headers: res.headers };
  };
}

/** A port nothing listens on: connecting to it is refused at once. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ServedBridge {
  /** What it was wired from: where its table and cloud are (or are not). */
  config: BridgeConfig;
  bridge: Bridge;
  parts: BridgeParts;
  url: string;
  call: Call;
  close(): Promise<void>;
}

/** A bridge wired from `config`, behind the local server (`serve`: each request's budget), calling with `apiKey`. */
export async function serveBridge(config: BridgeConfig, apiKey: string, tuning: BridgeTuning = {}, serve: ServeOptions = {}): Promise<ServedBridge> {
  // The suite's scaled rate limits, as the harness's bridge keeps them, in a limiter of its own.
  const { bridge, parts } = wireBridge(config, { cloudLimits: TEST_CLOUD_LIMITS, ...tuning });
  const server = await serveApi(httpApiHandler(bridge, new Logger({ serviceName: 'ewelink-bridge-test', logLevel: 'SILENT' })), 0, '127.0.0.1', serve);
  return {
    config,
    bridge,
    parts,
    url: server.url,
    call: caller(server.url, apiKey),
    async close() {
      bridge.close();
      await server.close();
    },
  };
}

export function harnessConfig(h: Harness): BridgeConfig {
  return { ...simCloudConfig(h.sim), tableName: h.table.tableName, dynamoEndpoint: h.table.endpoint };
}

/**
 * The harness's bridge with the cloud taken away: its table, tokens and key, but the cloud's
 * URL is a closed port. `coldCache` makes every device lookup go to the cloud (a device list
 * older than its TTL); otherwise the cached list is used while it is fresh.
 */
export async function withoutCloud(h: Harness, options: { coldCache?: boolean } = {}): Promise<ServedBridge> {
  const gone = `http://127.0.0.1:${await closedPort()}`;
  const cloud = { apiUrl: `${gone}/{region}`, v2ApiUrl: `${gone}/{region}-apia`, dispatchUrl: `${gone}/{region}-dispa` };
  // The harness's clock too: its key's rate-limit bucket and its ledger are dated by it.
  return serveBridge({ ...harnessConfig(h), ...cloud }, h.apiKey, { now: () => h.sim.clock.now(), ...(options.coldCache ? { deviceListTtlSec: 0 } : {}) });
}

/**
 * The harness's bridge with the cloud's app id of the personal kind: its table, tokens and key,
 * but every v1 path of that cloud answers 407, as the real cloud answers such an app id (`sim`
 * is a simulator started with `appKind: 'personal'`). Every device lookup goes to the cloud.
 */
export async function withPersonalAppId(h: Harness, sim: Harness['sim']): Promise<ServedBridge> {
  return serveBridge({ ...harnessConfig(h), apiUrl: sim.apiUrlTemplate, v2ApiUrl: sim.v2ApiUrlTemplate, dispatchUrl: sim.dispatchUrlTemplate }, h.apiKey, { deviceListTtlSec: 0 });
}

/**
 * The harness's bridge with its database taken away: `closedPort` points DynamoDB at a port
 * nothing listens on, `tableGone` at a table that does not exist. `cloudToo` takes the cloud
 * away as well.
 */
export async function withoutStore(h: Harness, options: { how?: 'closedPort' | 'tableGone'; cloudToo?: boolean } = {}): Promise<ServedBridge> {
  const config = harnessConfig(h);
  if (options.how === 'tableGone') config.tableName = `${config.tableName}-gone`;
  else config.dynamoEndpoint = `http://127.0.0.1:${await closedPort()}`;
  if (options.cloudToo) config.apiUrl = `http://127.0.0.1:${await closedPort()}/{region}`;
  return serveBridge(config, h.apiKey);
}

/**
 * The harness's bridge with its DynamoDB at `endpoint` (a faulty one, test/support/faulty-store.ts),
 * each request served within `budgetMs`.
 */
export async function withStoreAt(h: Harness, endpoint: string, budgetMs: number): Promise<ServedBridge> {
  return serveBridge({ ...harnessConfig(h), dynamoEndpoint: endpoint }, h.apiKey, {}, { budgetMs });
}

/**
 * A new instance of the harness's bridge (no socket yet, nothing in its memory), each request
 * served within `budgetMs`.
 */
export async function withBudgetMs(h: Harness, budgetMs: number): Promise<ServedBridge> {
  return serveBridge(harnessConfig(h), h.apiKey, { now: () => h.sim.clock.now() }, { budgetMs });
}

/** A call's answer, with how long it took in ms. */
export async function timed(call: () => Promise<ApiAnswer>): Promise<ApiAnswer & { ms: number }> {
  const started = Date.now();
  const answer = await call();
  return { ...answer, ms: Date.now() - started };
}

/** Values that pass each path parameter's check, for parameters whose schema gives no example. */
const PARAM_FALLBACKS: Record<string, string> = {
  timerId: '6f1d2c3b-0a9e-4f8d-b7c6-5e4d3c2b1a09',
  sceneId: '0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b',
  hookId: 'nosuchhook1',
  secret: 'nosuchsecret1',
};

/** Values for each path parameter of the route that pass its check: each schema's example, else a fallback. */
export function sampleParams(route: Route): Record<string, string> {
  const props = (route.params?.properties ?? {}) as Record<string, JsonSchema>;
  return Object.fromEntries(
    Object.entries(props).map(([name, schema]) => {
      const value = (schema.examples as string[] | undefined)?.[0] ?? PARAM_FALLBACKS[name];
      if (value === undefined) throw new Error(`no sample value for {${name}} of ${route.method} ${route.path}`);
      return [name, value];
    }),
  );
}

/** A path for the route: its sample parameters, `values` replacing some, percent-encoded. */
export function pathOf(route: Route, values: Record<string, string> = {}): string {
  const params = { ...sampleParams(route), ...values };
  return route.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(params[name] as string));
}

/** The route's body schema's first example: a body its check takes. */
export function exampleBody(route: Route): unknown {
  return ((route.body as JsonSchema | undefined)?.examples as unknown[] | undefined)?.[0];
}

/** `METHOD /pattern`, as the tables key routes. */
export function routeKey(route: Route): string {
  return `${route.method} ${route.path}`;
}

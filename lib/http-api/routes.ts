import { authorise } from '../access';
import type { Bridge } from '../app';
import { parseCommand } from '../devices/command';
import { BridgeError } from '../errors';

export interface ApiRequest {
  method: string;
  path: string;
  /** `https://host` the caller reached us at, for URLs we hand out. */
  baseUrl: string;
  headers: Record<string, string | undefined>;
  /** The raw body, or undefined when there was none. */
  body: string | undefined;
  params: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path pattern with `{name}` segments. */
  path: string;
  /** Whether an API key is required. */
  auth: boolean;
  run(req: ApiRequest, bridge: Bridge, accountId: string): Promise<ApiResponse>;
}

const MAX_BODY = 64 * 1024;

/** The JSON body as a value; 400 when it is not JSON, 422 when it is empty. */
export function jsonBody(req: ApiRequest): unknown {
  if (req.body === undefined || req.body.trim() === '') throw new BridgeError('invalid_input', 'body: a JSON body is required', 'body');
  if (req.body.length > MAX_BODY) throw new BridgeError('invalid_input', `body: larger than ${MAX_BODY} bytes`, 'body');
  try {
    return JSON.parse(req.body);
  } catch {
    throw new BridgeError('malformed_json', 'the body is not valid JSON');
  }
}

const DEVICE_ID = /^[A-Za-z0-9_-]{1,64}$/;

function deviceId(req: ApiRequest): string {
  const id = req.params.id ?? '';
  if (!DEVICE_ID.test(id)) throw new BridgeError('invalid_input', 'id: not a device id', 'id');
  return id;
}

/** Every route of the bridge's HTTP API: the one list the router, the docs and the stack follow. */
export const routes: Route[] = [
  {
    method: 'GET',
    path: '/devices',
    auth: true,
    async run(_req, bridge, accountId) {
      const devices = await bridge.directory.list(accountId);
      return {
        status: 200,
        body: { devices: devices.map(({ deviceid, name, uiid, online, channels }) => ({ deviceid, name, uiid, online, channels })) },
      };
    },
  },
  {
    method: 'GET',
    path: '/devices/{id}',
    auth: true,
    async run(req, bridge, accountId) {
      return { status: 200, body: await bridge.controller.state(accountId, deviceId(req)) };
    },
  },
  {
    method: 'POST',
    path: '/devices/{id}/control',
    auth: true,
    async run(req, bridge, accountId) {
      const id = deviceId(req);
      const command = parseCommand(jsonBody(req));
      return { status: 200, body: await bridge.controller.control(accountId, id, command) };
    },
  },
  {
    method: 'POST',
    path: '/hooks',
    auth: true,
    async run(req, bridge, accountId) {
      const hook = await bridge.webhooks.create(accountId, jsonBody(req));
      const url = `${req.baseUrl}/hooks/${hook.hookId}/${hook.secret}`;
      return { status: 201, body: { ...hook, url, note: 'the secret is shown only now; store the URL' } };
    },
  },
  {
    method: 'POST',
    path: '/hooks/{hookId}/{secret}',
    auth: false,
    async run(req, bridge) {
      // Whatever body the caller sends (IFTTT sends its own) is not read: the hook's action is fixed.
      return { status: 200, body: await bridge.webhooks.run(req.params.hookId ?? '', req.params.secret ?? '') };
    },
  },
];

/** The route and its path parameters for a request, or why there is none. */
export function matchRoute(method: string, path: string): { route: Route; params: Record<string, string> } | { miss: 404 | 405 } {
  const segments = path.replace(/\/+$/, '').split('/');
  let pathMatched = false;
  for (const route of routes) {
    const pattern = route.path.split('/');
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((part, i) => {
      const seg = segments[i] ?? '';
      if (part.startsWith('{')) {
        if (!seg) return false;
        try {
          params[part.slice(1, -1)] = decodeURIComponent(seg);
        } catch {
          return false;
        }
        return true;
      }
      return part === seg;
    });
    if (!ok) continue;
    pathMatched = true;
    if (route.method === method) return { route, params };
  }
  return { miss: pathMatched ? 405 : 404 };
}

/** Routes a request: authorises, runs, and returns the response (errors are thrown). */
export async function dispatchRequest(req: Omit<ApiRequest, 'params'>, bridge: Bridge): Promise<ApiResponse & { route?: string }> {
  const match = matchRoute(req.method, req.path);
  if ('miss' in match) {
    const code = match.miss === 404 ? 'not_found' : 'method_not_allowed';
    return { status: match.miss, body: { error: { code, message: match.miss === 404 ? 'no such route' : `${req.method} is not allowed on this route` } } };
  }
  const { route, params } = match;
  const accountId = route.auth ? (await authorise(bridge.store.apiKeys, req.headers.authorization)).accountId : '';
  const out = await route.run({ ...req, params }, bridge, accountId);
  return { ...out, route: `${route.method} ${route.path}` };
}

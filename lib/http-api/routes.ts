import { authorise } from '../access';
import type { Bridge } from '../app';
import type { ApiRequest, ApiResponse, Route } from './route-types';
import { deviceAdminRoutes } from './routes/device-admin';
import { deviceRoutes } from './routes/devices';
import { groupRoutes } from './routes/groups';
import { hookRoutes } from './routes/hooks';
import { documentRoutes } from './routes/openapi';
import { shareRoutes } from './routes/shares';
import { timerRoutes } from './routes/timers';

export type { ApiRequest, ApiResponse, Route } from './route-types';

/** Every route of the bridge's HTTP API: the one list the router and the stack follow. */
export const routes: Route[] = [...deviceRoutes, ...deviceAdminRoutes, ...shareRoutes, ...groupRoutes, ...timerRoutes, ...hookRoutes, ...documentRoutes];

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

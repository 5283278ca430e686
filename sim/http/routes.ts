import { ACCOUNT_ROUTES } from './account-routes';
import { MANAGEMENT_ROUTES } from './device-management-routes';
import { DEVICE_ROUTES } from './device-routes';
import { GROUP_ROUTES } from './group-routes';
import type { CloudRoute } from './cloud-route';

/** Every cloud route the sim answers, first match wins. */
export const ROUTES: readonly CloudRoute[] = [...ACCOUNT_ROUTES, ...DEVICE_ROUTES, ...MANAGEMENT_ROUTES, ...GROUP_ROUTES];

export function findRoute(method: string, path: string): { route: CloudRoute; pathParams: Record<string, string> } | undefined {
  return matchRoute(ROUTES, method, path);
}

/** The first of `routes` that answers `method` on `path`, with its `:name` segments. */
export function matchRoute<R extends { readonly method: string; readonly path: string }>(
  routes: readonly R[],
  method: string,
  path: string,
): { route: R; pathParams: Record<string, string> } | undefined {
  const segments = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const pathParams = matchPath(route.path.split('/'), segments);
    if (pathParams) return { route, pathParams };
  }
  return undefined;
}

function matchPath(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of pattern.entries()) {
    const segment = segments[i] ?? '';
    if (part.startsWith(':')) {
      if (segment === '') return undefined;
      try {
        params[part.slice(1)] = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}

import { CloudFailure } from './errors';
import type { DispatchTarget } from './types';

export const REGIONS = ['cn', 'as', 'eu', 'us'] as const;
export type Region = (typeof REGIONS)[number];

/** The real cloud's host template; `{region}` is replaced, and cn lives under `.cn`. */
export const DEFAULT_API_URL = 'https://{region}-api.coolkit.cc:8080';

/** The real cloud's v2 REST hosts (no port), a template like DEFAULT_API_URL. */
export const DEFAULT_V2_API_URL = 'https://{region}-apia.coolkit.cc';

/** The real cloud's v2 dispatch hosts, which name the socket host (`GET /dispatch/app`). */
export const DEFAULT_DISPATCH_URL = 'https://{region}-dispa.coolkit.cc';

/** The vendor's OAuth 2.0 login page. */
export const DEFAULT_LOGIN_PAGE_URL = 'https://c2ccdn.coolkit.cc/oauth/index.html';

export function isRegion(value: unknown): value is Region {
  return typeof value === 'string' && (REGIONS as readonly string[]).includes(value);
}

/**
 * Base URL of a region's API host under a template.
 *
 * @example
 * regionUrl('https://{region}-api.coolkit.cc:8080', 'cn') // 'https://cn-api.coolkit.cn:8080'
 * regionUrl('http://127.0.0.1:9100/{region}', 'eu')      // 'http://127.0.0.1:9100/eu'
 * regionUrl('https://{region}-apia.coolkit.cc', 'cn')     // 'https://cn-apia.coolkit.cn'
 */
export function regionUrl(template: string, region: Region): string {
  let url = template.replaceAll('{region}', region);
  if (region === 'cn') url = url.replace('.coolkit.cc', '.coolkit.cn');
  return url.replace(/\/+$/, '');
}

/**
 * The region-less host (`https://api.coolkit.cc:8080`) that answers `/api/user/region`:
 * the template with its `{region}` part taken out.
 */
export function globalUrl(template: string): string {
  return template.replace(/\{region\}-/, '').replace(/\/\{region\}/, '').replaceAll('{region}', '').replace(/\/+$/, '');
}

/** WebSocket URL for a dispatch answer; plain `ws:` only when the API itself is plain HTTP. */
export function socketUrl(apiTemplate: string, domain: string, port: number): string {
  const scheme = apiTemplate.startsWith('http://') ? 'ws' : 'wss';
  return `${scheme}://${domain}:${port}/api/ws`;
}

/**
 * The socket host a dispatch answer names (`{IP, port, domain}`, v1's and v2's alike); a
 * `CloudFailure` when it names none.
 *
 * @example
 * const target = dispatchTarget(reply); // { domain: 'eu-pconnect3.coolkit.cc', ip: '…', port: 8080 }
 */
export function dispatchTarget(reply: Record<string, unknown>): DispatchTarget {
  const port = Number(reply.port);
  const domain = typeof reply.domain === 'string' && reply.domain ? reply.domain : String(reply.IP ?? '');
  if (!domain || !Number.isInteger(port)) throw new CloudFailure(0, 'dispatch', 'dispatch: the cloud named no socket host');
  return { domain, ip: String(reply.IP ?? domain), port };
}

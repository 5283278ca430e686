export const REGIONS = ['cn', 'as', 'eu', 'us'] as const;
export type Region = (typeof REGIONS)[number];

/** The real cloud's host template; `{region}` is replaced, and cn lives under `.cn`. */
export const DEFAULT_API_URL = 'https://{region}-api.coolkit.cc:8080';

export function isRegion(value: unknown): value is Region {
  return typeof value === 'string' && (REGIONS as readonly string[]).includes(value);
}

/**
 * Base URL of a region's API host under a template.
 *
 * @example
 * regionUrl('https://{region}-api.coolkit.cc:8080', 'cn') // 'https://cn-api.coolkit.cn:8080'
 * regionUrl('http://127.0.0.1:9100/{region}', 'eu')      // 'http://127.0.0.1:9100/eu'
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

import { isRegion, type Region } from '../../lib/ewelink/hosts';
import { Refusal } from '../errors';

/**
 * Which of the cloud's hosts a request addressed, named as the real ones are:
 * - `api`: the v1 REST hosts (`{region}-api.coolkit.cc:8080`, and the region-less `api.coolkit.cc`);
 * - `apia`: the v2 REST hosts (`{region}-apia.coolkit.cc`);
 * - `dispa`: the v2 dispatch hosts (`{region}-dispa.coolkit.cc`);
 * - `oauth`: the OAuth 2.0 login page (`c2ccdn.coolkit.cc/oauth/…`).
 */
export type CloudService = 'api' | 'apia' | 'dispa' | 'oauth';

/** Where a request landed: the host it addressed (region null = a region-less one) and its path. */
export interface Placement {
  service: CloudService;
  region: Region | null;
  path: string;
}

const REGION_HOST = /^(cn|as|eu|us)-(api|apia|dispa)\.coolkit\.(cc|cn)$/;
const GLOBAL_HOST = /^api\.coolkit\.(cc|cn)$/;
const LOGIN_PAGE_HOST = /^c2ccdn\.coolkit\.(cc|cn)$/;
const PATH_PREFIX = /^\/(cn|as|eu|us)(-apia|-dispa)?(?=\/|$)/;
const LOGIN_PAGE_PATH = /^\/oauth(\/|$)/;

function hostname(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  const host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.replace(/:\d+$/, '');
}

/**
 * The host and region of a request, read from the Host header the way the real hosts are
 * named (`eu-api.coolkit.cc`, `eu-apia.coolkit.cc`, `cn-dispa.coolkit.cn`; cn only under .cn,
 * the others only under .cc) or, on any other host, from a path prefix that mirrors the host
 * name (`/eu` for v1, `/eu-apia`, `/eu-dispa`), which is then removed. A region-less path
 * under `/oauth/` is the login page.
 */
export function placeRequest(hostHeader: string | undefined, pathname: string): Placement {
  const name = hostname(hostHeader);
  const regional = REGION_HOST.exec(name);
  if (regional) {
    const region = regional[1] as Region;
    const tld = regional[3];
    if ((region === 'cn') === (tld === 'cn')) return { service: regional[2] as CloudService, region, path: pathname };
  }
  if (GLOBAL_HOST.test(name)) return { service: 'api', region: null, path: pathname };
  if (LOGIN_PAGE_HOST.test(name)) return { service: 'oauth', region: null, path: pathname };

  const prefix = PATH_PREFIX.exec(pathname);
  if (prefix && isRegion(prefix[1])) {
    const service: CloudService = prefix[2] === '-apia' ? 'apia' : prefix[2] === '-dispa' ? 'dispa' : 'api';
    return { service, region: prefix[1], path: pathname.slice(prefix[0].length) || '/' };
  }
  if (LOGIN_PAGE_PATH.test(pathname)) return { service: 'oauth', region: null, path: pathname };
  return { service: 'api', region: null, path: pathname };
}

/** The region the global host answers for a calling code: 86 cn, 1 us, Europe eu, else as; none → eu. */
export function regionForCountryCode(countryCode: string | undefined): Region {
  if (countryCode === undefined) return 'eu';
  const digits = countryCode.trim().replace(/^\+/, '');
  if (!/^\d{1,4}$/.test(digits)) throw new Refusal(400, 'country_code must be a calling code such as 86 or +44');
  if (digits === '86') return 'cn';
  if (digits === '1') return 'us';
  // Europe's calling codes are the 3x and 4x zones: two-digit 30–49 and three-digit 3xx/4xx.
  const zone = Number(digits.slice(0, 2));
  if (digits.length >= 2 && zone >= 30 && zone <= 49) return 'eu';
  return 'as';
}

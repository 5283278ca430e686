import { isRegion, type Region } from '../../lib/ewelink/hosts';
import { Refusal } from '../errors';

/** Where a request landed: the region host it addressed (null = the global host) and its path. */
export interface Placement {
  region: Region | null;
  path: string;
}

const REGION_HOST = /^(cn|as|eu|us)-api\.coolkit\.(cc|cn)$/;
const GLOBAL_HOST = /^api\.coolkit\.(cc|cn)$/;
const PATH_PREFIX = /^\/(cn|as|eu|us)(?=\/|$)/;

function hostname(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  const host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.replace(/:\d+$/, '');
}

/**
 * The region of a request, read from the Host header the way the real hosts are named
 * (`eu-api.coolkit.cc`, `cn-api.coolkit.cn`; cn only under .cn, the others only under .cc)
 * or, on any other host, from a `/{region}` path prefix, which is then removed.
 */
export function placeRequest(hostHeader: string | undefined, pathname: string): Placement {
  const name = hostname(hostHeader);
  const regional = REGION_HOST.exec(name);
  if (regional) {
    const region = regional[1] as Region;
    const tld = regional[2];
    if ((region === 'cn') === (tld === 'cn')) return { region, path: pathname };
  }
  if (GLOBAL_HOST.test(name)) return { region: null, path: pathname };

  const prefix = PATH_PREFIX.exec(pathname);
  if (prefix && isRegion(prefix[1])) {
    return { region: prefix[1], path: pathname.slice(prefix[0].length) || '/' };
  }
  return { region: null, path: pathname };
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

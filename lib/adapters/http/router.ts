import type { Bridge } from '../../bridge';
import { InvalidInput, Unauthorized } from '../../errors';
import { parse, parseQuery } from '../../schema';
import { badPath, malformedJson, methodNotAllowed, noSuchRoute } from './errors';
import { idempotencyKeyOf, REPLAYED_HEADER, servedOnce } from './idempotency';
import { bearerToken, failureFormat, type AnswerKind, type AssistantAnswer, type FailureFormat, type Route } from './route';
import { routes } from './routes';

/** A request as the router sees it, whatever carried it (API Gateway, the local server). */
export interface HttpRequest {
  method: string;
  /** The path exactly as sent: still percent-encoded. */
  rawPath: string;
  /** The query string's parameters (a repeated one: its last value). */
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  /** The raw body, or undefined when there was none. */
  body: string | undefined;
  /** `https://host` the caller reached the bridge at. */
  baseUrl: string;
  /** The id the log and error bodies name the request by. */
  requestId?: string;
}

export interface HttpAnswer {
  status: number;
  /** How `body` goes out: JSON (undefined sends no body, 204), an HTML page, or the URL of a redirect. */
  kind: AnswerKind;
  body: unknown;
  /** `METHOD /pattern` of the route that answered, for the log (never the raw path: a hook's secret is in it). */
  route: string;
  /** Headers the answer carries besides its content type (`Idempotent-Replayed`). */
  headers?: Record<string, string>;
}

/**
 * The path's segments, decoded. A `.` or `..` segment, also percent-encoded, is refused
 * before routing: a server or proxy that normalised it would send the request to another
 * route (`/devices/1/timers/%2e%2e` is `DELETE /devices/1`).
 */
export function pathSegments(rawPath: string): string[] {
  const segments = rawPath.replace(/\/+$/, '').split('/');
  const decoded: string[] = [];
  for (const segment of segments) {
    let text: string;
    try {
      text = decodeURIComponent(segment);
    } catch {
      throw badPath('the path has a malformed %-escape');
    }
    if (text === '.' || text === '..') throw badPath();
    decoded.push(text);
  }
  return decoded;
}

/** The route and its raw path parameters for a request, or the 404/405 there is instead. */
export function matchRoute(method: string, rawPath: string): { route: Route; params: Record<string, string> } {
  const segments = pathSegments(rawPath);
  let pathMatched = false;
  for (const candidate of routes) {
    const pattern = candidate.path.split('/');
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const fits = pattern.every((part, i) => {
      const segment = segments[i] as string;
      if (part.startsWith('{')) {
        params[part.slice(1, -1)] = segment;
        return segment.length > 0;
      }
      return part === segment;
    });
    if (!fits) continue;
    pathMatched = true;
    if (candidate.method === method) return { route: candidate, params };
  }
  throw pathMatched ? methodNotAllowed(method) : noSuchRoute();
}

/**
 * Serves one request: finds the route, checks the API key, then the path parameters, the
 * query, the body and an `Idempotency-Key` against the route's declaration, spends one call of
 * the key's rate limit, and only then runs its handler with typed values (once per
 * `Idempotency-Key`, when it came with one). Errors are thrown, for the adapter's one error mapping.
 */
export async function serveRequest(req: HttpRequest, bridge: Bridge): Promise<HttpAnswer> {
  const { route, params: rawParams } = matchRoute(req.method, req.rawPath);
  let caller: { accountId: string; keyId: string; admit(): Promise<void> } = { accountId: '', keyId: '', admit: async () => undefined };
  if (route.auth === 'apiKey') {
    const key = bearerToken(req.headers.authorization);
    if (!key) throw new Unauthorized('send the API key as "Authorization: Bearer <key>"');
    const found = await bridge.apiKeys.authenticate(key);
    caller = { accountId: found.accountId, keyId: found.id, admit: () => bridge.apiKeys.admit(key, found) };
  }
  const params = route.params ? parse(route.params, rawParams) : undefined;
  const query = route.query ? parseQuery(route.query, req.query) : undefined;
  const body = route.body ? parse(route.body, bodyOf(route, req.body)) : undefined;
  const headers = lowerCased(req.headers);
  const key = route.idempotent ? idempotencyKeyOf(headers) : undefined;
  // Only input that passed every check spends a call of the key's limit: refused input costs nothing and writes nothing.
  await caller.admit();
  const serve = () => route.handle({ params, query, body, accountId: caller.accountId, keyId: caller.keyId, baseUrl: req.baseUrl, headers } as never, bridge);
  const name = `${route.method} ${route.path}`;
  if (key !== undefined) {
    const keyed = { route, accountId: caller.accountId, key, method: req.method, rawPath: req.rawPath, body: req.body, requestId: req.requestId ?? 'unknown' };
    const { answer, replayed } = await servedOnce(bridge, keyed, serve);
    return { status: answer.status, kind: 'json', body: answer.body, route: name, headers: { ...answer.headers, ...(replayed ? { [REPLAYED_HEADER.toLowerCase()]: 'true' } : {}) } };
  }
  const out = await serve();
  if (route.answers === 'assistant') {
    const { status, body } = out as AssistantAnswer;
    return { status, kind: 'assistant', body, route: name };
  }
  return { status: route.ok.status, kind: route.answers ?? 'json', body: route.ok.status === 204 ? undefined : out, route: name };
}

/**
 * How the failures of the route a request names go out (`json` when it names none).
 *
 * @example
 * if (failuresOf('GET', '/ewelink/oauth/callback') === 'page') return errorPage(answer);
 */
export function failuresOf(method: string, rawPath: string): FailureFormat {
  try {
    return failureFormat(matchRoute(method, rawPath).route);
  } catch {
    return 'json';
  }
}

function lowerCased(headers: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/**
 * A form body's fields, by name. Each field may come once (RFC 6749 says so of its requests);
 * the schema then checks them as text.
 */
function formOf(body: string | undefined): Record<string, string> {
  if (body === undefined || body.trim() === '') throw new InvalidInput('body', 'a form body (application/x-www-form-urlencoded) is required');
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    if (Object.hasOwn(fields, name)) throw new InvalidInput(name, 'is given more than once');
    // Defined, not assigned, so a field named "__proto__" stays a field (and is judged by the schema).
    Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return fields;
}

/** The body as the route reads it: a form's fields, or JSON; an assistant's route judges even a missing message itself. */
function bodyOf(route: Route, raw: string | undefined): unknown {
  if (route.bodyEncoding === 'form') return formOf(raw);
  if (route.answers === 'assistant' && (raw === undefined || raw.trim() === '')) return undefined;
  return jsonOf(raw);
}

function jsonOf(body: string | undefined): unknown {
  if (body === undefined || body.trim() === '') throw new InvalidInput('body', 'a JSON body is required');
  try {
    return JSON.parse(body);
  } catch {
    throw malformedJson();
  }
}

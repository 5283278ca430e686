import type { Bridge } from '../app';
import { DEVICE_ID } from '../devices/management';
import { BridgeError } from '../errors';
import type { Field } from '../input';

export interface ApiRequest {
  method: string;
  path: string;
  /** `https://host` the caller reached us at, for URLs we hand out. */
  baseUrl: string;
  headers: Record<string, string | undefined>;
  /** The raw body, or undefined when there was none. */
  body: string | undefined;
  params: Record<string, string>;
  /** The query string's parameters (a repeated one: its last value). */
  query: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  /** Sent as JSON; undefined sends no body (204). */
  body: unknown;
}

/** The answer to a change that has nothing to say (a delete). */
export const NO_CONTENT: ApiResponse = { status: 204, body: undefined };

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
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

/** A path parameter read as `field` says; 422 naming it when it cannot be one. */
export function pathParam<T>(req: ApiRequest, name: string, field: Field<T>): T {
  return field.read(req.params[name] ?? '', name);
}

/** The `{id}` path parameter as a device id; 422 when it cannot be one. */
export function deviceId(req: ApiRequest): string {
  return pathParam(req, 'id', DEVICE_ID);
}


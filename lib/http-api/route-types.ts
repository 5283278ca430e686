import type { Bridge } from '../app';
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

/** The `{id}` path parameter as a device id; 422 when it cannot be one. */
export function deviceId(req: ApiRequest): string {
  const id = req.params.id ?? '';
  if (!DEVICE_ID.test(id)) throw new BridgeError('invalid_input', 'id: not a device id', 'id');
  return id;
}


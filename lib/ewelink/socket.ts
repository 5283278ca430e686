import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { callLimit } from '../deadline';
import { cloudError, SocketReplyLost, SocketRequestTimeout, SocketUnavailable } from './errors';
import { commonParams } from './sign';
import type { DeviceParams } from './types';

/** A state change or online/offline notice the cloud pushed to us. */
export type PushedMessage =
  | { action: 'update'; deviceid: string; apikey?: string; params: DeviceParams }
  | { action: 'sysmsg'; deviceid: string; apikey?: string; params: DeviceParams };

export interface SocketOptions {
  url: string;
  at: string;
  apikey: string;
  appId: string;
  /** How long to wait for the connection plus `userOnline`, ms (default 5 000). */
  connectTimeoutMs?: number;
  /** How long to wait for a reply to `update`/`query`, ms (default 8 000). */
  requestTimeoutMs?: number;
}

interface Pending {
  resolve(reply: Record<string, unknown>): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
  operation: string;
}

/** Sequences are ms timestamps, bumped so two requests in the same ms never share one. */
let lastSequence = 0;
export function nextSequence(): string {
  lastSequence = Math.max(Date.now(), lastSequence + 1);
  return String(lastSequence);
}

/**
 * One authenticated WebSocket session with the cloud: `userOnline` handshake, `ping`
 * heartbeat at `hbInterval + 7` s, requests matched to replies by `sequence`, and pushed
 * `update`/`sysmsg` messages emitted as `'push'` events. `'close'` is emitted once.
 *
 * @example
 * const socket = await CloudSocket.open({ url, at, apikey, appId });
 * await socket.update('1000000001', ownerApikey, { switch: 'on' });
 * socket.close();
 */
export class CloudSocket extends EventEmitter {
  private readonly pending = new Map<string, Pending>();
  private heartbeat: NodeJS.Timeout | undefined;
  private heartbeatIntervalMs: number | undefined;
  private closed = false;
  /** Last time the bridge itself sent a request, ms: what idleness is measured from (pushes don't count). */
  lastUsed = Date.now();

  private constructor(
    private readonly ws: WebSocket,
    private readonly options: SocketOptions,
  ) {
    super();
    ws.on('message', (data, isBinary) => this.receive(isBinary ? '' : data.toString()));
    ws.on('close', () => this.shutdown('the cloud closed the socket'));
    ws.on('error', (err) => this.shutdown(err.message));
  }

  /** Connects, authenticates and starts the heartbeat; throws `SocketUnavailable` or the handshake's error. */
  static async open(options: SocketOptions): Promise<CloudSocket> {
    // Cut to the request's budget when one is opening it and waits (a share); a background open has none.
    const timeoutMs = callLimit(options.connectTimeoutMs ?? 5_000);
    if (timeoutMs <= 0) throw new SocketUnavailable('connect', "no time left in the request's budget");
    // One budget for the upgrade and the handshake together: the handshake gets what is left.
    const started = Date.now();
    const ws = new WebSocket(options.url, { handshakeTimeout: timeoutMs, perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error) => {
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
        reject(new SocketUnavailable('connect', err.message));
      };
      ws.once('open', () => {
        ws.removeAllListeners();
        resolve();
      });
      ws.once('error', fail);
      ws.once('unexpected-response', (_req, res) => fail(new Error(`upgrade refused with HTTP ${res.statusCode}`)));
    });
    const socket = new CloudSocket(ws, options);
    const sequence = nextSequence();
    const reply = await socket.exchange(
      'userOnline',
      sequence,
      { action: 'userOnline', at: options.at, apikey: options.apikey, ...commonParams(options.appId), userAgent: 'app', sequence },
      Math.max(1, timeoutMs - (Date.now() - started)),
    ).catch((err: Error) => {
      socket.close();
      throw err;
    });
    const config = (reply.config ?? {}) as { hb?: unknown; hbl?: unknown; hbInterval?: unknown };
    // Real servers spell the flag `hb`, the spec `hbl`; 0 means no heartbeat is wanted.
    const wanted = (config.hb ?? config.hbl) !== 0;
    const hbInterval = typeof config.hbInterval === 'number' && config.hbInterval > 0 ? config.hbInterval : undefined;
    if (wanted) socket.startHeartbeat(hbInterval === undefined ? 90_000 : (hbInterval + 7) * 1000);
    return socket;
  }

  /** The `ping` interval scheduled after the handshake, ms (`hbInterval + 7` s, or 90 s when absent). */
  get heartbeatMs(): number | undefined {
    return this.heartbeatIntervalMs;
  }

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends params to a device; resolves on the cloud's `error: 0`. `apikey` is the device owner's. */
  async update(deviceid: string, apikey: string, params: DeviceParams): Promise<void> {
    const sequence = nextSequence();
    await this.exchange('update', sequence, { action: 'update', apikey, selfApikey: this.options.apikey, deviceid, params, userAgent: 'app', sequence, ts: 0 });
  }

  /** Reads params from a device (`names` empty = all). */
  async query(deviceid: string, apikey: string, names: string[] = []): Promise<DeviceParams> {
    const sequence = nextSequence();
    const reply = await this.exchange('query', sequence, { action: 'query', apikey, selfApikey: this.options.apikey, deviceid, params: names, userAgent: 'app', sequence, ts: 0 });
    const params = reply.params;
    return typeof params === 'object' && params !== null && !Array.isArray(params) ? (params as DeviceParams) : {};
  }

  /**
   * Sends any sequenced request and waits for its reply (the spec's other socket actions use
   * this); `timeoutMs` overrides the request limit for replies that wait on a person (`share`).
   */
  async request(action: string, body: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown>> {
    const sequence = nextSequence();
    return this.exchange(action, sequence, { action, ...body, userAgent: 'app', sequence }, timeoutMs);
  }

  /** Requests sent and not answered yet: a session with one is in use, however long ago it was sent. */
  get pendingRequests(): number {
    return this.pending.size;
  }

  close(): void {
    this.shutdown('closed by the bridge');
    this.ws.close();
  }

  private exchange(
    operation: string,
    sequence: string,
    message: Record<string, unknown>,
    timeoutMs: number = this.options.requestTimeoutMs ?? 8_000,
  ): Promise<Record<string, unknown>> {
    if (this.closed) return Promise.reject(new SocketUnavailable(operation, 'the socket is closed'));
    const limit = callLimit(timeoutMs);
    if (limit <= 0) return Promise.reject(new SocketUnavailable(operation, "no time left in the request's budget"));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(sequence);
        reject(new SocketRequestTimeout(operation, limit));
        // The cloud itself answers 504 for a silent device; no reply in the socket's own wait means the
        // socket is dead. A wait cut short by the request's budget proves nothing about the socket.
        if (limit >= timeoutMs) this.close();
      }, limit);
      this.pending.set(sequence, { resolve, reject, timer, operation });
      this.lastUsed = Date.now();
      this.ws.send(JSON.stringify(message), (err) => {
        if (!err) return;
        this.settle(sequence, new SocketUnavailable(operation, err.message));
      });
    });
  }

  private settle(sequence: string, outcome: Error | Record<string, unknown>): void {
    const waiting = this.pending.get(sequence);
    if (!waiting) return;
    this.pending.delete(sequence);
    clearTimeout(waiting.timer);
    if (outcome instanceof Error) waiting.reject(outcome);
    else waiting.resolve(outcome);
  }

  private receive(text: string): void {
    if (text === 'pong' || text === '') return;
    let message: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
      message = parsed as Record<string, unknown>;
    } catch {
      return; // not ours to understand; the cloud sends nothing else we act on
    }
    const { action } = message;
    if (action === 'update' || action === 'sysmsg') {
      if (typeof message.deviceid === 'string' && typeof message.params === 'object' && message.params !== null) {
        this.emit('push', { action, deviceid: message.deviceid, apikey: message.apikey, params: message.params } as PushedMessage);
      }
      return;
    }
    if (action !== undefined || message.sequence === undefined) return;
    const sequence = String(message.sequence);
    const waiting = this.pending.get(sequence);
    if (!waiting) return;
    const code = Number(message.error ?? 0);
    this.settle(sequence, code === 0 ? message : cloudError(code, waiting.operation, typeof message.reason === 'string' ? message.reason : undefined));
  }

  private startHeartbeat(intervalMs: number): void {
    this.heartbeatIntervalMs = intervalMs;
    this.heartbeat = setInterval(() => {
      if (this.isOpen) this.ws.send('ping');
    }, intervalMs);
    this.heartbeat.unref();
  }

  private shutdown(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const [sequence] of this.pending) this.settle(sequence, new SocketReplyLost('socket', `the socket closed before the reply: ${reason}`));
    this.emit('close', reason);
  }
}

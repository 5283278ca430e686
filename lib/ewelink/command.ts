import { EventEmitter } from 'node:events';
import type { EwelinkClient } from './client';
import { SocketUnavailable } from './errors';
import type { Region } from './hosts';
import { socketUrl } from './hosts';
import { CloudSocket, type PushedMessage } from './socket';
import type { Credentials, DeviceParams, DispatchTarget } from './types';

/** The device a command goes to; `apikey` is the owner's (differs from ours for shared devices). */
export interface CommandTarget {
  deviceid: string;
  apikey: string;
}

export interface CommandChannelOptions {
  /** A session unused for this long is closed, and never reused after a freeze, ms (default 60 000). */
  idleMs?: number;
  /** How long a dispatch answer is reused, ms (default 10 minutes). */
  dispatchTtlMs?: number;
  /** Connection + handshake limit, ms (default 4 000). */
  connectTimeoutMs?: number;
  /** Reply limit per socket request, ms (default 5 000); past it the command goes over HTTP. */
  requestTimeoutMs?: number;
}

/** How a command reached the cloud. */
export type Route = 'socket' | 'http';

interface Session {
  at: string;
  socket: Promise<CloudSocket>;
}

/**
 * The command path: device params go over the account's WebSocket session, opened on first
 * use and kept while in use; if the session cannot be had (dispatch, connect or handshake
 * fails) or closes before the reply, the same params go to `POST /api/user/device/status`.
 * Cloud errors (504 device silent, 400 bad params …) are the device's answer and are thrown
 * as they are, not retried over HTTP.
 *
 * @example
 * const channel = new CommandChannel(client);
 * await channel.send(creds, { deviceid, apikey: device.apikey }, { switch: 'on' }); // 'socket'
 */
export class CommandChannel extends EventEmitter {
  private readonly sessions = new Map<string, Session>();
  private readonly dispatchCache = new Map<Region, { target: DispatchTarget; until: number }>();
  private readonly idleMs: number;

  constructor(
    private readonly client: EwelinkClient,
    private readonly options: CommandChannelOptions = {},
  ) {
    super();
    this.idleMs = options.idleMs ?? 60_000;
  }

  /** Sends params to a device; says which route carried them. */
  async send(creds: Credentials, target: CommandTarget, params: DeviceParams): Promise<Route> {
    const socket = await this.session(creds);
    if (socket) {
      try {
        await socket.update(target.deviceid, target.apikey, params);
        return 'socket';
      } catch (err) {
        if (!(err instanceof SocketUnavailable)) throw err;
      }
    }
    await this.client.setStatus(creds, target.deviceid, params);
    return 'http';
  }

  /** Reads a device's params (`names` empty = all), over the socket or else HTTP. */
  async query(creds: Credentials, target: CommandTarget, names: string[] = []): Promise<DeviceParams> {
    const socket = await this.session(creds);
    if (socket) {
      try {
        return await socket.query(target.deviceid, target.apikey, names);
      } catch (err) {
        if (!(err instanceof SocketUnavailable)) throw err;
      }
    }
    return this.client.getStatus(creds, target.deviceid, names);
  }

  /** Closes every open session. */
  close(): void {
    for (const session of this.sessions.values()) session.socket.then((s) => s.close(), () => undefined);
    this.sessions.clear();
  }

  /** The open session for these credentials, a new one, or undefined when none can be had. */
  private async session(creds: Credentials): Promise<CloudSocket | undefined> {
    const existing = this.sessions.get(creds.apikey);
    if (existing && existing.at === creds.at) {
      const socket = await existing.socket.catch(() => undefined);
      if (socket?.isOpen && Date.now() - socket.lastUsed < this.idleMs) return socket;
      socket?.close();
    } else if (existing) {
      existing.socket.then((s) => s.close(), () => undefined);
    }
    const opening = this.openSocket(creds);
    const session: Session = { at: creds.at, socket: opening };
    this.sessions.set(creds.apikey, session);
    try {
      return await opening;
    } catch {
      if (this.sessions.get(creds.apikey) === session) this.sessions.delete(creds.apikey);
      this.dispatchCache.delete(creds.region);
      return undefined;
    }
  }

  private async openSocket(creds: Credentials): Promise<CloudSocket> {
    // The caller may update `creds` in place (a refreshed at); this session keeps the token it was opened with.
    const { at, apikey } = creds;
    const target = await this.dispatch(creds);
    const socket = await CloudSocket.open({
      url: socketUrl(this.client.apiUrl, target.domain, target.port),
      at,
      apikey,
      appId: this.client.appId,
      connectTimeoutMs: this.options.connectTimeoutMs ?? 4_000,
      requestTimeoutMs: this.options.requestTimeoutMs ?? 5_000,
    });
    socket.on('push', (message: PushedMessage) => this.emit('push', message));
    socket.once('close', () => {
      const current = this.sessions.get(apikey);
      if (current?.at === at) this.sessions.delete(apikey);
    });
    this.closeWhenIdle(socket);
    return socket;
  }

  private async dispatch(creds: Credentials): Promise<DispatchTarget> {
    const cached = this.dispatchCache.get(creds.region);
    if (cached && cached.until > Date.now()) return cached.target;
    const target = await this.client.dispatch(creds);
    this.dispatchCache.set(creds.region, { target, until: Date.now() + (this.options.dispatchTtlMs ?? 600_000) });
    return target;
  }

  private closeWhenIdle(socket: CloudSocket): void {
    const check = () => {
      if (!socket.isOpen) return;
      const idle = Date.now() - socket.lastUsed;
      if (idle >= this.idleMs) socket.close();
      else setTimeout(check, this.idleMs - idle + 10).unref();
    };
    setTimeout(check, this.idleMs).unref();
  }
}

import { EventEmitter } from 'node:events';
import { CloudFailure, EwelinkError, SocketUnavailable, tokenRefused } from './errors';
import { CloudSocket, type PushedMessage } from './socket';
import { transportFor, type CloudTransport, type CloudTransports } from './transport';
import type { Credentials, DeviceParams, DispatchTarget, ShareOutcome } from './types';

export type { ShareOutcome } from './types';

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
  /**
   * Reply limit for `share` / `updateShare`, ms (default 60 000): the cloud answers only once
   * the receiver accepts or refuses in their app, or with 504 when it gives up waiting.
   */
  shareTimeoutMs?: number;
}

/** The command path's default limit for opening a socket, ms: the upgrade and the `userOnline` handshake together. */
export const SOCKET_CONNECT_TIMEOUT_MS = 4_000;
/** The command path's default wait for the reply to an `update` or `query`, ms, before it falls back to HTTP. */
export const SOCKET_REQUEST_TIMEOUT_MS = 5_000;

/** An invitation to share a device: who (`uid`, an e-mail address or phone number) and what they may do with its timers. */
export interface ShareInvite {
  uid: string;
  /** The device's name as the receiver will see it. */
  deviceName: string;
  /** Sum of 1 add timer, 2 edit timer, 4 delete timer, 8 enable timer (15 = all). */
  permit?: number;
  /** 1 to 10 characters, shown to the receiver: the cloud requires it on share and updateShare. */
  note: string;
}

const SHARE_RESULTS: Readonly<Record<number, ShareOutcome>> = { 1: 'no_such_account', 2: 'accepted', 3: 'refused', 4: 'already_shared' };

/** How a command reached the cloud. */
export type Via = 'socket' | 'http';

/** Params for one device of a batch. */
export interface TargetedParams {
  target: CommandTarget;
  params: DeviceParams;
}

/** How one device of a batch answered: the route that carried its params, or the cloud's error for it. */
export type BatchOutcome = { ok: true; via: Via } | { ok: false; error: EwelinkError };

interface Session {
  at: string;
  socket: Promise<CloudSocket>;
}

/**
 * The command path: device params go over the account's WebSocket session, opened on first
 * use and kept while in use; if the session cannot be had (dispatch, connect or handshake
 * fails) or closes before the reply, the same params go to the HTTP status call of the
 * account's API (`POST /api/user/device/status` on v1, `/v2/device/thing/status` on v2). Given
 * `CloudTransports`, each account's calls go by its `creds.api`; a v2 account without an
 * apikey (it owns no device) is served over HTTP only.
 * Cloud errors (504 device silent, 400 bad params …) are the device's answer and are thrown
 * as they are, not retried over HTTP.
 *
 * @example
 * const channel = new CommandChannel(client);
 * await channel.send(creds, { deviceid, apikey: device.apikey }, { switch: 'on' }); // 'socket'
 */
export class CommandChannel extends EventEmitter {
  private readonly sessions = new Map<string, Session>();
  /** By API and region: v1 and v2 dispatch on different hosts. */
  private readonly dispatchCache = new Map<string, { target: DispatchTarget; until: number }>();
  private readonly idleMs: number;

  constructor(
    private readonly transports: CloudTransport | CloudTransports,
    private readonly options: CommandChannelOptions = {},
  ) {
    super();
    this.idleMs = options.idleMs ?? 60_000;
  }

  /** Sends params to a device; says which route carried them. */
  async send(creds: Credentials, target: CommandTarget, params: DeviceParams): Promise<Via> {
    const socket = await this.session(creds);
    if (socket) {
      try {
        await socket.update(target.deviceid, target.apikey, params);
        return 'socket';
      } catch (err) {
        if (!(err instanceof SocketUnavailable)) throw err;
      }
    }
    await this.transportFor(creds).setStatus(creds, target.deviceid, params);
    return 'http';
  }

  /**
   * Sends params to several devices at once (a scene): each over the account's socket session,
   * and those the socket cannot carry in ONE status call for all of them (v2's batch status; v1
   * has none and sends one call per device). Each device answers for itself, in `changes`' order;
   * a refused token is thrown, so the caller's renewal can run and send again. `onOutcome` hears
   * each device's answer as soon as it is known, for a caller that cannot wait for the slowest.
   *
   * @example
   * const outcomes = await channel.sendMany(creds, [{ target: lamp, params: { switch: 'on' } }, { target: fan, params: { switch: 'off' } }]);
   */
  async sendMany(creds: Credentials, changes: TargetedParams[], onOutcome?: (index: number, outcome: BatchOutcome) => void): Promise<BatchOutcome[]> {
    const outcomes: (BatchOutcome | undefined)[] = changes.map(() => undefined);
    const settle = (i: number, outcome: BatchOutcome): void => {
      outcomes[i] = outcome;
      onOutcome?.(i, outcome);
    };
    const socket = changes.length > 0 ? await this.session(creds) : undefined;
    if (socket) {
      await Promise.all(
        changes.map(async ({ target, params }, i) => {
          try {
            await socket.update(target.deviceid, target.apikey, params);
            settle(i, { ok: true, via: 'socket' });
          } catch (err) {
            if (err instanceof SocketUnavailable) return;
            if (!(err instanceof EwelinkError)) throw err;
            settle(i, { ok: false, error: err });
          }
        }),
      );
    }
    const rest = changes.flatMap((change, i) => (outcomes[i] === undefined ? [{ i, change }] : []));
    if (rest.length > 0) {
      const results = await this.transportFor(creds).setStatuses(creds, rest.map(({ change }) => ({ deviceid: change.target.deviceid, params: change.params })));
      const refused = results.find((r) => !r.ok && tokenRefused(r.error));
      if (refused && !refused.ok) throw refused.error;
      results.forEach((result, k) => {
        settle((rest[k] as { i: number }).i, result.ok ? { ok: true, via: 'http' } : { ok: false, error: result.error });
      });
    }
    return outcomes as BatchOutcome[];
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
    return this.transportFor(creds).getStatus(creds, target.deviceid, names);
  }

  /**
   * Shares a device with another account of the same region. The receiver must be online and
   * answers in their app; no answer in time is a `ShareTimeout` (ask again after 3 minutes).
   * There is no HTTP route for sharing: without a socket session this is `SocketUnavailable`.
   *
   * @example
   * const outcome = await channel.share(creds, { deviceid, apikey: creds.apikey }, { uid: 'friend@example.com', deviceName: 'Lamp', permit: 15 });
   */
  async share(creds: Credentials, target: CommandTarget, invite: ShareInvite): Promise<ShareOutcome> {
    const params = { uid: invite.uid, deviceName: invite.deviceName, permit: invite.permit, shareTime: Date.now(), note: invite.note };
    // ts: 0 is a field of `share` only, as the spec's table lists it.
    const reply = await this.shareRequest(creds, 'share', target, params, { ts: 0 });
    return shareOutcome(reply, 'share');
  }

  /** Changes what the receiver may do with the device's timers; the receiver answers as for `share`. */
  async updateShare(creds: Credentials, target: CommandTarget, invite: ShareInvite & { permit: number }): Promise<ShareOutcome> {
    const params = { uid: invite.uid, deviceName: invite.deviceName, permit: invite.permit, shareTime: Date.now(), note: invite.note };
    const reply = await this.shareRequest(creds, 'updateShare', target, params);
    return shareOutcome(reply, 'updateShare');
  }

  /** Ends a share: the device leaves the receiver's list. Ending one that is not there is no error. */
  async cancelShare(creds: Credentials, target: CommandTarget, who: { uid: string; deviceName: string }): Promise<void> {
    await this.shareRequest(creds, 'cancelShare', target, { uid: who.uid, deviceName: who.deviceName });
  }

  /** Closes every open session. */
  close(): void {
    for (const session of this.sessions.values()) session.socket.then((s) => s.close(), () => undefined);
    this.sessions.clear();
  }

  private async shareRequest(
    creds: Credentials,
    action: 'share' | 'updateShare' | 'cancelShare',
    target: CommandTarget,
    params: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> {
    const socket = await this.session(creds);
    if (!socket) throw new SocketUnavailable(action, 'no WebSocket session could be opened, and sharing has no HTTP route');
    // JSON drops an undefined permit left out by the caller.
    const body = { apikey: target.apikey, selfApikey: creds.apikey, deviceid: target.deviceid, params, ...extra };
    const timeoutMs = action === 'cancelShare' ? undefined : (this.options.shareTimeoutMs ?? 60_000);
    return socket.request(action, body, timeoutMs);
  }

  private transportFor(creds: Credentials): CloudTransport {
    return transportFor(this.transports, creds.api);
  }

  /** The open session for these credentials, a new one, or undefined when none can be had. */
  private async session(creds: Credentials): Promise<CloudSocket | undefined> {
    // userOnline needs the account's apikey; a v2 account that owns no device has none to give.
    if (creds.apikey === '') return undefined;
    const existing = this.sessions.get(creds.apikey);
    if (existing && existing.at === creds.at) {
      const socket = await existing.socket.catch(() => undefined);
      if (socket?.isOpen && (socket.pendingRequests > 0 || Date.now() - socket.lastUsed < this.idleMs)) return socket;
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
      this.dispatchCache.delete(this.dispatchKey(creds));
      return undefined;
    }
  }

  private async openSocket(creds: Credentials): Promise<CloudSocket> {
    // The caller may update `creds` in place (a refreshed at); this session keeps the token it was opened with.
    const { at, apikey } = creds;
    const transport = this.transportFor(creds);
    const target = await this.dispatch(creds);
    const socket = await CloudSocket.open({
      url: transport.socketUrl(target),
      at,
      apikey,
      appId: transport.appId,
      connectTimeoutMs: this.options.connectTimeoutMs ?? SOCKET_CONNECT_TIMEOUT_MS,
      requestTimeoutMs: this.options.requestTimeoutMs ?? SOCKET_REQUEST_TIMEOUT_MS,
    });
    socket.on('push', (message: PushedMessage) => this.emit('push', message));
    socket.once('close', () => {
      const current = this.sessions.get(apikey);
      if (current?.at === at) this.sessions.delete(apikey);
    });
    this.closeWhenIdle(socket);
    return socket;
  }

  private dispatchKey(creds: Credentials): string {
    return `${this.transportFor(creds).api} ${creds.region}`;
  }

  private async dispatch(creds: Credentials): Promise<DispatchTarget> {
    const cached = this.dispatchCache.get(this.dispatchKey(creds));
    if (cached && cached.until > Date.now()) return cached.target;
    const target = await this.transportFor(creds).dispatch(creds);
    // Keyed after the call: a 301 on the way has moved creds.region to where the account lives.
    this.dispatchCache.set(this.dispatchKey(creds), { target, until: Date.now() + (this.options.dispatchTtlMs ?? 600_000) });
    return target;
  }

  private closeWhenIdle(socket: CloudSocket): void {
    const check = () => {
      if (!socket.isOpen) return;
      const idle = Date.now() - socket.lastUsed;
      // A request still waiting for its reply (a share waits on a person) keeps the session.
      if (idle >= this.idleMs && socket.pendingRequests === 0) socket.close();
      else if (idle >= this.idleMs) setTimeout(check, this.idleMs).unref();
      else setTimeout(check, this.idleMs - idle + 10).unref();
    };
    setTimeout(check, this.idleMs).unref();
  }
}

function shareOutcome(reply: Record<string, unknown>, operation: 'share' | 'updateShare'): ShareOutcome {
  const outcome = SHARE_RESULTS[Number(reply.result)];
  if (!outcome) throw new CloudFailure(0, operation, `${operation}: the cloud answered without a known result (${JSON.stringify(reply.result)})`);
  return outcome;
}

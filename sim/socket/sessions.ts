import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Account, DeviceRecord } from '../accounts/account-book';
import type { SimContext } from '../context';
import type { Params } from '../devices/kinds';
import { field, isNonce, isObject, isSecondsTimestamp, type Fields } from '../fields';
import { accountCaller, addressCaller, HANDSHAKE_ENDPOINT, TOO_FREQUENT } from '../politeness';
import { answerShareAction, isShareAction } from './share-actions';
import { receiverRefusal } from '../accounts/sharing';

interface Session {
  /** 1, 2, … in the order connections were accepted. */
  readonly connection: number;
  readonly ws: WebSocket;
  /** The client's IP, which a handshake without a usable at is counted against. */
  readonly address: string | undefined;
  account: Account | undefined;
  closing: boolean;
  cancelIdle: () => void;
}

type Handshake = { ok: true; account: Account } | { ok: false; reason: string };

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function isSequence(value: unknown): value is string | number {
  return (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value));
}

/** What a reply echoes of a request: deviceid, apikey and sequence as they were received. */
function echo(message: Fields): Fields {
  const kept: Fields = {};
  for (const name of ['deviceid', 'apikey', 'sequence']) if (message[name] !== undefined) kept[name] = message[name];
  return kept;
}

function commandProblem(action: 'update' | 'query', message: Fields): string | undefined {
  for (const name of ['apikey', 'deviceid']) {
    if (typeof field(message, name) !== 'string') return `${name} is required and must be a string`;
  }
  if (!isSequence(message['sequence'])) return 'sequence is required (a string or a number)';
  if (message['userAgent'] !== 'app') return 'userAgent must be "app"';
  if (typeof message['ts'] !== 'number') return 'ts is required and must be a number';
  const params = message['params'];
  if (action === 'update' && !isObject(params)) return 'params must be an object of the params to change';
  if (action === 'query' && !(Array.isArray(params) && params.every((p) => typeof p === 'string'))) {
    return 'params must be an array of param names ([] for all)';
  }
  return undefined;
}

function ignore(): void {
  // a socket error while the sim waits on it: the socket is simply gone
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  const body = JSON.stringify({ error: status, msg: text });
  socket.once('error', () => undefined);
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * The `/api/ws` long connections: the userOnline handshake (counted against the politeness
 * limits), ping/pong, update and query answered by sequence, share/updateShare/cancelShare,
 * and the pushes (`update` from the device, `sysmsg` online/offline) to the owner's and the
 * share receivers' sockets.
 */
export class SocketHub {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly sessions = new Set<Session>();
  /** Upgrade requests waiting out their connection's set-up (the latency fault). */
  private readonly settingUp = new Set<Duplex>();
  private connectionCount = 0;
  private lastSequence = 0;

  constructor(private readonly ctx: SimContext) {}

  /** An upgrade request: with latency on, a new connection's TCP and TLS set-up (two round trips) comes first. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const setUpMs = 2 * this.ctx.faults.latencyMs;
    if (!(setUpMs > 0)) return this.upgrade(req, socket, head);
    this.settingUp.add(socket);
    socket.on('error', ignore);
    this.ctx.timers.schedule(setUpMs, () => {
      this.settingUp.delete(socket);
      socket.off('error', ignore);
      if (!socket.destroyed) this.upgrade(req, socket, head);
    });
  }

  /** Tells the owner's and receivers' sockets, except the one that asked, what an update changed. */
  pushUpdate(device: DeviceRecord, params: Params, origin: object | undefined): void {
    const message = {
      action: 'update',
      deviceid: device.deviceid,
      apikey: device.owner.apikey,
      userAgent: 'device',
      params,
      sequence: this.nextSequence(),
      ts: 0,
    };
    for (const session of this.audience(device)) if (session !== origin) this.send(session, message);
  }

  /** Tells all the owner's and receivers' sockets that the device went online or offline. */
  pushOnline(device: DeviceRecord): void {
    const message = { action: 'sysmsg', deviceid: device.deviceid, apikey: device.owner.apikey, ts: 0, params: { online: device.online } };
    for (const session of this.audience(device)) this.send(session, message);
  }

  /** Whether the account has a socket session open (a share receiver must, to answer). */
  isOnline(account: Account): boolean {
    return this.accountSessions(account).length > 0;
  }

  /** How many handshaken sessions of the account are not closed (or being dropped by the sim) yet. */
  openSessions(account: Account): number {
    return this.accountSessions(account).length;
  }

  closeAll(): void {
    for (const socket of this.settingUp) socket.destroy();
    this.settingUp.clear();
    for (const session of this.sessions) this.drop(session);
    this.sessions.clear();
    this.server.close();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://sim').pathname;
    if (path !== '/api/ws') return refuseUpgrade(socket, 404, 'Not Found');
    this.ctx.stats.recordUpgrade();
    if (this.ctx.faults.refuseSockets) return refuseUpgrade(socket, 503, 'Service Unavailable');
    this.server.handleUpgrade(req, socket, head, (ws) => this.open(ws, req.socket.remoteAddress));
  }

  private open(ws: WebSocket, address: string | undefined): void {
    this.ctx.stats.recordConnection();
    const session: Session = { connection: ++this.connectionCount, ws, address, account: undefined, closing: false, cancelIdle: () => undefined };
    this.sessions.add(session);
    this.keepAlive(session);
    ws.on('message', (data) => {
      this.receive(session, data).catch(() => this.drop(session));
    });
    ws.on('close', () => {
      session.cancelIdle();
      this.sessions.delete(session);
    });
    ws.on('error', () => this.drop(session));
  }

  private async receive(session: Session, data: RawData): Promise<void> {
    if (session.closing) return;
    this.keepAlive(session);
    const text = rawText(data);

    if (text === 'ping') {
      this.record(session, 'ping', 'ping');
      if (!session.account) return this.refuse(session, 'userOnline must be the first message', undefined);
      await this.ctx.timers.sleep(this.ctx.faults.latencyMs);
      if (session.ws.readyState === WebSocket.OPEN) session.ws.send('pong');
      return;
    }

    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      message = undefined;
    }
    if (!isObject(message)) {
      this.record(session, '(invalid)', text);
      if (!session.account) return this.refuse(session, 'the first message must be a userOnline JSON object', undefined);
      return this.reply(session, { error: 400, reason: 'the message is neither JSON nor ping' });
    }

    const action = typeof message['action'] === 'string' ? message['action'] : '(none)';
    this.record(session, action, message);
    if (action === 'userOnline') return this.userOnline(session, message);
    if (!session.account) return this.refuse(session, 'userOnline must be the first message', message['sequence']);
    if (action === 'update' || action === 'query') return this.command(session, action, message);
    if (isShareAction(action)) {
      const reply = await answerShareAction({ ctx: this.ctx, isOnline: (account) => this.isOnline(account) }, session.account, action, message);
      return this.reply(session, reply);
    }
    // Anything else is ignored, as the cloud ignores actions it does not know.
  }

  private async userOnline(session: Session, message: Fields): Promise<void> {
    const handshake = this.handshake(message);
    const caller = handshake.ok ? accountCaller(handshake.account) : addressCaller(session.address);
    const crossing = this.ctx.politeness.call(caller, HANDSHAKE_ENDPOINT);
    // Taken in and counted, never answered: the socket stays open and silent.
    if (this.ctx.faults.silentHandshake) return;
    if (crossing?.refused) return this.turnAway(session, { error: 429, reason: TOO_FREQUENT.msg }, message['sequence'], 1013);
    if (!handshake.ok) return this.refuse(session, handshake.reason, message['sequence']);
    session.account = handshake.account;
    await this.reply(session, {
      error: 0,
      apikey: handshake.account.apikey,
      config: { hb: 1, hbInterval: 145 },
      sequence: message['sequence'],
    });
  }

  private handshake(message: Fields): Handshake {
    const refuse = (reason: string): Handshake => ({ ok: false, reason });
    const at = field(message, 'at');
    const apikey = field(message, 'apikey');
    const appid = field(message, 'appid');
    if (typeof at !== 'string') return refuse('at is required');
    if (typeof apikey !== 'string') return refuse('apikey is required');
    if (typeof appid !== 'string') return refuse('appid is required');
    if (!isNonce(message['nonce'])) return refuse('nonce must be 8 letters or digits');
    if (!isSecondsTimestamp(message['ts'])) return refuse('ts must be a whole number of seconds');
    if (message['userAgent'] !== 'app') return refuse('userAgent must be "app"');
    if (!isSequence(message['sequence'])) return refuse('sequence is required');
    if (message['version'] !== 8) return refuse('version must be 8');
    if (appid !== this.ctx.settings.appId) return refuse('appid is not known');
    const check = this.ctx.tokens.check(at);
    if (!check.ok) return refuse(check.reason);
    if (check.account.apikey !== apikey) return refuse('apikey is not the one of the at');
    return { ok: true, account: check.account };
  }

  private async command(session: Session, action: 'update' | 'query', message: Fields): Promise<void> {
    if (this.ctx.faults.dropSocketBeforeReply) return this.drop(session);
    const dropAfter = action === 'update' && this.ctx.faults.dropSocketAfterApply;
    const answer = await this.carryOut(session, action, message);
    // dropSocketAfterApply: the update was carried out, but its reply (whatever it says) is lost with the socket.
    if (dropAfter) return this.drop(session);
    await this.reply(session, answer);
  }

  /** What an update or query does, and the reply it earns. */
  private async carryOut(session: Session, action: 'update' | 'query', message: Fields): Promise<Fields> {
    const problem = commandProblem(action, message);
    if (problem) return { error: 400, reason: problem, ...echo(message) };

    const deviceid = message['deviceid'] as string;
    const apikey = message['apikey'] as string;
    const device = this.ctx.book.device(deviceid);
    const account = session.account;
    const access = device && account && this.ctx.shares.access(device, account);
    if (!device || !account || !access || device.owner.apikey !== apikey) {
      return { error: 404, reason: `no device ${deviceid} under this apikey`, ...echo(message) };
    }
    if (action === 'update' && access.role === 'receiver') {
      const refusal = receiverRefusal(access.share, device, message['params'] as Params);
      if (refusal) return { error: 403, reason: refusal, ...echo(message) };
    }

    const options = { waitWhenOffline: true, origin: session, operator: { account, sequence: message['sequence'] as string | number } };
    const outcome =
      action === 'update'
        ? await this.ctx.control.update(device, message['params'] as Params, options)
        : await this.ctx.control.query(device, message['params'] as string[], options);
    if (!outcome.ok) return { error: outcome.code, reason: outcome.reason, ...echo(message) };
    return {
      error: 0,
      deviceid,
      apikey,
      sequence: message['sequence'],
      ...(action === 'query' && { params: outcome.params }),
    };
  }

  /** A 406 answer, then the socket is closed. */
  private refuse(session: Session, reason: string, sequence: unknown): Promise<void> {
    return this.turnAway(session, { error: 406, reason }, sequence, 1008);
  }

  /**
   * An answer that ends the session (with the sequence it answers, when there was one), then a
   * close: 1008 for a refused handshake, 1013 (try again later) for one over the limits.
   */
  private async turnAway(session: Session, answer: Fields, sequence: unknown, code: 1008 | 1013): Promise<void> {
    session.account = undefined;
    session.closing = true;
    await this.ctx.timers.sleep(this.ctx.faults.latencyMs);
    this.send(session, { ...answer, ...(sequence !== undefined && { sequence }) });
    session.ws.close(code, code === 1013 ? TOO_FREQUENT.msg : 'userOnline refused');
  }

  private async reply(session: Session, message: Fields): Promise<void> {
    await this.ctx.timers.sleep(this.ctx.faults.latencyMs);
    this.send(session, message);
  }

  private send(session: Session, message: Fields): void {
    if (session.ws.readyState === WebSocket.OPEN) session.ws.send(JSON.stringify(message));
  }

  /** Drops the connection the way a lost network does: no close frame. */
  private drop(session: Session): void {
    session.closing = true;
    session.cancelIdle();
    session.ws.terminate();
  }

  private keepAlive(session: Session): void {
    session.cancelIdle();
    session.cancelIdle = this.ctx.timers.schedule(this.ctx.settings.idleTimeoutSec * 1000, () => this.drop(session));
  }

  private record(session: Session, action: string, message: unknown): void {
    this.ctx.stats.recordSocket({ kind: 'socket', time: Date.now(), connection: session.connection, action, message });
  }

  private accountSessions(account: Account): Session[] {
    return [...this.sessions].filter((s) => s.account === account && !s.closing);
  }

  /** The sockets told about a device: its owner's and those of the accounts it is shared with. */
  private audience(device: DeviceRecord): Session[] {
    const receivers = new Set(this.ctx.shares.sharesOf(device.deviceid).map((share) => share.receiver));
    return [...this.sessions].filter((s) => s.account !== undefined && !s.closing && (s.account === device.owner || receivers.has(s.account)));
  }

  /** A fresh, strictly increasing millisecond sequence for a push. */
  private nextSequence(): string {
    this.lastSequence = Math.max(Date.now(), this.lastSequence + 1);
    return String(this.lastSequence);
  }
}

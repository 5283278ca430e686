import type { HttpRecord, SimRecord, SimStats, SocketRecord } from './types';

/** Counters and the log of everything clients sent, for tests to assert on. */
export class StatsRecorder implements SimStats {
  http = 0;
  httpConnections = 0;
  socketMessages = 0;
  connections = 0;
  upgrades = 0;
  readonly limitCrossings: SimStats['limitCrossings'] = { total: 0, byEndpoint: {} };
  byPath: Record<string, number> = {};
  byAction: Record<string, number> = {};
  log: SimRecord[] = [];

  recordHttp(record: HttpRecord): void {
    this.http += 1;
    const key = `${record.method} ${record.path}`;
    this.byPath[key] = (this.byPath[key] ?? 0) + 1;
    this.log.push(record);
  }

  recordSocket(record: SocketRecord): void {
    this.socketMessages += 1;
    this.byAction[record.action] = (this.byAction[record.action] ?? 0) + 1;
    this.log.push(record);
  }

  /** A WebSocket upgrade asked for, taken or refused. */
  recordUpgrade(): void {
    this.upgrades += 1;
  }

  recordConnection(): void {
    this.connections += 1;
  }

  recordHttpConnection(): void {
    this.httpConnections += 1;
  }

  /** A call that broke a politeness limit, by `METHOD /path` or `socket userOnline`. */
  recordLimitCrossing(endpoint: string): void {
    this.limitCrossings.total += 1;
    this.limitCrossings.byEndpoint[endpoint] = (this.limitCrossings.byEndpoint[endpoint] ?? 0) + 1;
  }

  /** Zeroes everything in place, so references a test already holds see the reset. */
  reset(): void {
    this.http = 0;
    this.httpConnections = 0;
    this.socketMessages = 0;
    this.connections = 0;
    this.upgrades = 0;
    for (const key of Object.keys(this.byPath)) delete this.byPath[key];
    for (const key of Object.keys(this.byAction)) delete this.byAction[key];
    this.limitCrossings.total = 0;
    for (const key of Object.keys(this.limitCrossings.byEndpoint)) delete this.limitCrossings.byEndpoint[key];
    this.log.length = 0;
  }

  toJSON(): Omit<SimStats, 'reset'> {
    return {
      http: this.http,
      httpConnections: this.httpConnections,
      socketMessages: this.socketMessages,
      connections: this.connections,
      upgrades: this.upgrades,
      limitCrossings: this.limitCrossings,
      byPath: this.byPath,
      byAction: this.byAction,
      log: this.log,
    };
  }
}

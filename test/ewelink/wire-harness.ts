import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EwelinkClient } from '../../lib/ewelink/client';
import type { Region } from '../../lib/ewelink/hosts';
import type { Credentials } from '../../lib/ewelink/types';
import type { Sim } from '../../sim/index';
import { closeHttpPools } from '../../lib/ewelink/http';
import { signBody, signQuery } from '../../lib/ewelink/sign';
import { ALICE, APP_ID, APP_SECRET, clientFor, credentialsFor, type HttpRecord, onlyHttpRecord, startWireTap, testSim, type WireTap } from './fixture';

/*
 * The table-driven conformance check: what each client operation puts on the wire, as the
 * simulated cloud received it (method, path, region host, Authorization scheme, the common
 * fields, the operation's own fields, typed as the spec says), and what the client makes of
 * the answer. Every call goes through a pass-through tap that keeps the raw request line,
 * since the sim logs the query only decoded. A signed call the sim answered is a call whose
 * signature it accepted.
 */

export interface WireEnv {
  sim: Sim;
  tap: WireTap;
  client: EwelinkClient;
}

/**
 * A sim behind a wire tap, and a client calling through the tap, for one test file: started
 * before its tests, closed after them. Read it (the getter) from inside tests and hooks.
 */
export function useWireEnv(): () => WireEnv {
  let env: WireEnv | undefined;
  beforeAll(async () => {
    const sim = await testSim();
    const tap = await startWireTap(sim);
    env = { sim, tap, client: clientFor(tap.apiUrlTemplate) };
  });
  afterAll(async () => {
    await closeHttpPools();
    await env?.tap.close();
    await env?.sim.close();
  });
  return () => {
    if (!env) throw new Error('the wire environment is read before its beforeAll ran');
    return env;
  };
}

// Rows prepare whatever their call needs, of any shape: `data` is theirs to type.
type RowData = any;

export interface WireCtx {
  /** Fresh tokens for the row's account (alice unless `login` says), issued just before the call. */
  creds: Credentials & { rt: string };
  /** What `prepare` returned. */
  data: RowData;
}

export interface WireCase {
  operation: string;
  /** Whose tokens `creds` holds: an e-mail address or phone number (default alice's). */
  login?: string;
  /** Runs before the sim's log is cleared: what the call needs (a code sent, a group made). */
  prepare?(ctx: Omit<WireCtx, 'data'>): Promise<RowData> | RowData;
  act(ctx: WireCtx): Promise<unknown>;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string | ((ctx: WireCtx) => string);
  /** The region host addressed; null = the region-less global host. */
  region: Region | null;
  auth: 'sign' | 'bearer';
  /** The operation's own fields as they must arrive: JSON values in a body, strings in a query. */
  fields(ctx: WireCtx): Record<string, unknown>;
  /** Fields that must not be sent at all. */
  absent?: string[];
  /** What the raw request line must show (the tap's view). */
  rawLine?: RegExp;
  /** The parsed result, checked against the sim's own state. */
  result(value: unknown, ctx: WireCtx): void | Promise<void>;
}

const inBody = (method: string) => method === 'POST' || method === 'PUT';

function assessCommonFields(record: HttpRecord, nowSec: number): void {
  const ok8 = /^[A-Za-z0-9]{8}$/;
  if (inBody(record.method)) {
    expect(record.headers['content-type']).toMatch(/^application\/json/);
    expect(record.query).toEqual({});
    const body = JSON.parse(record.body) as Record<string, unknown>;
    expect(body['appid']).toBe(APP_ID);
    expect(body['nonce']).toMatch(ok8);
    expect(body['version']).toBe(8); // a JSON number, not "8"
    expect(typeof body['ts']).toBe('number');
    expect(Number.isInteger(body['ts'])).toBe(true);
    expect(Math.abs((body['ts'] as number) - nowSec)).toBeLessThanOrEqual(5);
  } else {
    expect(record.body).toBe('');
    expect(record.query['appid']).toBe(APP_ID);
    expect(record.query['nonce']).toMatch(ok8);
    expect(record.query['version']).toBe('8');
    expect(record.query['ts']).toMatch(/^\d+$/); // whole seconds, not ms, not fractional
    expect(Math.abs(Number(record.query['ts']) - nowSec)).toBeLessThanOrEqual(5);
  }
}

/** One test per row: `env` is read when the rows run (after the file's beforeAll). */
export function describeWireCases(title: string, env: () => WireEnv, cases: readonly WireCase[]): void {
  describe(title, () => {
    beforeEach(() => {
      env().tap.lines.length = 0;
    });

    it.each(cases)('$operation: $method', async (row) => {
      // Prepare
      const { sim, tap } = env();
      const creds = credentialsFor(sim, row.login ?? ALICE.email);
      const ctx: WireCtx = { creds, data: await row.prepare?.({ creds }) };
      sim.stats.reset();
      tap.lines.length = 0;
      const nowSec = Date.now() / 1000;

      // Act
      const value = await row.act(ctx);

      // Assess: one request, where and how it was sent
      const record = onlyHttpRecord(sim);
      expect(record.method).toBe(row.method);
      expect(record.path).toBe(typeof row.path === 'function' ? row.path(ctx) : row.path);
      expect(record.region).toBe(row.region);
      expect(tap.lines).toHaveLength(1);
      if (row.rawLine) expect(tap.lines[0]).toMatch(row.rawLine);

      // Assess: the Authorization scheme; a signature is HMAC-SHA256 over the bytes as received
      const authorization = record.headers['authorization'];
      if (row.auth === 'bearer') expect(authorization).toBe(`Bearer ${ctx.creds.at}`);
      else if (inBody(row.method)) expect(authorization).toBe(`Sign ${signBody(APP_SECRET, record.body)}`);
      else expect(authorization).toBe(`Sign ${signQuery(APP_SECRET, record.query)}`);

      // Assess: common fields, typed as the spec says, and the operation's own fields
      assessCommonFields(record, nowSec);
      const input: Record<string, unknown> = inBody(row.method) ? JSON.parse(record.body) : record.query;
      expect(input).toMatchObject(row.fields(ctx));
      for (const name of row.absent ?? []) expect(input).not.toHaveProperty(name);

      // Assess: the parsed result
      await row.result(value, ctx);
    });
  });
}

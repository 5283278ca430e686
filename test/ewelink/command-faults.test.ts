import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { Budget, withBudget } from '../../lib/deadline';
import { CloudBusy, CloudTimeout, OutcomeUnknown, toDomainError } from '../../lib/errors';
import { EwelinkClient } from '../../lib/ewelink/client';
import { CommandChannel, type CommandChannelOptions, type SessionEvent } from '../../lib/ewelink/command';
import { AnswerLost, CloudCallTimeout, CloudPaced } from '../../lib/ewelink/errors';
import { closeHttpPools } from '../../lib/ewelink/http';
import { closedPort } from '../adapters/http/stacks';
import { CLOUD_LIMITS, Politeness } from '../../lib/ewelink/politeness';
import type { Credentials } from '../../lib/ewelink/types';
import type { Sim } from '../../sim/index';
import { ALICE, APP_ID, APP_SECRET, credentialsFor, httpLog, LAMP, rejection, socketLog, testSim } from './fixture';

/*
 * The command path when the cloud misbehaves: a socket that cannot be had is left alone for a
 * growing window (commands go over HTTP meanwhile), a hanging cloud ends within the request's
 * budget, a command whose answer was lost says so instead of being sent again blindly, and the
 * cloud's rate limits are kept however many commands arrive at once.
 */

let sim: Sim;
let channel: CommandChannel;
let creds: Credentials;
const lamp = { deviceid: LAMP, apikey: ALICE.apikey };
const STATUS = 'POST /api/user/device/status';
const READ = 'GET /api/user/device/status';

/** A limiter that lets everything through at once: for the tests whose subject is not the rate limits. */
function unlimited(): Politeness {
  return new Politeness({ minGapMs: 0, maxCalls: Number.POSITIVE_INFINITY, windowMs: 1 });
}

/** A client with a limiter of its own, so one test's calls do not hold up the next one's. */
function clientOn(target: Sim, politeness: Politeness = unlimited()): EwelinkClient {
  return new EwelinkClient({ appId: APP_ID, appSecret: APP_SECRET, apiUrl: target.apiUrlTemplate, timeoutMs: 5_000, politeness });
}

/** A channel without jitter (random 0.5 gives each window its nominal length). */
function newChannel(options: CommandChannelOptions = {}, target: Sim = sim, politeness: Politeness = unlimited()): CommandChannel {
  channel = new CommandChannel(clientOn(target, politeness), { connectTimeoutMs: 2_000, requestTimeoutMs: 2_000, politeness, random: () => 0.5, ...options });
  return channel;
}

function flipped(): 'on' | 'off' {
  return sim.device(LAMP).params['switch'] === 'on' ? 'off' : 'on';
}

/** The channel's reports of failed attempts to open the socket, as they come. */
function failures(of: CommandChannel): Extract<SessionEvent, { outcome: 'failed' }>[] {
  const seen: Extract<SessionEvent, { outcome: 'failed' }>[] = [];
  of.on('session', (event: SessionEvent) => {
    if (event.outcome === 'failed') seen.push(event);
  });
  return seen;
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work;
  return { value, ms: Date.now() - started };
}

beforeAll(async () => {
  sim = await testSim();
});
afterAll(async () => {
  await closeHttpPools();
  await sim.close();
});
beforeEach(() => {
  creds = credentialsFor(sim, ALICE.email);
  sim.stats.reset();
});
afterEach(() => {
  channel?.close();
  sim.clearFaults();
});

describe('backoff: a socket that cannot be had', () => {
  it('refused upgrades → commands go over HTTP, one probe per window, the window doubles, the dispatch answer is kept', async () => {
    // Prepare: a 1 s first window
    sim.faults.refuseSockets = true;
    newChannel({ backoffBaseMs: 1_000 });
    const failed = failures(channel);

    // Act: a first command, then five more inside the window its failed attempt opens
    const routes = [await channel.send(creds, lamp, { switch: flipped() })];
    await vi.waitFor(() => expect(failed).toHaveLength(1), { timeout: 3_000, interval: 5 });
    for (let i = 0; i < 5; i++) routes.push(await channel.send(creds, lamp, { switch: flipped() }));
    const attemptsInWindow = failed.length;
    // the window ends; the next command makes the one probe
    await vi.waitFor(() => expect(channel.socketDownUntil(creds)).toBeUndefined(), { timeout: 3_000, interval: 5 });
    routes.push(await channel.send(creds, lamp, { switch: flipped() }));
    await vi.waitFor(() => expect(failed).toHaveLength(2), { timeout: 3_000, interval: 5 });

    // Assess
    expect(routes).toEqual(Array(7).fill('http'));
    expect(attemptsInWindow).toBe(1);
    expect(failed.map((f) => f.retryInMs)).toEqual([1_000, 2_000]);
    expect(sim.stats.byPath['POST /dispatch/app']).toBe(1);
    expect(sim.stats.byPath[STATUS]).toBe(7);
    expect(sim.stats.upgrades).toBe(2);
    expect(sim.stats.connections).toBe(0);
  });

  it('once the socket is taken again, the probe after the window opens it and the commands after go over it', async () => {
    // Prepare: one failed attempt, then the cloud takes sockets again
    sim.faults.refuseSockets = true;
    newChannel({ backoffBaseMs: 200 });
    const failed = failures(channel);
    await channel.send(creds, lamp, { switch: flipped() });
    await vi.waitFor(() => expect(failed).toHaveLength(1), { timeout: 3_000, interval: 5 });
    sim.faults.refuseSockets = false;
    const inWindow = await channel.send(creds, lamp, { switch: flipped() });
    await vi.waitFor(() => expect(channel.socketDownUntil(creds)).toBeUndefined(), { timeout: 3_000, interval: 5 });

    // Act
    const probe = await channel.send(creds, lamp, { switch: flipped() });
    const opened = await channel.connect(creds);
    const after = await channel.send(creds, lamp, { switch: flipped() });

    // Assess
    expect([inWindow, probe, opened, after]).toEqual(['http', 'http', true, 'socket']);
    expect(sim.stats.connections).toBe(1);
    expect(failed).toHaveLength(1);
  });

  it('a failing dispatch → one dispatch per window, never one per command', async () => {
    // Prepare
    sim.faults.dispatchFailing = true;
    newChannel({ backoffBaseMs: 1_000 });
    const failed = failures(channel);

    // Act: four commands at once, as a scene would send them, then more inside the window
    const burst = await Promise.all([0, 1, 2, 3].map(() => channel.query(creds, lamp, ['switch'])));
    await vi.waitFor(() => expect(failed).toHaveLength(1), { timeout: 3_000, interval: 5 });
    const inWindow = await channel.send(creds, lamp, { switch: flipped() });
    const dispatchesInWindow = sim.stats.byPath['POST /dispatch/app'];
    await vi.waitFor(() => expect(channel.socketDownUntil(creds)).toBeUndefined(), { timeout: 3_000, interval: 5 });
    await channel.send(creds, lamp, { switch: flipped() });
    await vi.waitFor(() => expect(failed).toHaveLength(2), { timeout: 3_000, interval: 5 });

    // Assess
    expect(burst).toHaveLength(4);
    expect(inWindow).toBe('http');
    expect(dispatchesInWindow).toBe(1);
    expect(sim.stats.byPath['POST /dispatch/app']).toBe(2);
    expect(failed.map((f) => f.retryInMs)).toEqual([1_000, 2_000]);
  });
});

describe('backoff: a silent handshake', () => {
  let silent: WebSocketServer;
  let silentSim: Sim;
  let upgrades = 0;

  beforeAll(async () => {
    // A socket server that takes the upgrade and never answers userOnline; the sim's dispatch names it.
    silent = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    silent.on('connection', () => (upgrades += 1));
    await new Promise<void>((resolve) => silent.once('listening', () => resolve()));
    silentSim = await testSim({ dispatchDomain: '127.0.0.1', dispatchPort: (silent.address() as AddressInfo).port });
  });
  afterAll(async () => {
    for (const client of silent.clients) client.terminate();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    await silentSim.close();
  });

  it('no command waits for the connect limit, and after the silent handshake the socket is left alone for its window', async () => {
    // Prepare: a 1.5 s connect limit, a window far longer than the test, the cloud's own rate limits
    const aliceThere = credentialsFor(silentSim, ALICE.email);
    newChannel({ connectTimeoutMs: 1_500, backoffBaseMs: 60_000 }, silentSim, new Politeness());
    const failed = failures(channel);

    // Act: one command while the socket opens, one after it failed
    const first = await timed(channel.send(aliceThere, lamp, { switch: 'on' }));
    await vi.waitFor(() => expect(failed).toHaveLength(1), { timeout: 5_000, interval: 10 });
    const second = await timed(channel.send(aliceThere, lamp, { switch: 'off' }));

    // Assess
    expect([first.value, second.value]).toEqual(['http', 'http']);
    // the limiter spaces the two status calls 500 ms apart; neither waited the 1.5 s connect limit
    expect(first.ms).toBeLessThan(1_000);
    expect(second.ms).toBeLessThan(1_000);
    expect(failed[0]?.error.message).toMatch(/no reply within/);
    expect(upgrades).toBe(1);
    expect(silentSim.device(LAMP).params['switch']).toBe('off');
  });
});

describe('deadlines: a hanging cloud', () => {
  it('a command over HTTP that gets no answer ends within the budget as outcome_unknown; nothing else is sent', async () => {
    // Prepare: every answer, HTTP and socket, comes after 3 s
    sim.faults.latencyMs = 3_000;
    newChannel();

    // Act
    const { value: err, ms } = await timed(rejection(withBudget(Budget.of(800), () => channel.send(creds, lamp, { switch: flipped() }))));

    // Assess
    expect(ms).toBeLessThan(1_500);
    expect(err).toBeInstanceOf(AnswerLost);
    expect(toDomainError(err)).toBeInstanceOf(OutcomeUnknown);
    expect(toDomainError(err)?.code).toBe('outcome_unknown');
    expect(sim.stats.byPath[STATUS]).toBe(1);
  });

  it('a read ends within the budget as cloud_timeout', async () => {
    // Prepare
    sim.faults.latencyMs = 3_000;
    newChannel();

    // Act
    const { value: err, ms } = await timed(rejection(withBudget(Budget.of(800), () => channel.query(creds, lamp, ['switch']))));
    const list = await rejection(withBudget(Budget.of(500), () => clientOn(sim).devices(creds)));

    // Assess
    expect(ms).toBeLessThan(1_500);
    expect(err).toBeInstanceOf(CloudCallTimeout);
    expect(toDomainError(err)).toBeInstanceOf(CloudTimeout);
    expect(toDomainError(list)?.code).toBe('cloud_timeout');
  });

  it('a budget already spent sends nothing: cloud_timeout, not outcome_unknown', async () => {
    // Prepare
    newChannel();
    const spent = Budget.of(0);

    // Act
    const err = await rejection(withBudget(spent, () => channel.send(creds, lamp, { switch: flipped() })));

    // Assess
    expect(toDomainError(err)).toBeInstanceOf(CloudTimeout);
    expect(sim.stats.byPath[STATUS]).toBeUndefined();
  });
});

describe('a lost answer', () => {
  it('a toggle whose socket dropped after it was sent → outcome_unknown: the device is read, nothing is sent again', async () => {
    // Prepare
    newChannel();
    expect(await channel.connect(creds)).toBe(true);
    sim.faults.dropSocketBeforeReply = true;
    const before = sim.device(LAMP).params['switch'];

    // Act
    const err = await rejection(channel.send(creds, lamp, { switch: flipped() }, { fromState: true }));

    // Assess
    expect(err).toBeInstanceOf(AnswerLost);
    expect(toDomainError(err)?.code).toBe('outcome_unknown');
    expect(toDomainError(err)?.message).toMatch(/may have changed/);
    expect(socketLog(sim, 'update')).toHaveLength(1);
    expect(sim.stats.byPath[READ]).toBe(1);
    expect(sim.stats.byPath[STATUS]).toBeUndefined();
    expect(sim.device(LAMP).params['switch']).toBe(before);
  });

  it.each([
    { lost: 'its socket dropped after the device applied it', requestTimeoutMs: 2_000, fault: () => (sim.faults.dropSocketAfterApply = true) },
    // the device applies at once, every answer comes after 1 s, the socket waits 400 ms for its reply
    { lost: 'its reply never came', requestTimeoutMs: 400, fault: () => (sim.faults.latencyMs = 1_000) },
  ])('a toggle the device applied, whose answer was lost ($lost) → the read shows it: done, over HTTP, nothing sent again', async ({ requestTimeoutMs, fault }) => {
    // Prepare
    newChannel({ requestTimeoutMs });
    expect(await channel.connect(creds)).toBe(true);
    fault();
    const next = flipped();

    // Act
    const via = await channel.send(creds, lamp, { switch: next }, { fromState: true });

    // Assess: switched once, by the one update; the HTTP read confirmed it
    expect(via).toBe('http');
    expect(sim.device(LAMP).params['switch']).toBe(next);
    expect(socketLog(sim, 'update')).toHaveLength(1);
    expect(sim.stats.byPath[READ]).toBe(1);
    expect(sim.stats.byPath[STATUS]).toBeUndefined();
  });

  it('an HTTP command whose connection is cut before the answer → outcome_unknown, sent once; a call that could not connect stays cloud_unavailable', async () => {
    // Prepare: no socket, so the command goes over HTTP
    sim.faults.refuseSockets = true;
    newChannel({ backoffBaseMs: 60_000 });
    sim.faults.dropHttpAfterApply = true;
    const next = flipped();
    const closed = new EwelinkClient({ appId: APP_ID, appSecret: APP_SECRET, apiUrl: `http://127.0.0.1:${await closedPort()}/{region}`, timeoutMs: 2_000, politeness: unlimited() });

    // Act
    const cut = await rejection(channel.send(creds, lamp, { switch: next }));
    const refused = await rejection(closed.setStatus(creds, LAMP, { switch: next }));

    // Assess
    expect(cut).toBeInstanceOf(AnswerLost);
    expect(toDomainError(cut)?.code).toBe('outcome_unknown');
    expect(sim.stats.byPath[STATUS]).toBe(1);
    expect(sim.device(LAMP).params['switch']).toBe(next);
    expect(toDomainError(refused)?.code).toBe('cloud_unavailable');
  });
});

describe('politeness: the cloud rate limits', () => {
  /** A cloud that has seen no call yet: the limits it keeps remember the earlier tests' calls. */
  let quiet: Sim;
  beforeAll(async () => {
    quiet = await testSim();
  });
  afterAll(() => quiet.close());

  it('50 commands at once: the status calls reach the cloud at least 500 ms apart; those whose turn lies past the budget answer cloud_busy', async () => {
    // Prepare: no socket, so every command goes over HTTP; one limiter, as one instance has
    quiet.faults.refuseSockets = true;
    // The simulator refuses what the real cloud would: a call that crosses its limits
    quiet.faults.enforceLimits = true;
    newChannel({ backoffBaseMs: 60_000 }, quiet, new Politeness(CLOUD_LIMITS));
    const quietCreds = credentialsFor(quiet, ALICE.email);
    const budgetMs = 2_800;

    // Act
    const settled = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => withBudget(Budget.of(budgetMs), () => channel.send(quietCreds, lamp, { switch: i % 2 === 0 ? 'on' : 'off' }))),
    );

    // Assess
    const arrivals = httpLog(quiet).filter((r) => `${r.method} ${r.path}` === STATUS).map((r) => r.time).sort((a, b) => a - b);
    const gaps = arrivals.slice(1).map((t, k) => t - (arrivals[k] as number));
    const done = settled.filter((s) => s.status === 'fulfilled');
    const busy = settled.flatMap((s) => (s.status === 'rejected' ? [toDomainError(s.reason)] : []));
    expect(done.length).toBe(arrivals.length);
    expect(arrivals.length).toBeGreaterThanOrEqual(4);
    expect(arrivals.length).toBeLessThanOrEqual(6);
    // counted from each call's answer, so a call slowed by opening a connection cannot bring the next one closer
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(500);
    expect(busy).toHaveLength(50 - arrivals.length);
    expect(quiet.stats.limitCrossings).toEqual({ total: 0, byEndpoint: {} });
    for (const err of busy) {
      expect(err).toBeInstanceOf(CloudBusy);
      expect((err as CloudBusy).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    }
  });

  it('a turn pushed past the budget by a slow call ahead is cloud_busy, and nothing is sent', async () => {
    // Prepare: a 300 ms gap; the call ahead takes 1 s (its turn was worked out as if it took none)
    const politeness = new Politeness({ minGapMs: 300, maxCalls: 300, windowMs: 60_000 });
    const ahead = await politeness.turn('acct', 'POST /x', 'ahead');
    setTimeout(ahead, 1_000);

    // Act: a call with 450 ms left: its turn looks like 300 ms away, but the call ahead holds the lane to 300 ms, then the gap
    const { value: err, ms } = await timed(rejection(withBudget(Budget.of(450), () => politeness.turn('acct', 'POST /x', 'behind'))));
    const next = await timed(politeness.turn('acct', 'POST /x', 'next'));

    // Assess: refused when its budget ran out, and the lane goes on as if it had not asked
    expect(err).toBeInstanceOf(CloudPaced);
    expect(toDomainError(err)?.code).toBe('cloud_busy');
    expect(ms).toBeGreaterThanOrEqual(440);
    expect(ms).toBeLessThan(550);
    expect(next.ms).toBeLessThan(1_000);
  });

  it('at most maxCalls in a window: the next call would wait for the window, so past the budget it is refused at once', async () => {
    // Prepare: the cloud's rule scaled down, three calls a minute and no gap
    const politeness = new Politeness({ minGapMs: 0, maxCalls: 3, windowMs: 60_000 });
    const client = clientOn(sim, politeness);
    for (let i = 0; i < 3; i++) await client.getStatus(creds, LAMP, ['switch']);

    // Act
    const { value: err, ms } = await timed(rejection(withBudget(Budget.of(5_000), () => client.getStatus(creds, LAMP, ['switch']))));

    // Assess
    expect(ms).toBeLessThan(100);
    expect(err).toBeInstanceOf(CloudPaced);
    expect((err as CloudPaced).retryAfterMs).toBeGreaterThan(55_000);
    expect((toDomainError(err) as CloudBusy).retryAfterSeconds).toBeGreaterThanOrEqual(56);
    expect(sim.stats.byPath[READ]).toBe(3);
  });
});

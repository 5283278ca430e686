import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { request } from 'undici';
import { interrupt, startLocal, type Running } from '../test/support/local-start';

/** Seconds each target is loaded for (LOAD_SECONDS overrides, for a quick look). */
const SECONDS = Number(process.env.LOAD_SECONDS) || 30;
const CONNECTIONS = 50;
/** The highest limit a key or hook may have: the bridge's own rate limit is not what is measured. */
const HIGHEST_LIMIT = { perSecond: 100, burst: 100 };

interface CloudCounts {
  http: number;
  socketMessages: number;
  connections: number;
  limitCrossings?: { total: number };
}

/**
 * `npm start` on loopback under load: autocannon, bounded (SECONDS, 50 connections), against
 * `GET /devices` and a webhook that toggles a lamp, each with a key or hook at the highest
 * limit the bridge allows. Prints requests a second, latency p50/p99, the answers by status
 * (the rest past the limit are 429s, which is the bridge doing its job), and the cloud calls
 * the load caused, as the simulator counted them, with its count of limit crossings.
 */
export async function benchLoad(): Promise<string[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ewelink-bridge-load-'));
  let running: Running | undefined;
  try {
    running = await startLocal(dataDir, ['--fresh']);
    const key = (await json(running, 'POST', '/keys', running.adminKey, { label: 'load', limit: HIGHEST_LIMIT })).key as string;
    const hook = await json(running, 'POST', '/hooks', running.adminKey, { deviceid: '1000000001', action: { power: 'toggle' }, name: 'load', limit: HIGHEST_LIMIT });
    const lines: string[] = [];
    lines.push(await load(running, 'GET /devices', { url: `${running.url}/devices`, headers: { authorization: `Bearer ${key}` } }));
    lines.push(await load(running, 'POST hook (toggle)', { url: String(hook.url), method: 'POST' }));
    return lines;
  } finally {
    if (running) await interrupt(running);
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function load(running: Running, what: string, target: { url: string; method?: 'GET' | 'POST'; headers?: Record<string, string> }): Promise<string> {
  await request(`${running.simUrl}/_sim/stats/reset`, { method: 'POST' }).then((r) => r.body.dump());
  const result = await autocannon({ ...target, connections: CONNECTIONS, duration: SECONDS });
  const cloud = (await (await request(`${running.simUrl}/_sim/stats`)).body.json()) as CloudCounts;
  const statuses = `2xx ${result['2xx']}, 4xx ${result['4xx']}, 5xx ${result['5xx']}, errors ${result.errors}, timeouts ${result.timeouts}`;
  const crossings = cloud.limitCrossings ? `, ${cloud.limitCrossings.total} limit crossing(s)` : '';
  return (
    `${what}: ${result.requests.average.toFixed(0)} requests/s over ${SECONDS} s with ${CONNECTIONS} connections; ` +
    `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; ${statuses}; ` +
    `cloud calls caused: ${cloud.http} HTTP, ${cloud.socketMessages} socket messages, ${cloud.connections} socket connection(s)${crossings}`
  );
}

async function json(running: Running, method: 'GET' | 'POST', path: string, key: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await request(`${running.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await res.body.json()) as Record<string, unknown>;
  if (res.statusCode >= 300) throw new Error(`${method} ${path} answered ${res.statusCode}: ${JSON.stringify(answer)}`);
  return answer;
}

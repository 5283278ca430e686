import { Logger } from '@aws-lambda-powertools/logger';
import { request } from 'undici';
import { httpApiHandler } from '../lib/adapters/http/lambda';
import { createBridge } from '../lib/bridge';
import type { BridgeConfig } from '../lib/config';
import { closeHttpPools } from '../lib/ewelink/http';
import { CLOUD_LIMITS } from '../lib/ewelink/politeness';
import { documentClient, ensureTable } from '../lib/store';
import { serveApi } from '../local/api-server';
import { startDynamoLocal } from '../local/dynamo-local';
import { demoSeed, type Sim } from '../sim';
import { benchCloud, countTableCalls, linkBenchAccount, type BenchApi } from './bench-bridge';

const ACCOUNT = 'default';
const LAMP = '1000000001';

interface Sample {
  roundTrips: number;
  http: number;
  socket: number;
  dynamoReads: number;
  dynamoWrites: number;
  ms: number;
}

/**
 * Warm on/off commands through the HTTP handler, against the simulator and DynamoDB Local:
 * cloud round trips (HTTP requests + socket messages) and DynamoDB reads per command, and the
 * wall time once every cloud round trip costs 50 ms more.
 */
export async function benchWarmCommand(api: BenchApi = 'v1'): Promise<string[]> {
  const ddb = await startDynamoLocal();
  const seed = demoSeed({});
  const { sim, cloud } = await benchCloud(api, seed);
  const client = documentClient({ endpoint: ddb.endpoint });
  const counts = countTableCalls(client);
  await ensureTable(client, 'bench');
  const bridge = createBridge({ tableName: 'bench', dynamoEndpoint: ddb.endpoint, ...cloud });
  await linkBenchAccount(bridge, api, ACCOUNT, seed);
  const { key } = await bridge.apiKeys.create(ACCOUNT, { label: 'bench', limit: { perSecond: 100, burst: 100 } });
  const server = await serveApi(httpApiHandler(bridge, new Logger({ logLevel: 'SILENT' })));
  const hookPaths: Record<string, string> = {};
  for (const power of ['on', 'off']) {
    // A bench calls faster than a button is pressed: the hook gets the highest limit a hook may have.
    const hook = (await post(`${server.url}/hooks`, key, { deviceid: LAMP, action: { power }, limit: { perSecond: 100, burst: 100 } })) as { url: string };
    hookPaths[power] = new URL(hook.url).pathname;
  }

  async function command(kind: 'control' | 'webhook', power: 'on' | 'off'): Promise<Sample> {
    sim.stats.reset();
    counts.reads = 0;
    counts.writes = 0;
    const started = performance.now();
    if (kind === 'control') await post(`${server.url}/devices/${LAMP}/control`, key, { power });
    else await post(`${server.url}${hookPaths[power]}`, undefined, {});
    const ms = performance.now() - started;
    const http = sim.stats.http;
    const socket = sim.stats.socketMessages;
    return { roundTrips: http + socket, http, socket, dynamoReads: counts.reads, dynamoWrites: counts.writes, ms };
  }

  const lines: string[] = [];
  const first = await command('control', 'on'); // the first instance: it lists the devices and asks for the dispatch
  lines.push(`first command of the first instance: ${first.roundTrips} round trips (${first.http} HTTP + ${first.socket} socket), ${first.dynamoReads} DynamoDB reads, ${first.ms.toFixed(1)} ms`);
  await post(`${server.url}/devices/${LAMP}/control`, key, { power: 'off' }); // the socket, opened in the background, is there for what follows
  for (const kind of ['control', 'webhook'] as const) {
    const plain: Sample[] = [];
    for (let i = 0; i < 20; i++) plain.push(await command(kind, i % 2 ? 'on' : 'off'));
    sim.faults.latencyMs = 50;
    const slow: Sample[] = [];
    for (let i = 0; i < 10; i++) slow.push(await command(kind, i % 2 ? 'on' : 'off'));
    sim.faults.latencyMs = 0;
    const last = plain[plain.length - 1] as Sample;
    lines.push(
      `warm ${kind === 'control' ? 'POST /devices/{id}/control' : 'POST /hooks/{hookId}/{secret}'}: ` +
        `${last.roundTrips} cloud round trip(s) (${last.http} HTTP + ${last.socket} socket), ${last.dynamoReads} DynamoDB read(s), ${last.dynamoWrites} write(s) (the rate-limit token); ` +
        `median ${median(plain.map((s) => s.ms)).toFixed(1)} ms, with 50 ms per round trip median ${median(slow.map((s) => s.ms)).toFixed(1)} ms ` +
        `(max round trips seen: ${Math.max(...plain.map((s) => s.roundTrips))}, max reads: ${Math.max(...plain.map((s) => s.dynamoReads))})`,
    );
  }
  // By now the first instance has kept the dispatch answer in the table, as a warm instance would have.
  lines.splice(1, 0, await coldCommand(api, ddb.endpoint, cloud, sim, key));
  bridge.close();
  await server.close();
  await sim.close();
  await ddb.stop();
  return lines;
}

/**
 * The first command of a NEW instance, as a cold Lambda meets it: the table already holds the
 * tokens, the device list and the dispatch answer an earlier instance kept, but this process has
 * no connection open. Every cloud round trip costs 50 ms, and each new connection two more (the
 * simulator's TCP and TLS set-up). Counted: what the command's answer waited for (HTTP calls and
 * the set-up of their connections); the socket the instance opens meanwhile is counted apart.
 */
async function coldCommand(api: BenchApi, endpoint: string, cloud: Omit<BridgeConfig, 'tableName'>, sim: Sim, key: string): Promise<string> {
  await closeHttpPools();
  // A new instance has its own memory of the cloud's limits, as a new Lambda does.
  const fresh = createBridge({ tableName: 'bench', dynamoEndpoint: endpoint, ...cloud }, { cloudLimits: CLOUD_LIMITS });
  const server = await serveApi(httpApiHandler(fresh, new Logger({ logLevel: 'SILENT' })));
  sim.faults.latencyMs = 50;
  sim.stats.reset();
  const started = performance.now();
  await post(`${server.url}/devices/${LAMP}/control`, key, { power: 'on' });
  const ms = performance.now() - started;
  const { http, httpConnections, byPath } = sim.stats;
  const onPath = http + 2 * httpConnections;
  sim.faults.latencyMs = 0;
  fresh.close();
  await server.close();
  return (
    `first command of a new instance (${api}; tokens, device list and dispatch answer kept in the table), 50 ms per round trip: ${ms.toFixed(1)} ms; ` +
    `${onPath} round trip(s) on its path (${http} HTTP: ${Object.keys(byPath).join(', ')}; + ${2 * httpConnections} for ${httpConnections} new connection(s)); the socket opens in the background for the next command`
  );
}

async function post(url: string, key: string | undefined, body: unknown): Promise<unknown> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await request(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${url}: HTTP ${res.statusCode} ${text}`);
  return JSON.parse(text);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

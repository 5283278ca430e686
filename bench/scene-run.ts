import { Logger } from '@aws-lambda-powertools/logger';
import { request } from 'undici';
import { httpApiHandler } from '../lib/adapters/http/lambda';
import { createBridge } from '../lib/bridge';
import { documentClient, ensureTable } from '../lib/store';
import { serveApi } from '../local/api-server';
import { startDynamoLocal } from '../local/dynamo-local';
import { benchCloud, linkBenchAccount, type BenchApi } from './bench-bridge';
import { median } from './warm-command';

const DEVICES = 20;

/**
 * A 20-device scene run through the HTTP handler with 50 ms added to every cloud round trip:
 * the commands go out together over one socket, so the run should take about one round trip.
 */
export async function benchSceneRun(api: BenchApi = 'v1'): Promise<string[]> {
  const ddb = await startDynamoLocal();
  const devices = Array.from({ length: DEVICES }, (_, i) => ({ deviceid: `20000000${String(i).padStart(2, '0')}`, name: `Plug ${i}`, uiid: 1, params: { switch: 'off' } }));
  const account = { email: 'bench@example.com', password: 'bench-password', region: 'eu' as const, devices };
  const { sim, cloud } = await benchCloud(api, account);
  await ensureTable(documentClient({ endpoint: ddb.endpoint }), 'bench-scenes');
  const bridge = createBridge({ tableName: 'bench-scenes', dynamoEndpoint: ddb.endpoint, ...cloud });
  await linkBenchAccount(bridge, api, 'default', account);
  const { key } = await bridge.apiKeys.create('default', { label: 'bench', limit: { perSecond: 100, burst: 100 } });
  const server = await serveApi(httpApiHandler(bridge, new Logger({ logLevel: 'SILENT' })));
  const call = async (path: string, body?: unknown) => {
    const res = await request(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`${path}: HTTP ${res.statusCode} ${text}`);
    return JSON.parse(text) as { scene: { id: string }; ok: number };
  };
  const scenes: Record<string, string> = {};
  for (const power of ['on', 'off']) {
    scenes[power] = (await call('/scenes', { name: `All ${power}`, actions: devices.map((d) => ({ deviceid: d.deviceid, command: { power } })) })).scene.id;
  }
  await call(`/scenes/${scenes.on}/run`); // opens the session
  sim.faults.latencyMs = 50;
  const times: number[] = [];
  let roundTrips = 0;
  const measure = async () => {
    for (let i = 0; i < 6; i++) {
      sim.stats.reset();
      const started = performance.now();
      const run = await call(`/scenes/${scenes[i % 2 ? 'on' : 'off']}/run`);
      times.push(performance.now() - started);
      roundTrips = sim.stats.http + sim.stats.socketMessages;
      if (run.ok !== DEVICES) throw new Error(`scene run: only ${run.ok} of ${DEVICES} devices answered`);
    }
  };
  await measure();
  const socketLine = `${DEVICES}-device scene, warm, 50 ms per cloud round trip: median ${median(times).toFixed(1)} ms (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)}); ${roundTrips} cloud round trips in flight together (one socket message per device, one session)`;
  // No socket to be had: v2 sends the whole scene in one batch-status call, v1 one status call per device.
  sim.faults.refuseSockets = true;
  bridge.close();
  times.length = 0;
  await measure();
  const httpLine = `the same without a socket: median ${median(times).toFixed(1)} ms (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)}); ${roundTrips} HTTP calls (the dispatch that found no socket, then ${api === 'v2' ? 'one batch-status call' : 'one status call per device, all at once'})`;
  sim.faults.latencyMs = 0;
  bridge.close();
  await server.close();
  await sim.close();
  await ddb.stop();
  return [socketLine, httpLine];
}

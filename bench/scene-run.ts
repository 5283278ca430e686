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
 * Without a socket, v2 sends one batch call; v1 one call per device, paced by the cloud's limits.
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
    return JSON.parse(text) as { scene: { id: string }; ok: number; results?: unknown[] };
  };
  const scenes: Record<string, string> = {};
  for (const power of ['on', 'off']) {
    scenes[power] = (await call('/scenes', { name: `All ${power}`, actions: devices.map((d) => ({ deviceid: d.deviceid, command: { power } })) })).scene.id;
  }
  await call(`/scenes/${scenes.on}/run`); // opens the session
  sim.faults.latencyMs = 50;
  const times: number[] = [];
  const answered: number[] = [];
  let roundTrips = 0;
  const measure = async (runs: number, allMustAnswer: boolean) => {
    for (let i = 0; i < runs; i++) {
      sim.stats.reset();
      const started = performance.now();
      const run = await call(`/scenes/${scenes[i % 2 ? 'on' : 'off']}/run`);
      times.push(performance.now() - started);
      answered.push(run.ok);
      roundTrips = sim.stats.http + sim.stats.socketMessages;
      if (allMustAnswer && run.ok !== DEVICES) throw new Error(`scene run: only ${run.ok} of ${DEVICES} devices answered: ${JSON.stringify(run).slice(0, 2000)}`);
    }
  };
  await measure(6, true);
  const socketLine = `${DEVICES}-device scene, warm, 50 ms per cloud round trip: median ${median(times).toFixed(1)} ms (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)}); ${roundTrips} cloud round trips in flight together (one socket message per device, one session)`;
  // No socket to be had: v2 sends the whole scene in one batch-status call, v1 one status call per device.
  // v1 has no batch call: its status calls wait their turns on one endpoint (500 ms apart), so
  // a run takes about 10 s and the last device may meet the request's budget (cloud_busy).
  sim.faults.refuseSockets = true;
  bridge.close();
  times.length = 0;
  answered.length = 0;
  await measure(api === 'v2' ? 6 : 2, api === 'v2');
  const how = api === 'v2' ? 'one batch-status call' : "one status call per device, each waiting its turn under the cloud's 500 ms limit";
  const httpLine = `the same without a socket: median ${median(times).toFixed(1)} ms (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)}); ${roundTrips} HTTP calls (${how}); devices answered per run: ${answered.join(', ')} of ${DEVICES}`;
  sim.faults.latencyMs = 0;
  bridge.close();
  await server.close();
  await sim.close();
  await ddb.stop();
  return [socketLine, httpLine];
}

import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { request } from 'undici';
import { answerDirective } from '../lib/adapters/alexa/answer';
import { httpApiHandler } from '../lib/adapters/http/lambda';
import { createBridge } from '../lib/bridge';
import { documentClient, ensureTable } from '../lib/store';
import { serveApi } from '../local/api-server';
import { startDynamoLocal } from '../local/dynamo-local';
import { addClient, linkAssistant } from '../test/support/assistant-oauth';
import { benchCloud, countTableCalls, linkBenchAccount } from './bench-bridge';
import { median } from './warm-command';

const DEVICES = 10;
const ACCOUNT = 'default';

/**
 * The voice assistants with tokens from the bridge's own OAuth server (a link approved on the
 * authorize page, the code traded at the token endpoint): a warm Alexa TurnOn, as the skill's
 * Lambda answers it (one cloud round trip is the target), and a Google EXECUTE naming ten
 * devices through `POST /google/fulfillment` with 50 ms per cloud round trip (about one round
 * trip, not ten).
 */
export async function benchAssistants(): Promise<string[]> {
  const ddb = await startDynamoLocal();
  const devices = Array.from({ length: DEVICES }, (_, i) => ({ deviceid: `30000000${String(i).padStart(2, '0')}`, name: `Light ${i}`, uiid: 1, params: { switch: 'off' } }));
  const account = { email: 'bench@example.com', password: 'bench-password', region: 'eu' as const, devices };
  const { sim, cloud } = await benchCloud('v1', account);
  const client = documentClient({ endpoint: ddb.endpoint });
  const counts = countTableCalls(client);
  await ensureTable(client, 'bench-assistants');
  const bridge = createBridge({ tableName: 'bench-assistants', dynamoEndpoint: ddb.endpoint, ...cloud });
  await linkBenchAccount(bridge, 'v1', ACCOUNT, account);
  const { key } = await bridge.apiKeys.create(ACCOUNT, { label: 'bench', limit: { perSecond: 100, burst: 100 } });
  const server = await serveApi(httpApiHandler(bridge, new Logger({ logLevel: 'SILENT' })));
  const alexa = await linkAssistant(server.url, await addClient(bridge, { name: 'alexa' }), key);
  const google = await linkAssistant(server.url, await addClient(bridge, { name: 'google' }), key);
  const lines: string[] = [];

  // Alexa: the directive as the skill's Lambda gets it, answered by the same bridge (its table client is `client`, counted).
  const turn = async (name: 'TurnOn' | 'TurnOff') => {
    const directive = {
      directive: {
        header: { namespace: 'Alexa.PowerController', name, payloadVersion: '3', messageId: randomUUID(), correlationToken: 'bench' },
        endpoint: { endpointId: devices[0]!.deviceid, scope: { type: 'BearerToken', token: alexa.access_token }, cookie: {} },
        payload: {},
      },
    };
    sim.stats.reset();
    counts.reads = 0;
    counts.writes = 0;
    const started = performance.now();
    const answer = await answerDirective(bridge, directive, { tokens: bridge.assistantLinks });
    const ms = performance.now() - started;
    if (answer.event.header.name !== 'Response') throw new Error(`Alexa ${name}: ${JSON.stringify(answer.event.payload)}`);
    return { roundTrips: sim.stats.http + sim.stats.socketMessages, http: sim.stats.http, socket: sim.stats.socketMessages, reads: counts.reads, writes: counts.writes, ms };
  };
  await turn('TurnOn'); // a new container: the device list, the dispatch, the socket's handshake
  const plain = [];
  for (let i = 0; i < 20; i++) plain.push(await turn(i % 2 ? 'TurnOn' : 'TurnOff'));
  sim.faults.latencyMs = 50;
  const slow = [];
  for (let i = 0; i < 10; i++) slow.push(await turn(i % 2 ? 'TurnOn' : 'TurnOff'));
  sim.faults.latencyMs = 0;
  const last = plain[plain.length - 1]!;
  lines.push(
    `warm Alexa TurnOn/TurnOff: ${last.roundTrips} cloud round trip(s) (${last.http} HTTP + ${last.socket} socket), ${last.reads} DynamoDB read(s) (the token), ${last.writes} write(s) (the messageId claimed, then its answer); ` +
      `median ${median(plain.map((s) => s.ms)).toFixed(1)} ms, with 50 ms per round trip median ${median(slow.map((s) => s.ms)).toFixed(1)} ms (max round trips seen: ${Math.max(...plain.map((s) => s.roundTrips))})`,
  );

  // Google: one EXECUTE naming every device, over HTTP as Google sends it.
  const execute = async (on: boolean) => {
    const body = { requestId: randomUUID(), inputs: [{ intent: 'action.devices.EXECUTE', payload: { commands: [{ devices: devices.map((d) => ({ id: d.deviceid })), execution: [{ command: 'action.devices.commands.OnOff', params: { on } }] }] } }] };
    sim.stats.reset();
    const started = performance.now();
    const res = await request(`${server.url}/google/fulfillment`, { method: 'POST', headers: { authorization: `Bearer ${google.access_token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = (await res.body.json()) as { payload: { commands: { ids: string[]; status: string }[] } };
    const ms = performance.now() - started;
    const done = answer.payload.commands.filter((c) => c.status === 'SUCCESS').flatMap((c) => c.ids).length;
    if (done !== DEVICES) throw new Error(`Google EXECUTE: ${done} of ${DEVICES} devices switched: ${JSON.stringify(answer)}`);
    return { roundTrips: sim.stats.http + sim.stats.socketMessages, ms };
  };
  await execute(true); // the HTTP handler's bridge opens its session
  sim.faults.latencyMs = 50;
  const runs = [];
  for (let i = 0; i < 10; i++) runs.push(await execute(i % 2 === 0));
  sim.faults.latencyMs = 0;
  const times = runs.map((r) => r.ms);
  lines.push(
    `Google EXECUTE of ${DEVICES} devices, warm, 50 ms per cloud round trip: median ${median(times).toFixed(1)} ms (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)}); ` +
      `${runs[runs.length - 1]!.roundTrips} cloud round trips in flight together (one socket message per device, one session)`,
  );

  bridge.close();
  await server.close();
  await sim.close();
  await ddb.stop();
  return lines;
}

import { createBridge } from '../lib/bridge';
import { Budget, withBudget } from '../lib/deadline';
import { documentClient, ensureTable } from '../lib/store';
import { startDynamoLocal } from '../local/dynamo-local';
import { demoSeed } from '../sim';
import { benchCloud, linkBenchAccount } from './bench-bridge';

const ACCOUNT = 'default';
const LAMP = '1000000001';
/** Length of the outage, s (OUTAGE_SECONDS overrides, for a quick look). */
const OUTAGE_SECONDS = Number(process.env.OUTAGE_SECONDS) || 60;
/** A command every this many ms during the outage: a busy household. */
const EVERY_MS = 1_000;

/**
 * A socket outage of OUTAGE_SECONDS: the cloud refuses every WebSocket upgrade while its HTTP API
 * works. Commands keep coming (one a second, each with a 10 s budget, as the local server
 * gives) and go over HTTP; counted are the socket connection attempts the account made (the
 * target: at most one per backoff window, 1 s doubling to 60 s), the dispatch calls, and how
 * the commands fared.
 */
export async function benchOutage(): Promise<string[]> {
  const ddb = await startDynamoLocal();
  const seed = demoSeed({});
  const { sim, cloud } = await benchCloud('v1', seed);
  await ensureTable(documentClient({ endpoint: ddb.endpoint }), 'bench');
  const bridge = createBridge({ tableName: 'bench', dynamoEndpoint: ddb.endpoint, ...cloud });
  try {
    await linkBenchAccount(bridge, 'v1', ACCOUNT, seed);
    await bridge.directory.fetch(ACCOUNT);
    sim.faults.refuseSockets = true;
    sim.stats.reset();
    const outcomes: Record<string, number> = {};
    const ends = Date.now() + OUTAGE_SECONDS * 1000;
    const pending: Promise<void>[] = [];
    for (let i = 0; Date.now() < ends; i++) {
      pending.push(
        withBudget(Budget.of(10_000), () => bridge.controller.control(ACCOUNT, LAMP, { power: i % 2 ? 'on' : 'off' })).then(
          (result) => void (outcomes[`ok via ${result.via}`] = (outcomes[`ok via ${result.via}`] ?? 0) + 1),
          (err: Error & { code?: string }) => void (outcomes[err.name] = (outcomes[err.name] ?? 0) + 1),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
    }
    await Promise.all(pending);
    const attempts = sim.stats.upgrades;
    const dispatches = Object.entries(sim.stats.byPath).filter(([path]) => path.includes('dispatch')).reduce((sum, [, n]) => sum + n, 0);
    return [
      `${OUTAGE_SECONDS} s socket outage, a command every ${EVERY_MS} ms (${pending.length} commands): ${attempts} socket connection attempt(s) for the account, ` +
        `${dispatches} dispatch call(s); commands: ${Object.entries(outcomes).map(([what, n]) => `${n} ${what}`).join(', ')}; ` +
        `${sim.stats.limitCrossings.total} limit crossing(s) at the simulator`,
    ];
  } finally {
    bridge.close();
    await sim.close();
    await ddb.stop();
  }
}

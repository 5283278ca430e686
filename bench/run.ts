/**
 * `npm run bench`: prints the figures behind the bridge's speed targets. Run by hand; never
 * part of the test pass/fail. Words after `--` pick the sections whose titles hold one of them
 * (`npm run bench -- cold` times only the bundles' load).
 */
import '../local/node-version-notice';
import { closeHttpPools } from '../lib/ewelink/http';
import { benchAssistants } from './assistants';
import { benchColdLoad } from './cold-load';
import { benchLoad } from './load';
import { benchOutage } from './outage';
import { benchSceneRun } from './scene-run';
import { benchWarmCommand } from './warm-command';

const sections: [string, () => Promise<string[]>][] = [
  ['Warm command, v1 (target: 1 cloud round trip, at most 1 DynamoDB read)', () => benchWarmCommand('v1')],
  ['Warm command, v2: an account linked through the login page (same target)', () => benchWarmCommand('v2')],
  ['Scene run, v1 (target: close to one round trip, not twenty)', () => benchSceneRun('v1')],
  ['Scene run, v2 (same target; without a socket, one batch-status call)', () => benchSceneRun('v2')],
  ['Voice assistants (targets: a warm Alexa TurnOn costs 1 cloud round trip; a 10-device Google EXECUTE about one round trip, not ten)', benchAssistants],
  ['Socket outage (target: at most one connection attempt per backoff window, no dispatch storm)', benchOutage],
  ['Cold load of each bundled function (target: < 150 ms over bare node)', benchColdLoad],
  ['Under autocannon: npm start on loopback, 50 connections (cloud calls within the limiter)', benchLoad],
];

const picked = process.argv.slice(2).map((word) => word.toLowerCase());
for (const [title, run] of sections) {
  if (picked.length > 0 && !picked.some((word) => title.toLowerCase().includes(word))) continue;
  console.log(`\n## ${title}`);
  for (const line of await run()) console.log(`- ${line}`);
}
await closeHttpPools();

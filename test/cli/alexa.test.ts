import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alexaSample, alexaSchemaErrors } from '../support/assistant-schemas';
import { ACCOUNT, cliEnvironment, startHarness, type Harness } from '../support/bridge';
import { runCli } from '../support/cli';

/*
 * `npx ewelink-bridge alexa --directive FILE`: the skill's code path on a person's machine,
 * without AWS. Amazon's own sample directive, pointed at a simulated device, goes through it
 * and the device switches; the answer is one Alexa accepts.
 */

let h: Harness;
let env: NodeJS.ProcessEnv;
const dir = mkdtempSync(path.join(tmpdir(), 'alexa-directive-'));

beforeAll(async () => {
  h = await startHarness();
  env = cliEnvironment(h.sim, h.table);
});
afterAll(async () => h?.close());

/** Amazon's sample, aimed at one of our endpoints, written to a file. */
function directiveFile(sample: string, endpointId: string | undefined): string {
  const message = alexaSample(sample);
  if (endpointId !== undefined) message.directive.endpoint.endpointId = endpointId;
  const file = path.join(dir, `${sample.replace(/\W/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(message));
  return file;
}

describe('npx ewelink-bridge alexa', { timeout: 60_000 }, () => {
  it("answers Amazon's TurnOn sample for the account: the device switches and the answer is one Alexa takes", async () => {
    // Act
    const run = await runCli(['alexa', '--account', ACCOUNT, '--directive', directiveFile('PowerController/PowerController.TurnOn.request.json', '1000000001')], env);

    // Assess
    expect(run.code, run.stderr).toBe(0);
    const answer = JSON.parse(run.stdout);
    expect(alexaSchemaErrors(answer)).toEqual([]);
    expect(answer.event.header.name).toBe('Response');
    expect(h.sim.device('1000000001').params.switch).toBe('on');
  });

  it('lists the endpoints for the Discover sample', async () => {
    // Act
    const run = await runCli(['alexa', '--directive', directiveFile('Discovery/Discovery.request.json', undefined)], env);

    // Assess
    expect(run.code, run.stderr).toBe(0);
    const answer = JSON.parse(run.stdout);
    expect(alexaSchemaErrors(answer)).toEqual([]);
    expect(answer.event.payload.endpoints.map((e: { endpointId: string }) => e.endpointId)).toContain('1000000001');
  });

  it('prints an ErrorResponse and exits 1 for an endpoint the account lacks; a missing or broken file is bad usage', async () => {
    // Prepare
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{"directive": ');

    // Act
    const unknown = await runCli(['alexa', '--directive', directiveFile('PowerController/PowerController.TurnOff.request.json', '9999999999')], env);
    const missing = await runCli(['alexa', '--directive', path.join(dir, 'nothing-here.json')], env);
    const notJson = await runCli(['alexa', '--directive', broken], env);
    const none = await runCli(['alexa'], env);

    // Assess
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout).event.payload.type).toBe('NO_SUCH_ENDPOINT');
    expect([missing.code, notJson.code, none.code]).toEqual([2, 2, 2]);
    expect(missing.stderr).toContain('cannot read');
    expect(notJson.stderr).toContain('is not JSON');
    expect(none.stderr).toContain('--directive FILE');
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_BUNDLE } from '../../infra/bundling';
import { freshTable, type FreshTable } from '../support/dynamo';

const run = promisify(execFile);

/**
 * The HTTP function bundled exactly as the stack bundles it, loaded in a fresh node and
 * invoked: proves the bundle runs, and that the SDK inside takes its credentials from the
 * environment (as Lambda provides them) through the slimmed provider.
 */
describe('the bundled HTTP function', () => {
  let dir: string;
  let table: FreshTable;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bundle-'));
    table = await freshTable();
    await build({ ...LAMBDA_BUNDLE, target: 'node20', entryPoints: ['functions/http-api.ts'], outfile: join(dir, 'index.mjs'), logLevel: 'silent' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers from DynamoDB with credentials taken from the environment', async () => {
    const script = `
      const { handler } = await import(${JSON.stringify(join(dir, 'index.mjs'))});
      const event = (method, path, auth) => ({ version: '2.0', rawPath: path, headers: auth ? { authorization: auth, host: 'h' } : { host: 'h' }, requestContext: { domainName: 'h', http: { method, path } }, isBase64Encoded: false });
      const ctx = { functionName: 'f', awsRequestId: 'r' };
      const doc = await handler(event('GET', '/openapi.json'), ctx);
      const refused = await handler(event('GET', '/devices', 'Bearer ebk_not-a-key-of-this-table'), ctx);
      process.stdout.write(JSON.stringify({ doc: doc.statusCode, openapi: JSON.parse(doc.body).openapi, refused: refused.statusCode }));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env.PATH,
        AWS_ACCESS_KEY_ID: 'bundletest',
        AWS_SECRET_ACCESS_KEY: 'bundletest',
        AWS_REGION: 'us-east-1',
        TABLE_NAME: table.tableName,
        // The SDK's own endpoint setting, so the client takes the production path: no local credentials.
        AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
        EWELINK_APP_ID: 'app',
        EWELINK_APP_SECRET: 'secret',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        NODE_NO_WARNINGS: '1',
      },
    });
    // 401 needs a DynamoDB read for the key: the bundled SDK signed it with the environment's credentials.
    expect(JSON.parse(stdout)).toEqual({ doc: 200, openapi: '3.1.0', refused: 401 });
  });
});

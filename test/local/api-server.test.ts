import { request as httpRequest } from 'node:http';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../lib/adapters/http/errors';
import { httpApiHandler } from '../../lib/adapters/http/lambda';
import type { Bridge } from '../../lib/bridge';
import { ACCOUNT, startHarness, type Harness } from '../support/bridge';
import { cloudTraffic } from '../support/refusals';

/** Sends a request exactly as written: no client-side normalisation of the path. */
function rawCall(url: string, method: string, path: string, headers: Record<string, string | number> = {}, body?: Buffer | string): Promise<{ status: number; body: any }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the local server is as strict as API Gateway', () => {
  let h: Harness;
  let auth: Record<string, string>;
  let groupId: string;
  beforeAll(async () => {
    h = await startHarness();
    auth = { authorization: `Bearer ${h.apiKey}` };
    groupId = (await h.call('POST', '/groups', { body: { name: 'Hall' } })).body.id;
    await h.call('POST', `/groups/${groupId}/devices`, { body: { deviceids: ['1000000009'] } });
  });
  afterAll(async () => h.close());

  describe('dot segments are refused before routing, also percent-encoded', () => {
    it.each([
      ['DELETE', '/devices/1000000009/timers/%2e%2e'],
      ['DELETE', '/devices/1000000009/timers/%2E%2E'],
      ['DELETE', '/devices/1000000009/timers/.%2e'],
      ['DELETE', '/devices/1000000009/timers/..'],
      ['DELETE', '/devices/1000000009/shares/%2e%2e'],
      ['DELETE', '/devices/1000000009/shares/.'],
      ['DELETE', '/devices/./1000000009'],
      ['GET', '/devices/1000000001/%2e%2e/1000000004'],
    ])('%s %s answers 400 bad_path and changes nothing', async (method, path) => {
      // Prepare
      h.sim.stats.reset();
      // Act
      const res = await rawCall(h.url, method, path, auth);
      // Assess
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'bad_path', requestId: expect.any(String) });
      expect(cloudTraffic(h)).toBe(0);
    });

    it('DELETE /groups/{g}/devices/%2e%2e leaves the group and the device where they were', async () => {
      // Act
      const res = await rawCall(h.url, 'DELETE', `/groups/${groupId}/devices/%2e%2e`, auth);
      // Assess
      expect(res.status).toBe(400);
      const groups = (await h.call('GET', '/groups')).body.groups as { id: string; deviceids: string[] }[];
      expect(groups.find((g) => g.id === groupId)?.deviceids).toEqual(['1000000009']);
      expect(h.sim.device('1000000009').deviceid).toBe('1000000009');
      expect((await h.parts.client.devices((await h.parts.store.tokens.get(ACCOUNT))!)).map((d) => d.deviceid)).toContain('1000000009');
    });

    it('a malformed %-escape is a 400 too, not a crash', async () => {
      const res = await rawCall(h.url, 'GET', '/devices/%E0%A4%A', auth);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('bad_path');
    });
  });

  describe('bodies are capped in bytes before they are read', () => {
    it(`answers 413 for a declared 1 GB upload at once, without waiting for the body, and keeps serving`, async () => {
      // Prepare: headers promise 1 GB; only a few bytes are ever sent
      const { hostname, port } = new URL(h.url);
      // Act
      const res = await new Promise<{ status: number; body: any }>((resolve, reject) => {
        const req = httpRequest({ hostname, port, method: 'POST', path: '/scenes', headers: { ...auth, 'content-type': 'application/json', 'content-length': 1_000_000_000 } }, (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => resolve({ status: answer.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
        });
        req.on('error', reject);
        req.write('{"name":"');
      });
      // Assess
      expect(res.status).toBe(413);
      expect(res.body.error).toMatchObject({ code: 'payload_too_large', requestId: expect.any(String) });
      expect((await h.call('GET', '/scenes')).status).toBe(200);
    });

    it('answers 413 for a chunked upload once it passes the limit, before any key is checked', async () => {
      // Prepare: no content-length, no API key
      const body = Buffer.alloc(MAX_BODY_BYTES + 1, 'a');
      // Act
      const res = await rawCall(h.url, 'POST', '/devices/1000000001/control', { 'transfer-encoding': 'chunked' }, body);
      // Assess
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('payload_too_large');
    });

    it('takes a body of exactly the limit to the route (here a 422 naming the field)', async () => {
      // Prepare: valid JSON padded to the limit
      const prefix = '{"name":"';
      const suffix = '","actions":[]}';
      const body = prefix + 'x'.repeat(MAX_BODY_BYTES - prefix.length - suffix.length) + suffix;
      expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES);
      // Act
      const res = await rawCall(h.url, 'POST', '/scenes', { ...auth, 'content-type': 'application/json' }, body);
      // Assess
      expect(res.status).toBe(422);
      expect(res.body.error.field).toBe('name');
    });
  });
});

describe('the Lambda handler applies the same body limit', () => {
  const event = (body: string, isBase64Encoded = false) =>
    ({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/devices/1000000001/control',
      rawQueryString: '',
      headers: { host: 'bridge.example.com' },
      requestContext: { domainName: 'bridge.example.com', requestId: 'req-1', http: { method: 'POST', path: '/devices/1000000001/control' } },
      body,
      isBase64Encoded,
    }) as unknown as APIGatewayProxyEventV2;
  // No bridge part is reached: the limit answers first.
  const handler = httpApiHandler({} as Bridge, new Logger({ logLevel: 'SILENT' }));

  it.each([
    ['plain', event('a'.repeat(MAX_BODY_BYTES + 1))],
    ['base64 (counted decoded)', event(Buffer.alloc(MAX_BODY_BYTES + 1, 'a').toString('base64'), true)],
  ])('answers 413 payload_too_large for a %s body over the limit', async (_kind, oversized) => {
    const res = await handler(oversized, {} as never);
    expect(res.statusCode).toBe(413);
    expect(JSON.parse(res.body as string).error).toEqual({ code: 'payload_too_large', message: `the body is larger than ${MAX_BODY_BYTES} bytes`, requestId: 'req-1' });
  });

  it('answers 400 bad_path for a dot segment in the raw path', async () => {
    const res = await handler({ ...event(''), body: undefined, rawPath: '/devices/1000000001/%2e%2e' } as APIGatewayProxyEventV2, {} as never);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body as string).error.code).toBe('bad_path');
  });
});

import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { httpApiHandler } from '../../../lib/adapters/http/lambda';
import { openApiDocument } from '../../../lib/adapters/http/openapi';
import { failureFormat } from '../../../lib/adapters/http/route';
import { routes } from '../../../lib/adapters/http/routes';
import type { Bridge } from '../../../lib/bridge';
import { parse, type TSchema } from '../../../lib/schema';

type Json = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const doc = openApiDocument(routes) as Json;
const operations = Object.entries(doc.paths as Json).flatMap(([path, item]) =>
  Object.entries(item as Json)
    .filter(([method]) => METHODS.includes(method))
    .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, op: op as Json })),
);

/** Every `$ref` anywhere in a value. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refsIn(v)));
}

/** What a local JSON pointer (`#/components/schemas/Error`) points at in the document. */
function resolve(ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, part) => (node as Json | undefined)?.[part], doc);
}

/** The route an operation documents, by its `METHOD /path`. */
const routeOf = (key: string) => routes.find((r) => `${r.method} ${r.path}` === key) as (typeof routes)[number];

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document, by a maintained validator', async () => {
    // Act
    const result = await new Validator().validate(structuredClone(doc));
    // Assess
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)?.slice(0, 2000)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents exactly the routes there are, no more and no fewer', () => {
    // Prepare
    const routed = routes.map((r) => `${r.method} ${r.path}`).sort();
    const documented = operations.map((o) => o.key).sort();
    // Assess: each side's extras, so a failure names the culprit
    expect(routed.filter((r) => !documented.includes(r)), 'routes without documentation').toEqual([]);
    expect(documented.filter((d) => !routed.includes(d)), 'documentation without a route').toEqual([]);
  });

  it("says how PUT /scenes/{sceneId} meets 409, though its request carries no version: another edit between the bridge's read and its write", () => {
    // Prepare
    const put = (doc.paths as Json)['/scenes/{sceneId}'].put as Json;
    // Assess
    expect(put.description).toMatch(/no version/);
    expect(put.responses['409'].description).toMatch(/another request changed the scene between this request's read of it and its write \(`conflict`\)/);
  });

  it('asks for the API key exactly where the route does', () => {
    for (const route of routes) {
      const op = operations.find((o) => o.key === `${route.method} ${route.path}`)?.op;
      expect(op?.security, `${route.method} ${route.path}`).toEqual(route.auth === 'apiKey' ? [{ apiKey: [] }] : []);
      if (route.auth === 'apiKey') expect(Object.keys(op?.responses ?? {}), `${route.method} ${route.path}`).toContain('401');
    }
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('is OpenAPI 3.1 with an info block, and each operation has an id, a summary and a success response', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    const ids = operations.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { key, op } of operations) {
      expect(op.summary, key).toEqual(expect.any(String));
      expect(Object.keys(op.responses).some((s) => /^(2\d\d|302)$/.test(s)), key).toBe(true);
      for (const [status, response] of Object.entries(op.responses as Json)) {
        expect(status, key).toMatch(/^[1-5]\d\d$/);
        const body = (response.$ref ? resolve(response.$ref) : response) as Json;
        expect(body.description, `${key} ${status}`).toEqual(expect.any(String));
        // A page route's failures are pages, the token endpoint's RFC 6749 errors (the body limit's 413 excepted, refused before routing); every other error is the Error schema.
        const oauth = failureFormat(routeOf(key)) === 'oauth' && status !== '413';
        // An assistant's route answers its own refusals in the assistant's shape (a body that is no JSON at all: the bridge's Error too).
        const assistant = routeOf(key).answers === 'assistant' && status !== '413';
        if (assistant && Number(status) >= 400) {
          const reply = { $ref: '#/components/schemas/FulfillmentResponse' };
          expect(body.content['application/json'].schema, `${key} ${status}`).toEqual(status === '400' ? { anyOf: [{ $ref: '#/components/schemas/Error' }, reply] } : reply);
        } else if (Number(status) >= 400 && body.content['text/html']) expect(body.content['text/html'].schema, `${key} ${status}`).toMatchObject({ type: 'string' });
        else if (Number(status) >= 400) expect(body.content['application/json'].schema, `${key} ${status}`).toEqual({ $ref: `#/components/schemas/${oauth ? 'OAuthError' : 'Error'}` });
      }
    }
  });

  it('resolves every $ref', () => {
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(resolve(ref), ref).toBeDefined();
  });

  it('declares each path parameter of each operation, required, and no other', () => {
    for (const { key, path, op } of operations) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = ((op.parameters ?? []) as Json[]).filter((p) => p.in === 'path');
      expect(declared.map((p) => p.name).sort(), key).toEqual(inPath);
      for (const p of declared) expect(p.required, `${key} ${p.name}`).toBe(true);
      // A body the checks refuse: 422, or RFC 6749's 400 at the token endpoint; JSON that does not parse: 400.
      const route = routeOf(key);
      // An assistant's message is any JSON to the router: its route answers what it cannot use with 400 in the assistant's terms.
      if (op.requestBody) expect(Object.keys(op.responses), key).toContain(failureFormat(route) === 'oauth' || route.answers === 'assistant' ? '400' : '422');
      if (op.requestBody?.content['application/json']) expect(Object.keys(op.responses), key).toContain('400');
    }
  });

  it('declares the Idempotency-Key header on the routes that take one, with its checks, the 409 and 422 it brings and the replay header', () => {
    // Prepare
    const keyed = operations.filter(({ op }) => ((op.parameters ?? []) as Json[]).some((p) => p.in === 'header' && p.name === 'Idempotency-Key'));
    // Assess: exactly the routes that declare it, each of which acts for an API key's account
    expect(keyed.map((o) => o.key).sort()).toEqual(['POST /devices/{id}/control', 'POST /devices/{id}/timers', 'POST /hooks', 'POST /scenes', 'POST /scenes/{sceneId}/run']);
    expect(routes.filter((r) => r.idempotent).map((r) => `${r.method} ${r.path}`).sort()).toEqual(keyed.map((o) => o.key).sort());
    for (const { key, op } of keyed) {
      const route = routeOf(key);
      expect(route.auth, key).toBe('apiKey');
      expect(failureFormat(route), key).toBe('json');
      const header = (op.parameters as Json[]).find((p) => p.name === 'Idempotency-Key') as Json;
      expect(header, key).toMatchObject({ in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[!-~]+$' } });
      expect(op.responses['409'].description, key).toContain('idempotency_key_in_flight');
      expect(op.responses['422'].description, key).toContain('idempotency_key_reused');
      expect(op.responses[String(route.ok.status)].headers['Idempotent-Replayed'], key).toBeDefined();
    }
    // A route without it declares no header.
    expect(operations.filter(({ key }) => !keyed.some((k) => k.key === key)).flatMap(({ op }) => ((op.parameters ?? []) as Json[]).filter((p) => p.in === 'header'))).toEqual([]);
  });

  it("embeds the router's own body schemas, closed to unknown fields, and each example passes the router's check", () => {
    // The document's schemas are the checks' own, so their examples must read without a 422.
    const withBody = routes.filter((r) => r.body);
    expect(withBody.length).toBeGreaterThan(10);
    for (const route of withBody) {
      // An assistant's message is taken as any JSON and judged by its route (Google's schemas in the tests).
      if (route.answers === 'assistant') continue;
      const form = route.bodyEncoding === 'form';
      const ref = doc.paths[route.path][route.method.toLowerCase()].requestBody.content[form ? 'application/x-www-form-urlencoded' : 'application/json'].schema.$ref as string;
      const schema = resolve(ref) as Json;
      // An OAuth form takes fields it does not know and ignores them, as RFC 6749 (3.1, 3.2) asks.
      expect(schema.additionalProperties, ref).toBe(!form ? false : true);
      for (const example of schema.examples ?? []) expect(() => parse(route.body as TSchema, example), `${ref} ${JSON.stringify(example)}`).not.toThrow();
    }
    expect(doc.components.schemas.RenameDevice.properties.name).toMatchObject({ minLength: 1, maxLength: 64 });
    expect(doc.components.schemas.ShareDevice.properties.permit).toMatchObject({ type: 'integer', minimum: 0, maximum: 15 });
    expect(doc.components.schemas.CreateGroup.properties.index).toMatchObject({ type: 'integer', minimum: 0 });
  });

  it('is served at GET /openapi.json without an API key, as the module builds it, naming the server', async () => {
    // Prepare: the route needs no bridge parts, so none are wired
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: '/openapi.json',
      rawQueryString: '',
      headers: { host: 'bridge.example.com' },
      requestContext: { domainName: 'bridge.example.com', requestId: 'r1', http: { method: 'GET', path: '/openapi.json' } },
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    // Act
    const res = await httpApiHandler({} as Bridge, new Logger({ logLevel: 'SILENT' }))(event, {} as never);
    // Assess
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toBe('application/json');
    expect(JSON.parse(res.body as string)).toEqual({ ...doc, servers: [{ url: 'https://bridge.example.com' }] });
    expect(openApiDocument(routes, 'https://bridge.example.com')).toEqual({ ...doc, servers: [{ url: 'https://bridge.example.com' }] });
  });
});

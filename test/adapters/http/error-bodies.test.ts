import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureFormat, type Route } from '../../../lib/adapters/http/route';
import { routes } from '../../../lib/adapters/http/routes';
import { startHarness, type Harness } from '../../support/bridge';
import { documented, documentedStatuses } from './document';
import { leaksIn, type Parts } from './leaks';
import { caller, exampleBody, pathOf, routeKey, withoutCloud, withoutStore, type ApiAnswer, type ServedBridge } from './stacks';

/*
 * What a caller learns when the bridge's own parts fail: with DynamoDB or the eWeLink cloud
 * taken away (each, and both), every route is called with input it would take, and no
 * answer may say more than the documented code and a message a person can act on: no host,
 * port, IP address, socket error, SDK or AWS name, table, stack trace or the cloud's URL.
 * Every error carries its request id, and a failure of the parts is a documented 5xx, never
 * a bare 500.
 */

const LAMP = '1000000001';
const STRIP = '1000000004';
const TIMER = { schedule: { type: 'repeat', days: [1, 2, 3, 4, 5], time: '07:00' }, timeZone: 'Europe/Berlin', action: { power: 'on' } };
const SCENE = { name: 'Evening', actions: [{ deviceid: LAMP, command: { power: 'on' } }], schedule: { type: 'repeat', days: [1], time: '07:00' }, timeZone: 'Europe/Berlin' };

/** Bodies the test account's devices take, where a route's own example does not fit them. */
const BODIES: Record<string, unknown> = {
  'POST /devices/{id}/control': { power: 'on' },
  'POST /devices/{id}/timers': TIMER,
  'PUT /devices/{id}/timers/{timerId}': TIMER,
  'POST /scenes': SCENE,
  'PUT /scenes/{sceneId}': SCENE,
  'POST /hooks': { deviceid: LAMP, action: { power: 'toggle' } },
};

/** Path values other than the common ones, by route. */
const PATHS: Record<string, Record<string, string>> = {
  'PUT /devices/{id}/channels': { id: STRIP },
};

interface Things {
  timerId: string;
  sceneId: string;
  groupId: string;
  hookId: string;
  secret: string;
  /** A sign-in started through the login page, for the callback to finish. */
  oauthState: string;
}

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

/** A timer, a scheduled scene, a group and a webhook, made while every part is up: the ids the calls name. */
async function makeThings(): Promise<Things> {
  const owner = caller(h.url, h.apiKey);
  const made = async (method: string, path: string, body: unknown) => {
    const res = await owner(method, path, { body });
    if (res.status !== 201) throw new Error(`preparing ${method} ${path}: ${res.status} ${res.text}`);
    return res.body;
  };
  const timer = await made('POST', `/devices/${LAMP}/timers`, TIMER);
  const scene = await made('POST', '/scenes', SCENE);
  const group = await made('POST', '/groups', { name: 'Kitchen' });
  const hook = await made('POST', '/hooks', { deviceid: LAMP, action: { power: 'on' } });
  const started = await owner('GET', '/ewelink/oauth/start');
  const oauthState = new URL(started.location ?? 'http://x/').searchParams.get('state');
  if (!oauthState) throw new Error(`preparing GET /ewelink/oauth/start: ${started.status} ${started.text}`);
  // The device list cached in the table, fresh, for the variants that read it.
  await owner('GET', '/devices');
  return { timerId: timer.timer.id, sceneId: scene.scene.id, groupId: group.id, hookId: hook.hookId, secret: hook.secret, oauthState };
}

/** A call of the route with input it takes: ids of things that exist, bodies the devices can do. */
/** An assistant's access token of the form the bridge issues, which it never issued: checking it takes a read of the table. */
const ASSISTANT_TOKEN = `nosuchlink000000.${'x'.repeat(43)}`;

function plausibleCall(route: Route, things: Things): { method: string; path: string; body: unknown; auth: boolean | string } {
  const key = routeKey(route);
  const values = { id: LAMP, uid: 'friend@example.com', ...things, ...PATHS[key] };
  // The callback comes with what the login page would send back: the started sign-in's state, a code, the region.
  // An assistant's authorize request names a client (none is registered here: the page refuses it once the store answers).
  const queries: Record<string, string> = {
    'GET /ewelink/oauth/callback': `?state=${things.oauthState}&code=0123456789abcdef&region=eu`,
    'GET /oauth/authorize': '?response_type=code&client_id=Qk3xN0p4R2tYb8cD&redirect_uri=https%3A%2F%2Fassistant.example.com%2Fback&state=s1',
  };
  const query = queries[key] ?? '';
  return { method: route.method, path: `${pathOf(route, values)}${query}`, body: key in BODIES ? BODIES[key] : exampleBody(route), auth: route.answers === 'assistant' ? ASSISTANT_TOKEN : route.auth === 'apiKey' };
}

interface Answered {
  key: string;
  route: Route;
  answer: ApiAnswer;
}

/** Every route's answer from `stack`, one call each; all at once when `together` (nothing they do can change what the others see). */
async function callEveryRoute(stack: ServedBridge, things: Things, together: boolean): Promise<Answered[]> {
  const one = async (route: Route): Promise<Answered> => {
    const { method, path, body, auth } = plausibleCall(route, things);
    return { key: `${method} ${path}`, route, answer: await stack.call(method, path, { body, auth }) };
  };
  if (together) return Promise.all(routes.map(one));
  const out: Answered[] = [];
  for (const route of routes) out.push(await one(route));
  return out;
}

/** The error codes the document names (in backticks) for the route's status. */
function documentedCodes(route: Route, status: number): string[] {
  const description = String(documented(route, status)?.description ?? '');
  return [...description.matchAll(/`([A-Za-z_]+)`/g)].map((m) => m[1] as string);
}

interface Scenario {
  name: string;
  start(): Promise<ServedBridge>;
  /** Whether the calls may run at once: nothing one does can change what another sees. */
  together: boolean;
  /** What every answer must be, beyond the common checks: a problem in words, or undefined. */
  expectation(route: Route, answer: ApiAnswer): string | undefined;
}

const storeDown = (route: Route, answer: ApiAnswer): string | undefined => {
  if (route.path === '/openapi.json') return answer.status === 200 ? undefined : `the document needs no store, yet ${answer.status}`;
  if (failureFormat(route) === 'oauth') return answer.status === 503 && answer.body?.error === 'server_error' ? undefined : `expected 503 server_error, got ${answer.status} ${answer.text.slice(0, 200)}`;
  if (route.answers === 'assistant') return answer.status === 503 && answer.body?.payload?.errorCode === 'transientError' ? undefined : `expected 503 transientError, got ${answer.status} ${answer.text.slice(0, 200)}`;
  return answer.status === 503 && answer.body?.error?.code === 'store_unavailable' ? undefined : `expected 503 store_unavailable, got ${answer.status} ${answer.text.slice(0, 200)}`;
};

const cloudDown = (_route: Route, answer: ApiAnswer): string | undefined => {
  if (answer.status < 500) return undefined;
  return answer.status === 502 && answer.body?.error?.code === 'cloud_unavailable' ? undefined : `expected 502 cloud_unavailable, got ${answer.status} ${answer.text.slice(0, 200)}`;
};

const SCENARIOS: Scenario[] = [
  { name: 'no DynamoDB (a closed port)', start: () => withoutStore(h), together: true, expectation: storeDown },
  { name: 'no table in DynamoDB', start: () => withoutStore(h, { how: 'tableGone' }), together: true, expectation: storeDown },
  { name: 'no cloud, device list cached', start: () => withoutCloud(h), together: false, expectation: cloudDown },
  { name: 'no cloud, device list stale', start: () => withoutCloud(h, { coldCache: true }), together: false, expectation: cloudDown },
  { name: 'neither DynamoDB nor the cloud', start: () => withoutStore(h, { cloudToo: true }), together: true, expectation: storeDown },
];

/** The ports, URLs and names of every part a stack was wired to, or was meant to be. */
function partsOf(stack: ServedBridge): Parts {
  const urls = [h.sim.url, h.table.endpoint, stack.config.apiUrl.replace('/{region}', ''), stack.config.dynamoEndpoint ?? ''].filter(Boolean);
  const ports = [...new Set(urls.map((url) => Number(new URL(url).port)))];
  return { ports, urls: urls.map((url) => url.replace(/^https?:\/\//, '')), words: [h.table.tableName, stack.config.tableName] };
}

describe('the leak rules', () => {
  it('see the parts in texts that name them, and nothing in a documented answer', () => {
    // Prepare
    const parts = { ports: [40179], urls: ['127.0.0.1:40179'], words: ['test-table'] };
    const leaky = [
      'getStatus: the eWeLink cloud could not be reached (connect ECONNREFUSED 127.0.0.1:40179)',
      'timers.get: DynamoDB request failed (ResourceNotFoundException: Cannot do operations on a non-existent table)',
      'User: arn:aws:sts::123456789012:assumed-role/x is not authorized',
      'TypeError: x is undefined\n    at serve (/var/task/index.js:1:2)',
      'cannot reach wss://eu-pconnect3.coolkit.cc:8080/api/ws',
      'table test-table, port 40179',
    ];
    const clean = '{"error":{"code":"cloud_unavailable","message":"the eWeLink cloud could not be reached; try again","requestId":"4a860028-4017-4286-8252-ec5880401790"}}';
    // Assess
    for (const text of leaky) expect(leaksIn(text, parts), text).not.toEqual([]);
    expect(leaksIn(clean, parts)).toEqual([]);
  });
});

for (const scenario of SCENARIOS) describe(`with ${scenario.name}`, () => {
  let answers: Answered[];
  let stack: ServedBridge;
  let parts: Parts;

  beforeAll(async () => {
    // Prepare: things to name, made while every part is up; then the parts taken away
    const things = await makeThings();
    stack = await scenario.start();
    parts = partsOf(stack);
    // Act
    answers = await callEveryRoute(stack, things, scenario.together);
  });
  afterAll(async () => stack?.close());

  it('answers each route with a status its document lists, never a bare 500', () => {
    const wrong = answers
      .filter(({ route, answer }) => answer.status === 500 || !documentedStatuses(route).includes(answer.status))
      .map(({ key, answer }) => `${key}: ${answer.status} ${answer.text.slice(0, 200)}`);
    expect(wrong).toEqual([]);
  });

  it('answers as a failure of these parts should', () => {
    const wrong = answers.flatMap(({ key, route, answer }) => {
      const problem = scenario.expectation(route, answer);
      return problem ? [`${key}: ${problem}`] : [];
    });
    expect(wrong).toEqual([]);
  });

  it('gives every error a request id, and a code the document names for its status', () => {
    const wrong = answers
      .filter(({ answer }) => answer.status >= 400)
      .flatMap(({ key, route, answer }) => {
        const problems: string[] = [];
        if (failureFormat(route) === 'oauth') {
          // RFC 6749's shape: the code and a description; the bridge's own failures name their request id in it.
          const { error, error_description: description } = answer.body ?? {};
          if (typeof description !== 'string' || description === '') problems.push('no error_description');
          if (answer.status >= 500 && !/request [0-9a-f-]{36}/.test(String(description))) problems.push('no request id in the description');
          if (!documentedCodes(route, answer.status).includes(error)) problems.push(`error ${error} is not one the document names for ${answer.status}`);
          return problems.map((p) => `${key} ${answer.status}: ${p}`);
        }
        if (route.answers === 'assistant') {
          // The assistant's own shape: the request's id, and an error code the document names for the status.
          const { requestId, payload } = answer.body ?? {};
          if (typeof requestId !== 'string' || requestId === '') problems.push('no requestId');
          if (!documentedCodes(route, answer.status).includes(payload?.errorCode)) problems.push(`errorCode ${payload?.errorCode} is not one the document names for ${answer.status}`);
          return problems.map((p) => `${key} ${answer.status}: ${p}`);
        }
        const error = answer.body?.error;
        if (typeof error?.requestId !== 'string' || error.requestId === '') problems.push('no requestId');
        if (typeof error?.message !== 'string' || error.message === '') problems.push('no message');
        if (!documentedCodes(route, answer.status).includes(error?.code)) problems.push(`code ${error?.code} is not one the document names for ${answer.status}`);
        return problems.map((p) => `${key} ${answer.status}: ${p}`);
      });
    expect(wrong).toEqual([]);
  });

  it('tells nothing of the parts behind it, in errors or in answers', () => {
    const leaks = answers.flatMap(({ key, answer }) =>
      // A success may hand out the bridge's own URL (a new webhook's); nothing else of the kind.
      leaksIn(answer.status < 400 ? answer.text.replaceAll(stack.url, 'BRIDGE') : answer.text, parts).map((what) => `${key} ${answer.status}: ${what} in ${answer.text.slice(0, 300)}`),
    );
    expect(leaks).toEqual([]);
  });
});

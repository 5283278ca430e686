import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { httpApiHandler } from '../../../lib/adapters/http/lambda';
import { MAX_BODY_BYTES } from '../../../lib/adapters/http/errors';
import { keyedMessage } from '../../../lib/adapters/http/idempotency';
import { errorStatuses } from '../../../lib/adapters/http/openapi';
import { failureFormat, type Route } from '../../../lib/adapters/http/route';
import { routes } from '../../../lib/adapters/http/routes';
import { parse, type TSchema } from '../../../lib/schema';
import type { AccountSeed, ShareAnswer } from '../../../sim';
import { startHarness, testAccount, type Harness } from '../../support/bridge';
import { ACCOUNT as OWNER_ACCOUNT } from '../../support/bridge';
import { cloudTraffic } from '../../support/refusals';
import { onlineSocket, type SocketClient } from '../../sim/wire';
import { documented, documentedStatuses, schemaErrors, type Json } from './document';
import { leaksIn } from './leaks';
import { startSim, type Sim } from '../../../sim';
import { APP_ID, APP_SECRET } from '../../support/bridge';
import { submitLogin } from '../../ewelink/v2-fixture';
import { addClient, approve, authorizeQuery, hiddenFields, linkAssistant, REDIRECT_URI } from '../../support/assistant-oauth';
import { lossyStore, type FaultyStore } from '../../support/faulty-store';
import { caller, exampleBody, pathOf, routeKey, sampleParams, withoutCloud, withoutStore, withPersonalAppId, withStoreAt, type ApiAnswer, type Call, type ServedBridge } from './stacks';

/*
 * The API's contract, checked against the real stack: for every route, every status the
 * generated OpenAPI document lists for it (its success and each error) is provoked through
 * the local server, the bridge, DynamoDB Local and the simulated cloud, and the answer must
 * carry that status and a body the document's schema for it accepts. The provokers are a
 * table (route → status → how to get it); the table must cover exactly what the document
 * lists, so neither can drift from the other unnoticed.
 */

// ---- The stack, and who calls it -------------------------------------------------------------

const LAMP = '1000000001';
const SPARE = '1000000002';
const SHARED = '1000000003';
const STRIP = '1000000004';
const DOOMED = '1000000005';
const RACE = '1000000006';
const PLUG = '1000000009';
const UNKNOWN = '1000000404';
const NOBODY = 'nobody';

const receiver = (name: string, shareAnswer: ShareAnswer): AccountSeed => ({ email: `${name}@example.com`, password: `${name}-password`, region: 'eu', shareAnswer });
const FRIEND = receiver('friend', 'accept');
const GRUMPY = receiver('grumpy', 'refuse');
const AWAY = receiver('away', 'ignore');
const AWAY_TOO = receiver('away-too', 'ignore');
const FICKLE = receiver('fickle', 'accept');
const SHY = receiver('shy', 'accept');
const SHY_TOO = receiver('shy-too', 'accept');
/** Receivers with a socket session open, as a person signed in to the eWeLink app: only they answer. */
const ONLINE = [FRIEND, GRUMPY, FICKLE, SHY, SHY_TOO];
const email = (seed: AccountSeed) => seed.email as string;
/** The eWeLink account signed in through the login page, linked to a bridge account of its own so nobody else's link changes. */
const OAUTH_SEED: AccountSeed = { email: 'oauth@example.com', password: 'oauth-password', region: 'eu', devices: [{ deviceid: '1000000701', name: 'Desk', uiid: 1, params: { switch: 'off' } }] };
const OAUTH_ACCOUNT = 'oauth-contract';

const NEW_WIFI = { deviceid: '1000000777', devicekey: '5a1b6e7c-0d2f-4b1e-9c3a-7e8f9a0b1c2d' };
const GSM = { first: 'gsm0123456789', second: 'gsm9876543210', firstId: '1000000888', secondId: '1000000889' };

const TIMER = { schedule: { type: 'repeat', days: [1, 2, 3, 4, 5], time: '07:00' }, timeZone: 'Europe/Berlin', action: { power: 'on' } };
const SCENE = { name: 'Evening', actions: [{ deviceid: LAMP, command: { power: 'on' } }] };
const SCHEDULED_SCENE = { ...SCENE, name: 'Mornings', schedule: { type: 'repeat', days: [1], time: '07:00' }, timeZone: 'Europe/Berlin' };

interface Stacks {
  h: Harness;
  /** The owner's API key. */
  owner: Call;
  /** FRIEND's API key: SHARED is shared to that account. */
  friend: Call;
  /** The key of an account that was never linked to eWeLink. */
  nobody: Call;
  /** The same bridge and table with the cloud at a closed port, every device list fetched afresh. */
  noCloud: ServedBridge;
  /** The same bridge with DynamoDB at a closed port. */
  noStore: ServedBridge;
  /** The same bridge and table, but the answers to writes of timers and scenes are lost on the way back (within a 2 s budget). */
  lossy: ServedBridge;
  lossyStore: FaultyStore;
  /** The same bridge and table against a cloud whose app id is the personal kind: every v1 path answers 407. */
  personal: ServedBridge;
  personalSim: Sim;
  /** The key of OAUTH_ACCOUNT, which links through the login page. */
  linker: Call;
  sockets: SocketClient[];
}

let s: Stacks;
let timerRace: Promise<RaceOutcomes>;

beforeAll(async () => {
  const devices = [
    { deviceid: LAMP, name: 'Lamp', uiid: 1, params: { switch: 'off' } },
    { deviceid: SPARE, name: 'Spare', uiid: 1, params: { switch: 'off' } },
    { deviceid: SHARED, name: 'Shared strip', uiid: 4, params: { switches: [0, 1, 2, 3].map((outlet) => ({ switch: 'off', outlet })) } },
    { deviceid: STRIP, name: 'Strip', uiid: 4, params: { switches: [0, 1, 2, 3].map((outlet) => ({ switch: 'off', outlet })) } },
    { deviceid: DOOMED, name: 'Doomed', uiid: 1, params: { switch: 'off' } },
    { deviceid: RACE, name: 'Contested', uiid: 1, params: { switch: 'off' } },
    { deviceid: PLUG, name: 'Plug', uiid: 1, online: false, params: { switch: 'off' } },
  ];
  const h = await startHarness({
    account: testAccount({ devices }),
    sim: {
      accounts: [testAccount({ devices }), FRIEND, GRUMPY, AWAY, AWAY_TOO, FICKLE, SHY, SHY_TOO, OAUTH_SEED],
      shareTimeoutMs: 200,
      unboundDevices: [{ deviceid: NEW_WIFI.deviceid, devicekey: NEW_WIFI.devicekey, name: 'ITEAD', uiid: 1 }],
      unboundGsmDevices: [
        { gsmId: GSM.first, device: { deviceid: GSM.firstId, name: 'GSM', uiid: 1 } },
        { gsmId: GSM.second, device: { deviceid: GSM.secondId, name: 'GSM', uiid: 1 } },
      ],
    },
  });
  const owner = caller(h.url, h.apiKey);
  // Receivers sign in (a socket session each); FRIEND is also an account of this bridge.
  const sockets: SocketClient[] = [];
  let friendKey = '';
  for (const seed of ONLINE) {
    const tokens = h.sim.issueTokens(email(seed));
    sockets.push(await onlineSocket(`${h.sim.url.replace('http:', 'ws:')}/api/ws`, tokens.at, tokens.apikey));
    if (seed === FRIEND) {
      await h.parts.keeper.adopt(email(seed), tokens);
      friendKey = (await h.bridge.apiKeys.create(email(seed), { label: 'contract' })).key;
    }
  }
  const nobodyKey = (await h.bridge.apiKeys.create(NOBODY, { label: 'contract' })).key;
  const linkerKey = (await h.bridge.apiKeys.create(OAUTH_ACCOUNT, { label: 'contract' })).key;
  const personalSim = await startSim({ appId: APP_ID, appSecret: APP_SECRET, appKind: 'personal', accounts: [testAccount({ devices })] });
  const lost = await lossyStore(
    h.table.endpoint,
    ({ operation, body }) =>
      (operation === 'UpdateItem' && body.includes('TIMERS#')) ||
      (operation === 'PutItem' && body.includes('SCENE#')) ||
      (operation === 'TransactWriteItems' && (body.includes('"HOOK#') || body.includes('"APIKEY#'))),
  );
  const shared = await owner('POST', `/devices/${SHARED}/shares`, { body: { uid: email(FRIEND) } });
  if (shared.status !== 200) throw new Error(`could not share ${SHARED}: ${shared.text}`);
  s = {
    h,
    owner,
    friend: caller(h.url, friendKey),
    nobody: caller(h.url, nobodyKey),
    noCloud: await withoutCloud(h, { coldCache: true }),
    noStore: await withoutStore(h),
    lossy: await withStoreAt(h, lost.endpoint, 1_000),
    lossyStore: lost,
    personal: await withPersonalAppId(h, personalSim),
    personalSim,
    linker: caller(h.url, linkerKey),
    sockets,
  };
  ({ race: timerRace } = await startTimerRace());
  // Awaited by the 409 cases, which report its failure.
  timerRace.catch(() => undefined);
});

afterAll(async () => {
  await timerRace?.catch(() => undefined);
  for (const socket of s?.sockets ?? []) socket.close();
  await s?.noCloud.close();
  await s?.noStore.close();
  await s?.lossy?.close();
  await s?.lossyStore?.close();
  await s?.personal.close();
  await s?.personalSim.close();
  await s?.h.close();
});

// ---- Provoking --------------------------------------------------------------------------------

interface Outcome extends ApiAnswer {
  /** HTTP requests and socket messages the simulated cloud received during the call (NaN: not counted). */
  traffic: number;
}

type Provoker = (route: Route) => Promise<Outcome>;
type Provokers = Partial<Record<number, Provoker | Provoker[]>>;

/** Makes the call the case is about, counting what reached the cloud meanwhile. */
async function act(call: () => Promise<ApiAnswer>): Promise<Outcome> {
  s.h.sim.stats.reset();
  const answer = await call();
  return { ...answer, traffic: cloudTraffic(s.h) };
}

/** Invokes the Lambda handler with the API Gateway (payload 2.0) event of a call with the owner's key. */
async function invokeLambda(method: string, path: string, body: string): Promise<ApiAnswer> {
  const handler = httpApiHandler(s.h.bridge, new Logger({ logLevel: 'SILENT' }));
  const headers = { host: 'bridge.example.com', authorization: `Bearer ${s.h.apiKey}`, 'content-type': 'application/json' };
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers,
    requestContext: { domainName: 'bridge.example.com', requestId: 'contract-lambda', http: { method, path } },
    body,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
  const res = await handler(event, {} as Context);
  const text = res.body ?? '';
  return { status: res.statusCode ?? 200, body: text ? JSON.parse(text) : undefined, text, contentType: res.headers?.['content-type'] as string | undefined };
}

/** A preparing call's answer, which must have `status`. */
function must(answer: ApiAnswer, status: number): any {
  if (answer.status !== status) throw new Error(`preparing: expected ${status}, got ${answer.status} ${answer.text}`);
  return answer.body;
}

/** Caches the device list for the caller, so a later call that sends nothing sends nothing at all. */
async function warm(call: Call = s.owner): Promise<void> {
  must(await call('GET', '/devices'), 200);
}

const GOOGLE_SYNC = { requestId: 'contract-sync', inputs: [{ intent: 'action.devices.SYNC' }] };
/** An access token of the bridge's form that it never issued: checking it takes a read of the table. */
const NO_SUCH_TOKEN = `nosuchlink000000.${'x'.repeat(43)}`;
const newGroup = async (name = 'Group') => (must(await s.owner('POST', '/groups', { body: { name } }), 201) as { id: string }).id;
const newTimer = async (deviceid = LAMP) => (must(await s.owner('POST', `/devices/${deviceid}/timers`, { body: TIMER }), 201) as { timer: { id: string } }).timer.id;
const newScene = async (body: unknown = SCENE) => (must(await s.owner('POST', '/scenes', { body }), 201) as { scene: { id: string } }).scene.id;
/** A new webhook's path (its secret in it). */
const newHook = async (deviceid = LAMP) => new URL((must(await s.owner('POST', '/hooks', { body: { deviceid, action: { power: 'on' } } }), 201) as { url: string }).url).pathname;

/** A key of the owner's whose one call is spent (and comes back only in 100 s). */
async function spentKey(): Promise<string> {
  const { key } = await s.h.parts.store.apiKeys.create({ accountId: OWNER_ACCOUNT, label: 'spent', limit: { perSecond: 0.01, burst: 1 } });
  must(await s.owner('GET', '/keys', { auth: key }), 200);
  return key;
}

/** A share the receiver accepts, then their answer to anything further. */
async function shareThenAnswer(deviceid: string, seed: AccountSeed, answer: ShareAnswer): Promise<void> {
  must(await s.owner('POST', `/devices/${deviceid}/shares`, { body: { uid: email(seed), permit: 1 } }), 200);
  s.h.sim.setShareAnswer(email(seed), answer);
}

interface RaceOutcomes {
  POST: Outcome;
  PUT: Outcome;
  DELETE: Outcome;
}

/**
 * Adding, replacing and deleting a timer of RACE at once, each losing every round to another
 * writer that saves the device's timers between its read and its write (a real write to the
 * real table; only its timing is arranged), until the edit gives up with 409. Each gives up
 * only after its whole series of backed-off retries (seconds), so the three run beside the
 * other cases: they touch only RACE's timers in the table, and no cloud once past their device
 * lookup, which is over when this resolves (each has read the timers). The traffic of the
 * race is not counted: the other cases reset the counters.
 */
async function startTimerRace(): Promise<{ race: Promise<RaceOutcomes> }> {
  const timerId = await newTimer(RACE);
  await warm();
  const model = s.h.parts.store.timers;
  const read = model.getTimers.bind(model);
  let racing = 0;
  let allRacing: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (allRacing = resolve));
  const spy = vi.spyOn(model, 'getTimers').mockImplementation(async (accountId, deviceid) => {
    const current = await read(accountId, deviceid);
    if (deviceid === RACE) {
      await model.putTimers(accountId, deviceid, current.timers, current.version);
      if (++racing === 3) allRacing();
    }
    return current;
  });
  const uncounted = async (answer: Promise<ApiAnswer>): Promise<Outcome> => ({ ...(await answer), traffic: Number.NaN });
  const path = `/devices/${RACE}/timers`;
  const race = Promise.all([
    uncounted(s.owner('POST', path, { body: TIMER })),
    uncounted(s.owner('PUT', `${path}/${timerId}`, { body: TIMER })),
    uncounted(s.owner('DELETE', `${path}/${timerId}`)),
  ])
    .then(([POST, PUT, DELETE]) => ({ POST, PUT, DELETE }))
    .finally(() => spy.mockRestore());
  await Promise.race([started, race]);
  return { race };
}

/** A path parameter value, a body or a query the route's own checks refuse. */
function badInput(route: Route): { path: string; body?: unknown } | undefined {
  const sample = sampleParams(route);
  for (const name of Object.keys(sample)) {
    for (const candidate of ['not a valid value', 'x'.repeat(300)]) {
      try {
        parse(route.params as TSchema, { ...sample, [name]: candidate });
      } catch {
        return { path: pathOf(route, { [name]: candidate }), body: exampleBody(route) };
      }
    }
  }
  if (route.body) return { path: pathOf(route), body: [exampleBody(route)] };
  if (route.query) return { path: `${pathOf(route)}?no-such-parameter=1` };
  return undefined;
}

/** The statuses any route of its shape can be made to answer, and how. */
function commonProvokers(route: Route): Provokers {
  const path = pathOf(route);
  const body = exampleBody(route);
  const out: Provokers = {};
  if (route.body) out[400] = () => act(() => s.owner(route.method, path, { raw: '{' }));
  if (route.auth === 'apiKey') out[401] = () => act(() => s.owner(route.method, path, { body, auth: false }));
  out[413] = [
    () => act(() => s.owner(route.method, path, { raw: `"${'x'.repeat(MAX_BODY_BYTES)}"` })),
    // As API Gateway hands it to the function: the handler's own limit, the local server's not in the way.
    () => act(() => invokeLambda(route.method, path, 'x'.repeat(MAX_BODY_BYTES + 1))),
  ];
  const bad = badInput(route);
  // The token endpoint refuses such input as RFC 6749 says, with 400 (its own provokers); an
  // assistant's route judges its message itself and answers in the assistant's own terms.
  if (bad && failureFormat(route) !== 'oauth' && route.answers !== 'assistant') out[422] = () => act(() => s.owner(route.method, bad.path, { body: bad.body }));
  if (route.cloud !== false && route.cloud !== 'v2') out[501] = () => act(() => s.personal.call(route.method, path, { body }));
  if (route.cloud !== false) out[502] = () => act(() => s.noCloud.call(route.method, path, { body }));
  // A route that needs no cloud needs no linked account either: only a store that is down makes it 503.
  if (route.cloud !== false) out[503] = () => act(() => s.nobody(route.method, path, { body }));
  else if (route.auth === 'apiKey') out[503] = () => act(() => s.noStore.call(route.method, path, { body }));
  if (route.auth === 'apiKey') out[429] = () => act(async () => s.owner(route.method, path, { body, auth: await spentKey() }));
  return out;
}

/** The common provoker for a status, beside a route's own variants of it. */
const common =
  (status: number): Provoker =>
  (route) =>
    (commonProvokers(route)[status] as Provoker)(route);

/** Statuses that need a particular state, and statuses a route gets otherwise than its shape suggests. */
const SPECIFIC: Record<string, Provokers> = {
  'GET /devices': {
    200: () => act(() => s.owner('GET', '/devices')),
  },
  'GET /devices/{id}': {
    200: () => act(() => s.owner('GET', `/devices/${LAMP}`)),
    404: () => act(() => s.owner('GET', `/devices/${UNKNOWN}`)),
  },
  'POST /devices/{id}/control': {
    200: () => act(() => s.owner('POST', `/devices/${LAMP}/control`, { body: { power: 'on' } })),
    404: () => act(() => s.owner('POST', `/devices/${UNKNOWN}/control`, { body: { power: 'on' } })),
    422: [
      common(422),
      async () => {
        await warm();
        return act(() => s.owner('POST', `/devices/${STRIP}/control`, { body: { power: 'on', channel: 4 } }));
      },
    ],
    504: () => act(() => s.owner('POST', `/devices/${PLUG}/control`, { body: { power: 'on' } })),
  },
  'POST /devices': {
    201: () => act(() => s.owner('POST', '/devices', { body: { deviceid: NEW_WIFI.deviceid, apikey: NEW_WIFI.devicekey, name: 'Porch light' } })),
    404: () => act(() => s.owner('POST', '/devices', { body: { deviceid: '1000000555', apikey: NEW_WIFI.devicekey, name: 'Nowhere' } })),
    409: () => act(() => s.owner('POST', '/devices', { body: { deviceid: LAMP, apikey: NEW_WIFI.devicekey, name: 'Again' } })),
  },
  'POST /devices/gsm': {
    201: () => act(() => s.owner('POST', '/devices/gsm', { body: { id: GSM.first, name: 'Gate' } })),
    404: () => act(() => s.owner('POST', '/devices/gsm', { body: { id: 'gsmunknown01', name: 'Gate' } })),
    409: async () => {
      must(await s.owner('POST', '/devices/gsm', { body: { id: GSM.second, name: 'Barn' } }), 201);
      return act(() => s.owner('POST', '/devices/gsm', { body: { id: GSM.second, name: 'Barn again' } }));
    },
  },
  'PATCH /devices/{id}': {
    200: () => act(() => s.owner('PATCH', `/devices/${LAMP}`, { body: { name: 'Hall lamp' } })),
    403: async () => {
      await warm(s.friend);
      return act(() => s.friend('PATCH', `/devices/${SHARED}`, { body: { name: 'Mine now' } }));
    },
    404: () => act(() => s.owner('PATCH', `/devices/${UNKNOWN}`, { body: { name: 'Ghost' } })),
  },
  'DELETE /devices/{id}': {
    204: () => act(() => s.owner('DELETE', `/devices/${SPARE}`)),
    403: async () => {
      await warm(s.friend);
      return act(() => s.friend('DELETE', `/devices/${SHARED}`));
    },
    404: () => act(() => s.owner('DELETE', `/devices/${UNKNOWN}`)),
  },
  'PUT /devices/{id}/channels': {
    200: () => act(() => s.owner('PUT', `/devices/${STRIP}/channels`, { body: { names: { '0': 'Kettle' } } })),
    403: async () => {
      await warm(s.friend);
      return act(() => s.friend('PUT', `/devices/${SHARED}/channels`, { body: { names: { '0': 'Mine' } } }));
    },
    404: () => act(() => s.owner('PUT', `/devices/${UNKNOWN}/channels`, { body: { names: { '0': 'Kettle' } } })),
    422: [
      common(422),
      async () => {
        await warm();
        return act(() => s.owner('PUT', `/devices/${LAMP}/channels`, { body: { names: { '0': 'Only' } } }));
      },
    ],
  },
  'GET /devices/{id}/history': {
    200: () => act(() => s.owner('GET', `/devices/${LAMP}/history?pageSize=5`)),
    404: () => act(() => s.owner('GET', `/devices/${UNKNOWN}/history`)),
    422: [
      common(422),
      () => act(() => s.owner('GET', `/devices/${LAMP}/history?from=2024-05-02T00:00:00Z&to=2024-05-01T00:00:00Z`)),
    ],
  },
  'POST /devices/{id}/shares': {
    200: async () => {
      must(await s.owner('DELETE', `/devices/${LAMP}/shares/${email(FRIEND)}`), 204);
      return act(() => s.owner('POST', `/devices/${LAMP}/shares`, { body: { uid: email(FRIEND), permit: 15, note: 'from Sam' } }));
    },
    403: async () => {
      await warm(s.friend);
      return act(() => s.friend('POST', `/devices/${SHARED}/shares`, { body: { uid: email(GRUMPY) } }));
    },
    404: () => act(() => s.owner('POST', `/devices/${STRIP}/shares`, { body: { uid: '+447700900123' } })),
    409: [
      () => act(() => s.owner('POST', `/devices/${SHARED}/shares`, { body: { uid: email(FRIEND) } })),
      () => act(() => s.owner('POST', `/devices/${STRIP}/shares`, { body: { uid: email(GRUMPY) } })),
    ],
    429: async () => {
      must(await s.owner('POST', `/devices/${LAMP}/shares`, { body: { uid: email(AWAY_TOO) } }), 504);
      return act(() => s.owner('POST', `/devices/${LAMP}/shares`, { body: { uid: email(AWAY_TOO) } }));
    },
    504: () => act(() => s.owner('POST', `/devices/${LAMP}/shares`, { body: { uid: email(AWAY) } })),
  },
  'PATCH /devices/{id}/shares/{uid}': {
    200: () => act(() => s.owner('PATCH', `/devices/${SHARED}/shares/${email(FRIEND)}`, { body: { permit: 3 } })),
    403: async () => {
      await warm(s.friend);
      return act(() => s.friend('PATCH', `/devices/${SHARED}/shares/${email(GRUMPY)}`, { body: { permit: 3 } }));
    },
    404: () => act(() => s.owner('PATCH', `/devices/${STRIP}/shares/${email(FRIEND)}`, { body: { permit: 3 } })),
    409: async () => {
      await shareThenAnswer(STRIP, FICKLE, 'refuse');
      return act(() => s.owner('PATCH', `/devices/${STRIP}/shares/${email(FICKLE)}`, { body: { permit: 15 } }));
    },
    429: async () => {
      await shareThenAnswer(LAMP, SHY_TOO, 'ignore');
      must(await s.owner('PATCH', `/devices/${LAMP}/shares/${email(SHY_TOO)}`, { body: { permit: 15 } }), 504);
      return act(() => s.owner('PATCH', `/devices/${LAMP}/shares/${email(SHY_TOO)}`, { body: { permit: 15 } }));
    },
    504: async () => {
      await shareThenAnswer(LAMP, SHY, 'ignore');
      return act(() => s.owner('PATCH', `/devices/${LAMP}/shares/${email(SHY)}`, { body: { permit: 15 } }));
    },
  },
  'DELETE /devices/{id}/shares/{uid}': {
    204: () => act(() => s.owner('DELETE', `/devices/${LAMP}/shares/${email(FRIEND)}`)),
    403: async () => {
      await warm(s.friend);
      return act(() => s.friend('DELETE', `/devices/${SHARED}/shares/${email(GRUMPY)}`));
    },
    404: () => act(() => s.owner('DELETE', `/devices/${UNKNOWN}/shares/${email(FRIEND)}`)),
  },
  'GET /groups': {
    200: () => act(() => s.owner('GET', '/groups')),
  },
  'POST /groups': {
    201: () => act(() => s.owner('POST', '/groups', { body: { name: 'Kitchen' } })),
  },
  'PATCH /groups/{groupId}': {
    200: async () => {
      const id = await newGroup('Hall');
      return act(() => s.owner('PATCH', `/groups/${id}`, { body: { name: 'Hallway', index: 3 } }));
    },
    404: () => act(() => s.owner('PATCH', '/groups/0123456789abcdef01234567', { body: { name: 'Nowhere' } })),
  },
  'DELETE /groups/{groupId}': {
    204: async () => {
      const id = await newGroup('Attic');
      return act(() => s.owner('DELETE', `/groups/${id}`));
    },
    404: () => act(() => s.owner('DELETE', '/groups/0123456789abcdef01234567')),
  },
  'POST /groups/{groupId}/devices': {
    200: async () => {
      const id = await newGroup('Den');
      return act(() => s.owner('POST', `/groups/${id}/devices`, { body: { deviceids: [LAMP, STRIP] } }));
    },
    404: () => act(() => s.owner('POST', '/groups/0123456789abcdef01234567/devices', { body: { deviceids: [LAMP] } })),
  },
  'DELETE /groups/{groupId}/devices/{id}': {
    204: async () => {
      const id = await newGroup('Porch');
      must(await s.owner('POST', `/groups/${id}/devices`, { body: { deviceids: [LAMP] } }), 200);
      return act(() => s.owner('DELETE', `/groups/${id}/devices/${LAMP}`));
    },
    404: async () => {
      const id = await newGroup('Empty');
      return act(() => s.owner('DELETE', `/groups/${id}/devices/${STRIP}`));
    },
  },
  'GET /devices/{id}/timers': {
    200: async () => {
      await newTimer();
      return act(() => s.owner('GET', `/devices/${LAMP}/timers`));
    },
    404: () => act(() => s.owner('GET', `/devices/${UNKNOWN}/timers`)),
  },
  'POST /devices/{id}/timers': {
    201: () => act(() => s.owner('POST', `/devices/${LAMP}/timers`, { body: TIMER })),
    404: () => act(() => s.owner('POST', `/devices/${UNKNOWN}/timers`, { body: TIMER })),
    409: async () => (await timerRace).POST,
    504: async () => {
      await warm();
      return act(() => s.lossy.call('POST', `/devices/${STRIP}/timers`, { body: TIMER }));
    },
    422: [
      common(422),
      async () => {
        await warm();
        return act(() => s.owner('POST', `/devices/${LAMP}/timers`, { body: { ...TIMER, action: { power: 'on', brightness: 50 } } }));
      },
    ],
  },
  'PUT /devices/{id}/timers/{timerId}': {
    200: async () => {
      const id = await newTimer();
      return act(() => s.owner('PUT', `/devices/${LAMP}/timers/${id}`, { body: { ...TIMER, action: { power: 'off' } } }));
    },
    404: () => act(() => s.owner('PUT', `/devices/${LAMP}/timers/6f1d2c3b-0a9e-4f8d-b7c6-5e4d3c2b1a09`, { body: TIMER })),
    409: async () => (await timerRace).PUT,
    504: async () => {
      const id = await newTimer(STRIP);
      return act(() => s.lossy.call('PUT', `/devices/${STRIP}/timers/${id}`, { body: { ...TIMER, action: { power: 'off' } } }));
    },
  },
  'DELETE /devices/{id}/timers/{timerId}': {
    200: async () => {
      const id = await newTimer();
      return act(() => s.owner('DELETE', `/devices/${LAMP}/timers/${id}`));
    },
    404: () => act(() => s.owner('DELETE', `/devices/${LAMP}/timers/6f1d2c3b-0a9e-4f8d-b7c6-5e4d3c2b1a09`)),
    409: async () => (await timerRace).DELETE,
  },
  'GET /scenes': {
    200: async () => {
      await newScene();
      return act(() => s.owner('GET', '/scenes'));
    },
    503: () => act(() => s.noStore.call('GET', '/scenes')),
  },
  'POST /scenes': {
    201: () => act(() => s.owner('POST', '/scenes', { body: SCHEDULED_SCENE })),
    404: () => act(() => s.owner('POST', '/scenes', { body: { ...SCENE, actions: [{ deviceid: UNKNOWN, command: { power: 'on' } }] } })),
    422: [
      common(422),
      async () => {
        await warm();
        return act(() => s.owner('POST', '/scenes', { body: { ...SCENE, actions: [{ deviceid: LAMP, command: { power: 'on', brightness: 50 } }] } }));
      },
    ],
    504: async () => {
      await warm();
      return act(() => s.lossy.call('POST', '/scenes', { body: SCENE }));
    },
  },
  'GET /scenes/{sceneId}': {
    200: async () => {
      const id = await newScene();
      return act(() => s.owner('GET', `/scenes/${id}`));
    },
    404: () => act(() => s.owner('GET', '/scenes/0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b')),
    503: () => act(() => s.noStore.call('GET', '/scenes/0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b')),
  },
  'PUT /scenes/{sceneId}': {
    200: async () => {
      const id = await newScene();
      return act(() => s.owner('PUT', `/scenes/${id}`, { body: SCHEDULED_SCENE }));
    },
    404: () => act(() => s.owner('PUT', '/scenes/0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b', { body: SCENE })),
    409: async () => {
      // Another caller saves the scene just after this one read it.
      const id = await newScene();
      const model = s.h.parts.store.timers;
      const read = model.getScene.bind(model);
      const spy = vi.spyOn(model, 'getScene').mockImplementationOnce(async (accountId, sceneId) => {
        const current = await read(accountId, sceneId);
        if (current) await model.putScene(accountId, { ...current, name: 'Edited elsewhere' }, current.version);
        return current;
      });
      try {
        return await act(() => s.owner('PUT', `/scenes/${id}`, { body: { ...SCENE, name: 'Edited here' } }));
      } finally {
        spy.mockRestore();
      }
    },
    501: async () => {
      const id = await newScene();
      return act(() => s.personal.call('PUT', `/scenes/${id}`, { body: SCENE }));
    },
    502: async () => {
      const id = await newScene();
      return act(() => s.noCloud.call('PUT', `/scenes/${id}`, { body: SCENE }));
    },
    503: () => act(() => s.noStore.call('PUT', '/scenes/0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b', { body: SCENE })),
    504: async () => {
      const id = await newScene();
      await warm();
      return act(() => s.lossy.call('PUT', `/scenes/${id}`, { body: { ...SCENE, name: 'Renamed' } }));
    },
  },
  'DELETE /scenes/{sceneId}': {
    200: [
      async () => {
        const id = await newScene(SCHEDULED_SCENE);
        return act(() => s.owner('DELETE', `/scenes/${id}`));
      },
      // The scene is deleted, then its devices' timers cannot be pushed: the failed pushes are in the answer.
      async () => {
        const id = await newScene(SCHEDULED_SCENE);
        const outcome = await act(() => s.noCloud.call('DELETE', `/scenes/${id}`));
        expect(outcome.body?.pushes?.[LAMP]?.status).toBe('failed');
        return outcome;
      },
    ],
    404: () => act(() => s.owner('DELETE', '/scenes/0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b')),
    503: () => act(() => s.noStore.call('DELETE', '/scenes/0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b')),
  },
  'POST /scenes/{sceneId}/run': {
    200: async () => {
      const id = await newScene({ ...SCENE, actions: [...SCENE.actions, { deviceid: PLUG, command: { power: 'on' } }] });
      return act(() => s.owner('POST', `/scenes/${id}/run`));
    },
    404: () => act(() => s.owner('POST', '/scenes/0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b/run')),
    503: () => act(() => s.noStore.call('POST', '/scenes/0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b/run')),
  },
  'POST /hooks': {
    201: () => act(() => s.owner('POST', '/hooks', { body: { deviceid: LAMP, action: { power: 'toggle' }, name: 'hall button' } })),
    404: () => act(() => s.owner('POST', '/hooks', { body: { deviceid: UNKNOWN, action: { power: 'on' } } })),
    422: [
      common(422),
      async () => {
        await warm();
        return act(() => s.owner('POST', '/hooks', { body: { deviceid: LAMP, action: { power: 'on', brightness: 50 } } }));
      },
    ],
    504: async () => {
      await warm();
      return act(() => s.lossy.call('POST', '/hooks', { body: { deviceid: LAMP, action: { power: 'toggle' } } }));
    },
  },
  'POST /hooks/{hookId}/{secret}': {
    200: async () => {
      const path = await newHook();
      return act(() => s.owner('POST', path, { auth: false, raw: 'anything IFTTT sends' }));
    },
    401: async () => {
      const path = await newHook();
      return act(() => s.owner('POST', `${path.slice(0, path.lastIndexOf('/'))}/wrongsecret123`, { auth: false }));
    },
    404: async () => {
      const path = await newHook(DOOMED);
      must(await s.owner('DELETE', `/devices/${DOOMED}`), 204);
      return act(() => s.owner('POST', path, { auth: false }));
    },
    501: async () => {
      const path = await newHook();
      return act(() => s.personal.call('POST', path, { auth: false }));
    },
    502: async () => {
      const path = await newHook();
      return act(() => s.noCloud.call('POST', path, { auth: false }));
    },
    503: async () => {
      const { hook, secret } = await s.h.parts.store.hooks.create({ accountId: NOBODY, deviceid: LAMP, action: { power: 'on' } });
      return act(() => s.owner('POST', `/hooks/${hook.hookId}/${secret}`, { auth: false }));
    },
    429: async () => {
      const created = must(await s.owner('POST', '/hooks', { body: { deviceid: LAMP, action: { power: 'on' }, limit: { perSecond: 0.01, burst: 1 } } }), 201) as { url: string };
      const path = new URL(created.url).pathname;
      must(await s.owner('POST', path, { auth: false }), 200);
      return act(() => s.owner('POST', path, { auth: false }));
    },
    504: async () => {
      const path = await newHook(PLUG);
      return act(() => s.owner('POST', path, { auth: false }));
    },
  },
  'GET /hooks': {
    200: () => act(() => s.owner('GET', '/hooks')),
  },
  'PATCH /hooks/{hookId}': {
    200: async () => {
      const hookId = (await newHook()).split('/')[2] as string;
      return act(() => s.owner('PATCH', `/hooks/${hookId}`, { body: { name: 'renamed', limit: { perSecond: 2, burst: 4 } } }));
    },
    404: () => act(() => s.owner('PATCH', '/hooks/Qk3xN0p4R2tY', { body: { name: 'nobody' } })),
  },
  'DELETE /hooks/{hookId}': {
    204: async () => {
      const hookId = (await newHook()).split('/')[2] as string;
      return act(() => s.owner('DELETE', `/hooks/${hookId}`));
    },
    404: () => act(() => s.owner('DELETE', '/hooks/Qk3xN0p4R2tY')),
  },
  'PUT /hooks/{hookId}/secret': {
    200: async () => {
      const hookId = (await newHook()).split('/')[2] as string;
      return act(() => s.owner('PUT', `/hooks/${hookId}/secret`));
    },
    404: () => act(() => s.owner('PUT', '/hooks/Qk3xN0p4R2tY/secret')),
  },
  'GET /keys': {
    200: () => act(() => s.owner('GET', '/keys')),
  },
  'POST /keys': {
    201: () => act(() => s.owner('POST', '/keys', { body: { label: 'contract', limit: { perSecond: 1, burst: 2 } } })),
    504: () => act(() => s.lossy.call('POST', '/keys', { body: { label: 'lost answer' } })),
  },
  'DELETE /keys/{keyId}': {
    204: async () => {
      const made = must(await s.owner('POST', '/keys', { body: { label: 'short-lived' } }), 201) as { id: string };
      return act(() => s.owner('DELETE', `/keys/${made.id}`));
    },
    404: () => act(() => s.owner('DELETE', '/keys/k7Gm2xYq9aZb')),
  },
  'GET /openapi.json': {
    200: () => act(() => s.owner('GET', '/openapi.json', { auth: false })),
  },
  'GET /oauth/authorize': {
    200: async () => {
      const { client } = await addClient(s.h.bridge, { name: 'contract' });
      return act(() => s.owner('GET', `/oauth/authorize?${authorizeQuery(client)}`, { auth: false }));
    },
    400: () => act(() => s.owner('GET', `/oauth/authorize?${UNKNOWN_CLIENT_QUERY}`, { auth: false })),
    503: () => act(() => s.noStore.call('GET', `/oauth/authorize?${UNKNOWN_CLIENT_QUERY}`, { auth: false })),
  },
  'POST /oauth/authorize': {
    302: async () => {
      const fields = await openConsent();
      return act(() => s.owner('POST', '/oauth/authorize', { body: { ...fields, proof: s.h.apiKey, decision: 'approve' }, auth: false }));
    },
    400: (route) => act(() => s.owner('POST', '/oauth/authorize', { body: exampleBody(route), auth: false })),
    401: async () => {
      const fields = await openConsent();
      return act(() => s.owner('POST', '/oauth/authorize', { body: { ...fields, proof: 'ebk_not-a-key-of-this-bridge', decision: 'approve' }, auth: false }));
    },
    503: (route) => act(() => s.noStore.call('POST', '/oauth/authorize', { body: exampleBody(route), auth: false })),
  },
  'POST /oauth/token': {
    200: async () => {
      const client = await addClient(s.h.bridge, { name: 'contract' });
      const { answer } = await approve(s.h.url, authorizeQuery(client.client), s.h.apiKey);
      const code = answer.location?.searchParams.get('code') ?? '';
      return act(() => s.owner('POST', '/oauth/token', { body: { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: client.client.id, client_secret: client.secret }, auth: false }));
    },
    400: [
      common(400),
      (route) => act(() => s.owner('POST', '/oauth/token', { body: [exampleBody(route)], auth: false })),
      async () => {
        const { client, secret } = await addClient(s.h.bridge, { name: 'contract' });
        return act(() => s.owner('POST', '/oauth/token', { body: { grant_type: 'authorization_code', code: 'nosuchlink000000.nosuchcodenosuchcodenosuchcode00', redirect_uri: REDIRECT_URI, client_id: client.id, client_secret: secret }, auth: false }));
      },
    ],
    401: (route) => act(() => s.owner('POST', '/oauth/token', { body: exampleBody(route), auth: false })),
    503: (route) => act(() => s.noStore.call('POST', '/oauth/token', { body: exampleBody(route), auth: false })),
  },
  'POST /google/fulfillment': {
    200: async () => {
      const { access_token } = await linkAssistant(s.h.url, await addClient(s.h.bridge, { name: 'google' }), s.h.apiKey);
      return act(() => s.owner('POST', '/google/fulfillment', { body: GOOGLE_SYNC, auth: access_token }));
    },
    400: [common(400), (route) => act(() => s.owner('POST', '/google/fulfillment', { body: [exampleBody(route)], auth: 'any-token' }))],
    401: [() => act(() => s.owner('POST', '/google/fulfillment', { body: GOOGLE_SYNC, auth: false })), () => act(() => s.owner('POST', '/google/fulfillment', { body: GOOGLE_SYNC, auth: NO_SUCH_TOKEN }))],
    503: () => act(() => s.noStore.call('POST', '/google/fulfillment', { body: GOOGLE_SYNC, auth: NO_SUCH_TOKEN })),
  },
  'GET /ewelink/oauth/start': {
    302: () => act(() => s.linker('GET', '/ewelink/oauth/start')),
  },
  'GET /ewelink/oauth/callback': {
    200: async () => {
      const start = await s.linker('GET', '/ewelink/oauth/start');
      const landing = await submitLogin(start.location as string, { login: email(OAUTH_SEED), password: OAUTH_SEED.password, decision: 'allow' });
      if (!landing.to) throw new Error(`preparing: the login page sent nobody back: ${landing.html}`);
      return act(() => s.owner('GET', `${landing.to!.pathname}${landing.to!.search}`, { auth: false }));
    },
    400: () => act(() => s.owner('GET', '/ewelink/oauth/callback?state=nosuchstate&code=abc&region=eu', { auth: false })),
    502: async () => {
      const { url } = await s.noCloud.bridge.accounts.startOAuth(OAUTH_ACCOUNT, `${s.h.url}/ewelink/oauth/callback`);
      const state = new URL(url).searchParams.get('state') as string;
      return act(() => s.noCloud.call('GET', `/ewelink/oauth/callback?state=${state}&code=abc&region=eu`, { auth: false }));
    },
    503: () => act(() => s.noStore.call('GET', '/ewelink/oauth/callback?state=somestate&code=abc&region=eu', { auth: false })),
  },
};

/** An authorize request of a client nobody registered. */
const UNKNOWN_CLIENT_QUERY = new URLSearchParams({ response_type: 'code', client_id: 'nosuchclient0000', redirect_uri: REDIRECT_URI, state: 's1' }).toString();

/** The fields of an open authorize page of a new client, as its form would send them back. */
async function openConsent(): Promise<Record<string, string>> {
  const { client } = await addClient(s.h.bridge, { name: 'contract' });
  const page = await s.owner('GET', `/oauth/authorize?${authorizeQuery(client)}`, { auth: false });
  must(page, 200);
  return hiddenFields(page.text);
}

/** A key no other case uses. */
let keys = 0;
const newKey = () => `contract-key-${++keys}-${Date.now()}`;

/** A call of the route with the owner's key: its sample path and example body, as sent. */
function keyedCall(route: Route): { path: string; raw: string | undefined } {
  const body = exampleBody(route);
  return { path: pathOf(route), raw: body === undefined ? undefined : JSON.stringify(body) };
}

/** The route's call while an earlier request with the same Idempotency-Key is still being served (it holds the key in the ledger). */
async function keyInFlight(route: Route): Promise<Outcome> {
  const key = newKey();
  const { path, raw } = keyedCall(route);
  let finish: (() => void) | undefined;
  const earlier = s.h.bridge.replies.once(keyedMessage({ route, accountId: OWNER_ACCOUNT, key, method: route.method, rawPath: path, body: raw }), () => new Promise<{ status: number }>((resolve) => (finish = () => resolve({ status: 200 }))));
  await vi.waitFor(() => expect(finish).toBeDefined());
  try {
    return await act(() => s.owner(route.method, path, { raw, headers: { 'idempotency-key': key } }));
  } finally {
    finish?.();
    await earlier;
  }
}

/** The route's call with an Idempotency-Key an earlier request with another body was answered under. */
async function keyReused(route: Route): Promise<Outcome> {
  const key = newKey();
  const { path, raw } = keyedCall(route);
  await s.h.bridge.replies.once(keyedMessage({ route, accountId: OWNER_ACCOUNT, key, method: route.method, rawPath: path, body: `${raw ?? ''} ` }), async () => ({ status: 200 }));
  return act(() => s.owner(route.method, path, { raw, headers: { 'idempotency-key': key } }));
}

/** A route that takes an Idempotency-Key answers 409 (the key in flight) and 422 (the key reused) besides: provoked beside its own cases. */
function withKeyProvokers(route: Route, provokers: Provokers): Provokers {
  if (!route.idempotent) return provokers;
  for (const [status, provoker] of [
    [409, keyInFlight],
    [422, keyReused],
  ] as const) {
    const given = provokers[status];
    provokers[status] = given === undefined ? provoker : [...(Array.isArray(given) ? given : [given]), provoker];
  }
  return provokers;
}

/** Every route's provokers: the common ones for its shape, then its own (which replace them), then the Idempotency-Key's. */
const TABLE = new Map(routes.map((route) => [routeKey(route), { route, provokers: withKeyProvokers(route, { ...commonProvokers(route), ...SPECIFIC[routeKey(route)] }) }]));

/** Statuses whose answers promise that nothing reached the cloud: refused before the route ran, or by the bridge's own checks. */
const NOTHING_SENT = new Set([400, 401, 403, 413, 422]);

// ---- The checks -------------------------------------------------------------------------------

describe('the table of provokers', () => {
  it('covers every status the document lists for each route, and no status it does not list', () => {
    // Prepare
    const uncovered: string[] = [];
    const undocumented: string[] = [];
    // Act
    for (const [key, { route, provokers }] of TABLE) {
      const listed = documentedStatuses(route);
      const provoked = Object.keys(provokers).map(Number);
      uncovered.push(...listed.filter((status) => !provoked.includes(status)).map((status) => `${key} ${status}`));
      undocumented.push(...provoked.filter((status) => !listed.includes(status)).map((status) => `${key} ${status}`));
    }
    // Assess
    expect(uncovered, 'documented statuses no provoker covers').toEqual([]);
    expect(undocumented, 'provoked statuses the document does not list').toEqual([]);
  });

  it("checks bodies by the document's schemas: a body they do not describe is refused", () => {
    // Prepare
    const route = routes.find((r) => routeKey(r) === 'GET /devices') as Route;
    const list = documented(route, 200)?.content['application/json'].schema as Json;
    const error = documented(route, 401)?.content['application/json'].schema as Json;
    // Assess
    expect(schemaErrors(list, { devices: [] })).toBeUndefined();
    expect(schemaErrors(list, { devices: [{ deviceid: 1 }] })).toMatch(/deviceid/);
    expect(schemaErrors(error, { error: { code: 'unauthorized', message: 'no key', requestId: 'r1' } })).toBeUndefined();
    expect(schemaErrors(error, { error: { code: 'teapot', message: 'no key', requestId: 'r1' } })).toBeDefined();
    expect(schemaErrors(error, { error: { code: 'unauthorized', message: 'no key' } })).toMatch(/requestId/);
  });

  it('names only routes there are', () => {
    expect(Object.keys(SPECIFIC).filter((key) => !TABLE.has(key))).toEqual([]);
  });

  it("follows the document's statuses, which are the route's success and errorStatuses(route)", () => {
    for (const route of routes) {
      expect(documentedStatuses(route).sort(), routeKey(route)).toEqual([route.ok.status, ...errorStatuses(route).keys()].sort());
    }
  });
});

for (const [key, { route, provokers }] of TABLE) {
  describe(key, () => {
    const statuses = [...new Set([...documentedStatuses(route), ...Object.keys(provokers).map(Number)])].sort((a, b) => a - b);
    const cases = statuses.flatMap((status) => {
      const given = provokers[status];
      const list = given === undefined ? [undefined] : Array.isArray(given) ? given : [given];
      return list.map((provoke, i) => ({ status, provoke, title: list.length > 1 ? `${status} (${i + 1} of ${list.length})` : `${status}` }));
    });

    for (const { status, provoke, title } of cases) {
      it(`answers ${title} as the document says`, async () => {
        // Prepare
        if (!provoke) expect.fail(`no provoker for ${key} ${status}`);
        const response = documented(route, status);
        // Act
        const outcome = await provoke(route);
        // Assess: the status, and that the document lists it
        expect(outcome.status, `${key}: ${outcome.text.slice(0, 500)}`).toBe(status);
        expect(response, `${key} ${status} is not in the document`).toBeDefined();
        // Assess: the body, by the document's schema for this status (a page: HTML; a redirect: its Location)
        const schema = response?.content?.['application/json']?.schema as Json | undefined;
        const page = response?.content?.['text/html'] !== undefined;
        if (schema) {
          expect(outcome.contentType).toMatch(/^application\/json/);
          expect(schemaErrors(schema, outcome.body), `${key} ${status}: ${outcome.text.slice(0, 500)}`).toBeUndefined();
        } else if (page) {
          expect(outcome.contentType).toMatch(/^text\/html/);
          expect(outcome.text).toMatch(/^<!doctype html>/);
        } else {
          expect(outcome.text, `${key} ${status} documents no body`).toBe('');
        }
        if (response?.headers?.Location) expect(outcome.location).toMatch(/^https?:\/\//);
        if (status >= 400) {
          // The token endpoint answers RFC 6749's shape, its own failures naming their request id in the description.
          const oauth = schema?.$ref === '#/components/schemas/OAuthError';
          // An assistant's refusal is its own message, naming what failed (Google: the request's id and an errorCode).
          const assistant = outcome.body?.payload?.errorCode !== undefined;
          if (page) expect(outcome.text).toMatch(/request [0-9a-f-]{36}/);
          else if (oauth) expect(outcome.body.error_description).toMatch(status >= 500 ? /request [0-9a-f-]{36}/ : /\S/);
          else if (assistant) expect(outcome.body).toMatchObject({ requestId: expect.any(String), payload: { errorCode: expect.any(String) } });
          else expect(outcome.body.error.requestId).toEqual(expect.any(String));
          expect(leaksIn(outcome.text), outcome.text).toEqual([]);
        }
        // Assess: refused input reached no device and no cloud
        if (NOTHING_SENT.has(status)) expect(outcome.traffic, `${key} ${status}: messages to the cloud`).toBe(0);
      });
    }
  });
}

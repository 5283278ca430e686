import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type DeviceSeed, type Sim } from '../../sim/index';
import { wsUrl } from './fixture';
import { APP_ID, APP_SECRET, bySequence, get, onlineSocket, post, queryMessage, sequence, updateMessage, type Json, type SocketClient } from './wire';

/*
 * Every family of the uiid table in protocol-notes.md, over the wire: valid commands are
 * accepted over the socket and over HTTP and read back; each rule refuses a bad value (or
 * a missing companion) with 400 and leaves the device as it was.
 */

type Params = Record<string, unknown>;

interface Step {
  send: Params;
  /** What the device reports afterwards; the params sent by default. */
  reads?: Params;
}

interface Refused {
  what: string;
  send: Params;
  reason: RegExp;
  /** A valid command that first puts the device in the state the refusal depends on. */
  given?: Params;
}

interface FamilyCase {
  uiid: number;
  family: string;
  steps: Step[];
  refused: Refused[];
}

const refuse = (what: string, send: Params, reason: RegExp, given?: Params): Refused => ({ what, send, reason, ...(given && { given }) });

const badTimers = refuse(
  'a timer with a bad time',
  { timers: [{ enabled: 1, mId: 't1', type: 'once', coolkit_timer_type: 'once', at: 'soon', do: {} }] },
  /timers\[0\]\.at must be a UTC ISO time/,
);

function singleSwitch(uiid: number): FamilyCase {
  return {
    uiid,
    family: 'single switch',
    steps: [{ send: { switch: 'on', startup: 'stay' } }, { send: { switch: 'off', pulse: 'on', pulseWidth: 1500 } }, { send: { sledOnline: 'off' } }],
    refused: [
      refuse('switch "ON"', { switch: 'ON' }, /switch must be "on" or "off"/),
      refuse('switch true', { switch: true }, /switch must be/),
      refuse('an unknown startup', { startup: 'sometimes' }, /startup must be "on" or "stay" or "off"/),
      refuse('pulse as a number', { pulse: 1 }, /pulse must be/),
      refuse('pulseWidth off the 500 step', { pulseWidth: 750 }, /pulseWidth must be a whole number from 500 to 3600000 in steps of 500/),
      refuse('pulseWidth as a string', { pulseWidth: '1000' }, /pulseWidth must be/),
      refuse('pulseWidth above an hour', { pulseWidth: 3_600_500 }, /pulseWidth must be/),
      refuse('an unknown sledOnline', { sledOnline: 'yes' }, /sledOnline must be/),
      badTimers,
    ],
  };
}

function climateSwitch(uiid: number): FamilyCase {
  return {
    uiid,
    family: 'TH',
    steps: [{ send: { switch: 'on', mainSwitch: 'on', deviceType: 'normal' } }, { send: { switch: 'off', mainSwitch: 'off' } }],
    refused: [
      refuse('switch "high"', { switch: 'high' }, /switch must be/),
      refuse('mainSwitch "auto"', { mainSwitch: 'auto' }, /mainSwitch must be/),
      refuse('a thermostat deviceType', { deviceType: 'temperature' }, /deviceType must be "normal"/),
      badTimers,
    ],
  };
}

function multiSwitch(uiid: number, channels: number): FamilyCase {
  const outlets = Array.from({ length: channels }, (_, outlet) => outlet);
  const last = channels - 1;
  const afterFirst = outlets.map((outlet) => ({ switch: outlet === last ? 'on' : 'off', outlet }));
  const afterSecond = outlets.map((outlet) => ({ switch: outlet === last && outlet !== 0 ? 'on' : 'off', outlet }));
  return {
    uiid,
    family: `${channels}-channel`,
    steps: [
      { send: { switches: [{ switch: 'on', outlet: last }] }, reads: { switches: afterFirst } },
      {
        send: { switches: [{ switch: 'off', outlet: 0 }], configure: [{ startup: 'stay', outlet: 0 }], pulses: [{ pulse: 'on', width: 2000, outlet: 0 }] },
        reads: {
          switches: afterSecond,
          configure: outlets.map((outlet) => ({ startup: outlet === 0 ? 'stay' : 'off', outlet })),
          pulses: outlets.map((outlet) => (outlet === 0 ? { pulse: 'on', width: 2000, outlet } : { pulse: 'off', width: 1000, outlet })),
        },
      },
    ],
    refused: [
      refuse('an outlet past the last', { switches: [{ switch: 'on', outlet: channels }] }, new RegExp(`switches\\[0\\]\\.outlet must be a whole number from 0 to ${last}`)),
      refuse('an entry without outlet', { switches: [{ switch: 'on' }] }, /switches\[0\]\.outlet/),
      refuse('switch "maybe"', { switches: [{ switch: 'maybe', outlet: 0 }] }, /switches\[0\]\.switch must be/),
      refuse('switches as an object', { switches: { switch: 'on', outlet: 0 } }, /switches must be a non-empty array/),
      refuse('an empty switches', { switches: [] }, /switches must be a non-empty array/),
      refuse('an unknown startup', { configure: [{ startup: 'x', outlet: 0 }] }, /configure\[0\]\.startup must be/),
      refuse('a pulse width off the step', { pulses: [{ pulse: 'on', width: 700, outlet: 0 }] }, /pulses\[0\]\.width must be/),
      refuse('an unknown sledOnline', { sledOnline: 'yes' }, /sledOnline must be/),
      badTimers,
    ],
  };
}

const dimmer: FamilyCase = {
  uiid: 36,
  family: 'dimmer',
  steps: [{ send: { switch: 'on', bright: 10 } }, { send: { bright: 100 } }],
  refused: [
    refuse('bright 9', { bright: 9 }, /bright must be a whole number from 10 to 100/),
    refuse('bright 101', { bright: 101 }, /bright must be/),
    refuse('bright as a string', { bright: '50' }, /bright must be/),
    refuse('a fractional bright', { bright: 50.5 }, /bright must be/),
    refuse('switch "dim"', { switch: 'dim' }, /switch must be/),
    badTimers,
  ],
};

const d1: FamilyCase = {
  uiid: 44,
  family: 'D1 dimmer',
  steps: [
    { send: { switch: 'on', brightness: 30, mode: 0 } },
    { send: { switch: 'off' } },
    { send: { brightness: 0, mode: 0 } },
    { send: { switch: 'on', brightness: 100, mode: 0 } },
  ],
  refused: [
    refuse('brightness without mode', { switch: 'on', brightness: 50 }, /brightness must come with mode: 0 in the same message/),
    refuse('brightness 101', { switch: 'on', brightness: 101, mode: 0 }, /brightness must be a whole number from 0 to 100/),
    refuse('brightness -1', { brightness: -1, mode: 0 }, /brightness must be/),
    refuse('brightness as a string', { brightness: '50', mode: 0 }, /brightness must be/),
    refuse('mode 1', { mode: 1 }, /mode must be the number 0/),
    refuse('brightness with mode 1', { brightness: 50, mode: 1 }, /mode must be the number 0/),
    refuse('mode as a string', { brightness: 50, mode: '0' }, /mode must be/),
    refuse('switch "bright"', { switch: 'bright' }, /switch must be/),
    badTimers,
  ],
};

const mono: FamilyCase = {
  uiid: 57,
  family: 'mono light',
  steps: [{ send: { state: 'on', channel0: '25' } }, { send: { channel0: '255' } }, { send: { state: 'off' } }],
  refused: [
    refuse('channel0 "24"', { channel0: '24' }, /channel0 must be a string holding a whole number from "25" to "255"/),
    refuse('channel0 "256"', { channel0: '256' }, /channel0 must be/),
    refuse('channel0 as a number', { channel0: 128 }, /channel0 must be/),
    refuse('channel0 "0"', { channel0: '0' }, /channel0 must be/),
    refuse('channel0 with a leading zero', { channel0: '080' }, /channel0 must be/),
    refuse('channel0 not a number', { channel0: 'bright' }, /channel0 must be/),
    refuse('state "on!"', { state: 'on!' }, /state must be/),
    badTimers,
  ],
};

const coldWarm: FamilyCase = {
  uiid: 16,
  family: 'cold/warm light',
  steps: [{ send: { state: 'on', channel0: '25', channel1: '255' } }, { send: { channel1: '100' } }],
  refused: [
    refuse('channel0 "20"', { channel0: '20' }, /channel0 must be a string holding a whole number from "25" to "255"/),
    refuse('channel1 as a number', { channel1: 200 }, /channel1 must be/),
    refuse('channel1 "256"', { channel1: '256' }, /channel1 must be/),
    refuse('state "yes"', { state: 'yes' }, /state must be/),
    badTimers,
  ],
};

const b1: FamilyCase = {
  uiid: 22,
  family: 'B1 bulb',
  steps: [
    { send: { state: 'on', zyx_mode: 2, channel2: '255', channel3: '0', channel4: '128' } },
    { send: { channel3: '64' } },
    { send: { zyx_mode: 1, channel0: '0', channel1: '200' } },
    { send: { channel0: '25' } },
    { send: { zyx_mode: 4 } },
  ],
  refused: [
    refuse('channel0 "24"', { zyx_mode: 1, channel0: '24' }, /channel0 must be a string holding a whole number from "25" to "255" \(or "0"\)/),
    refuse('channel1 "256"', { zyx_mode: 1, channel1: '256' }, /channel1 must be/),
    refuse('channel2 "256"', { zyx_mode: 2, channel2: '256' }, /channel2 must be a string holding a whole number from "0" to "255"/),
    refuse('channel3 as a number', { zyx_mode: 2, channel3: 255 }, /channel3 must be/),
    refuse('channel4 "-1"', { zyx_mode: 2, channel4: '-1' }, /channel4 must be/),
    refuse('zyx_mode 7', { zyx_mode: 7 }, /zyx_mode must be a whole number from 1 to 6/),
    refuse('zyx_mode 0', { zyx_mode: 0 }, /zyx_mode must be/),
    refuse('zyx_mode as a string', { zyx_mode: '2' }, /zyx_mode must be/),
    refuse('state "dim"', { state: 'dim' }, /state must be/),
    refuse('colour channels without zyx_mode 2 in white', { channel2: '255', channel3: '10', channel4: '20' }, /channel2, channel3, channel4 need zyx_mode: 2 .*the device is in zyx_mode 1/, { zyx_mode: 1 }),
    refuse('colour channels with zyx_mode 1', { zyx_mode: 1, channel2: '255' }, /channel2 needs zyx_mode: 2 .*not zyx_mode: 1/),
    refuse('white channels without zyx_mode 1 in colour', { channel0: '100', channel1: '100' }, /channel0, channel1 need zyx_mode: 1 .*the device is in zyx_mode 2/, { zyx_mode: 2 }),
    refuse('white channels in a scene', { channel0: '100' }, /channel0 needs zyx_mode: 1/, { zyx_mode: 3 }),
    badTimers,
  ],
};

const brightTemp: FamilyCase = {
  uiid: 52,
  family: 'colour-temperature light',
  steps: [{ send: { state: 'on', channel0: '10', channel1: '0' } }, { send: { channel0: '255', channel1: '255' } }],
  refused: [
    refuse('channel0 "9"', { channel0: '9' }, /channel0 must be a string holding a whole number from "10" to "255"/),
    refuse('channel0 as a number', { channel0: 100 }, /channel0 must be/),
    refuse('channel1 "256"', { channel1: '256' }, /channel1 must be a string holding a whole number from "0" to "255"/),
    refuse('channel1 "-1"', { channel1: '-1' }, /channel1 must be/),
    refuse('state "bright"', { state: 'bright' }, /state must be/),
    badTimers,
  ],
};

function stripRefusals(brightMin: number, modes: number, speedMin: number): Refused[] {
  return [
    refuse(`bright ${brightMin - 1}`, { bright: brightMin - 1 }, new RegExp(`bright must be a whole number from ${brightMin} to 100`)),
    refuse('bright 101', { bright: 101 }, /bright must be/),
    refuse('bright as a string', { bright: '50' }, /bright must be/),
    refuse('colorR 256', { colorR: 256, colorG: 0, colorB: 0 }, /colorR must be a whole number from 0 to 255/),
    refuse('colorG -1', { colorR: 0, colorG: -1, colorB: 0 }, /colorG must be/),
    refuse('colorB 300', { colorR: 0, colorG: 0, colorB: 300 }, /colorB must be/),
    refuse('colorR and colorG without colorB', { colorR: 10, colorG: 20 }, /colorR, colorG, colorB must come together \(missing colorB\)/),
    refuse('colorR alone', { colorR: 10 }, /must come together \(missing colorG, colorB\)/),
    refuse('light_type 3', { light_type: 3 }, /light_type must be the number 1 or 2/),
    refuse('light_type 0', { light_type: 0 }, /light_type must be/),
    refuse(`mode ${modes + 1}`, { mode: modes + 1 }, new RegExp(`mode must be a whole number from 1 to ${modes}`)),
    refuse('mode 0', { mode: 0 }, /mode must be/),
    refuse(`speed ${speedMin - 1}`, { speed: speedMin - 1 }, new RegExp(`speed must be a whole number from ${speedMin} to 100`)),
    refuse('speed 101', { speed: 101 }, /speed must be/),
    refuse('switch "rainbow"', { switch: 'rainbow' }, /switch must be/),
    badTimers,
  ];
}

const rgbStrip: FamilyCase = {
  uiid: 33,
  family: 'RGB strip',
  steps: [{ send: { switch: 'on', light_type: 1, colorR: 255, colorG: 0, colorB: 10, bright: 10 } }, { send: { mode: 3, speed: 0, light_type: 2, bright: 100 } }],
  refused: stripRefusals(10, 3, 0),
};

const l1Steps: Step[] = [
  { send: { switch: 'on', mode: 1, colorR: 0, colorG: 255, colorB: 0, bright: 1 } },
  { send: { mode: 12, speed: 1, sensitive: 10 } },
  { send: { speed: 100, sensitive: 1, light_type: 2, bright: 100 } },
];

const l1Refusals: Refused[] = [
  ...stripRefusals(1, 12, 1),
  refuse('sensitive 0', { sensitive: 0 }, /sensitive must be a whole number from 1 to 10/),
  refuse('sensitive 11', { sensitive: 11 }, /sensitive must be/),
];

const l1: FamilyCase = { uiid: 59, family: 'L1 strip', steps: l1Steps, refused: l1Refusals };

function l2(uiid: number): FamilyCase {
  return {
    uiid,
    family: 'L2/L3 strip',
    steps: [...l1Steps, { send: { mode: 2, colorTemp: 0 } }, { send: { colorTemp: 100 } }],
    refused: [
      ...l1Refusals,
      refuse('colorTemp 101', { mode: 2, colorTemp: 101 }, /colorTemp must be a whole number from 0 to 100/),
      refuse('colorTemp as a string', { mode: 2, colorTemp: '50' }, /colorTemp must be/),
      refuse('colorTemp outside mode 2', { colorTemp: 50 }, /colorTemp needs mode: 2 in the same message \(the device is in mode 1\)/, { mode: 1 }),
      refuse('colorTemp with mode 3', { colorTemp: 50, mode: 3 }, /colorTemp needs mode: 2 in the same message \(not mode: 3\)/),
    ],
  };
}

function whiteRefusals(ctMax: number): Refused[] {
  return [
    refuse('white br without ct', { white: { br: 50 } }, /white needs br, ct together \(missing ct\)/),
    refuse('white ct without br', { white: { ct: 10 } }, /white needs br, ct together \(missing br\)/),
    refuse('white br 0', { white: { br: 0, ct: 10 } }, /white\.br must be a whole number from 1 to 100/),
    refuse('white br 101', { white: { br: 101, ct: 10 } }, /white\.br must be/),
    refuse(`white ct ${ctMax + 1}`, { white: { br: 50, ct: ctMax + 1 } }, new RegExp(`white\\.ct must be a whole number from 0 to ${ctMax}`)),
    refuse('white as a string', { white: 'warm' }, /white must be an object \{br, ct\}/),
    refuse('an unknown ltype', { ltype: 'party' }, /ltype must be/),
    refuse('switch "toggle"', { switch: 'toggle' }, /switch must be/),
    badTimers,
  ];
}

function cctBulb(uiid: number, ctMax: number): FamilyCase {
  const mid = Math.round(ctMax / 2);
  return {
    uiid,
    family: 'B02 CCT bulb',
    steps: [
      { send: { switch: 'on', white: { br: 1, ct: 0 } }, reads: { switch: 'on', ltype: 'white', white: { br: 1, ct: 0 } } },
      { send: { ltype: 'read' } },
      { send: { white: { br: 100, ct: ctMax } }, reads: { ltype: 'white', white: { br: 100, ct: ctMax } } },
      { send: { ltype: 'nightLight', switch: 'off' } },
      { send: { ltype: 'white', white: { br: 50, ct: mid } } },
    ],
    refused: [
      ...whiteRefusals(ctMax),
      refuse('ltype color on a white-only bulb', { ltype: 'color' }, /ltype must be "white" or "bright" or "read" or "computer" or "nightLight"/),
      refuse('white with a scene ltype', { ltype: 'read', white: { br: 50, ct: 10 } }, /white goes with ltype "white" \(not "read"\)/),
    ],
  };
}

function rgbcwBulb(uiid: number, ctMax: number): FamilyCase {
  const mid = Math.round(ctMax / 2);
  const red = { br: 50, r: 255, g: 0, b: 0 };
  const inWhite = { switch: 'on', ltype: 'white' };
  return {
    uiid,
    family: 'B05 RGBCW bulb',
    steps: [
      { send: { switch: 'on', white: { br: 40, ct: ctMax } }, reads: { switch: 'on', ltype: 'white', white: { br: 40, ct: ctMax } } },
      { send: { white: { br: 80, ct: 0 } }, reads: { ltype: 'white', white: { br: 80, ct: 0 } } },
      { send: { switch: 'on', color: { br: 100, r: 255, g: 0, b: 0 } }, reads: { ltype: 'color', color: { br: 100, r: 255, g: 0, b: 0 } } },
      { send: { color: { br: 1, r: 0, g: 0, b: 255 } }, reads: { ltype: 'color', color: { br: 1, r: 0, g: 0, b: 255 } } },
      { send: { switch: 'on', ltype: 'read' } },
      { send: { switch: 'on', ltype: 'white', white: { br: 50, ct: mid } } },
      { send: { switch: 'off' } },
    ],
    refused: [
      ...whiteRefusals(ctMax),
      refuse('colour without switch on', { color: red }, /a change of ltype from "white" to "color" must come with switch: "on" in the same message/, inWhite),
      refuse('ltype color without switch on', { ltype: 'color' }, /from "white" to "color" must come with switch: "on"/, inWhite),
      refuse('colour with switch off', { switch: 'off', color: red }, /must come with switch: "on"/, inWhite),
      refuse('a scene without switch on', { ltype: 'computer' }, /from "white" to "computer" must come with switch: "on"/, inWhite),
      refuse('white without switch on from colour', { white: { br: 50, ct: 10 } }, /from "color" to "white" must come with switch: "on"/, { switch: 'on', color: red }),
      refuse('color without b', { switch: 'on', color: { br: 50, r: 1, g: 2 } }, /color needs br, r, g, b together \(missing b\)/),
      refuse('color br 0', { switch: 'on', color: { ...red, br: 0 } }, /color\.br must be a whole number from 1 to 100/),
      refuse('color r 256', { switch: 'on', color: { ...red, r: 256 } }, /color\.r must be a whole number from 0 to 255/),
      refuse('color as a string', { switch: 'on', color: 'red' }, /color must be an object \{br, r, g, b\}/),
      refuse('color with ltype white', { switch: 'on', ltype: 'white', color: red }, /color goes with ltype "color" \(not "white"\)/),
      refuse('white and color together', { switch: 'on', white: { br: 50, ct: 10 }, color: red }, /send white or color, not both/),
    ],
  };
}

function zigbeeLight(uiid: number, colorTemp: boolean): FamilyCase {
  return {
    uiid,
    family: colorTemp ? 'Zigbee CCT light' : 'Zigbee dimmable light',
    steps: [
      { send: { switch: 'on', brightness: 0 } },
      { send: { brightness: 100 } },
      ...(colorTemp ? [{ send: { colorTemp: 0 } }, { send: { colorTemp: 100, brightness: 50 } }] : []),
    ],
    refused: [
      refuse('brightness 101', { brightness: 101 }, /brightness must be a whole number from 0 to 100/),
      refuse('brightness -1', { brightness: -1 }, /brightness must be/),
      refuse('brightness as a string', { brightness: '50' }, /brightness must be/),
      refuse('switch "on "', { switch: 'on ' }, /switch must be/),
      ...(colorTemp
        ? [refuse('colorTemp 101', { colorTemp: 101 }, /colorTemp must be a whole number from 0 to 100/), refuse('colorTemp as a string', { colorTemp: '50' }, /colorTemp must be/)]
        : []),
      badTimers,
    ],
  };
}

const CHANNEL_COUNTS: ReadonlyArray<[number, number]> = [
  ...[2, 7, 29, 82, 113, 139, 161].map((uiid): [number, number] => [uiid, 2]),
  ...[3, 8, 30, 83, 114, 140, 162].map((uiid): [number, number] => [uiid, 3]),
  ...[4, 9, 31, 84, 141, 163].map((uiid): [number, number] => [uiid, 4]),
  ...[77, 78, 81, 107, 112, 138, 160].map((uiid): [number, number] => [uiid, 1]),
];

const FAMILIES: FamilyCase[] = [
  ...[1, 5, 6, 14, 24, 27, 32].map(singleSwitch),
  ...[15, 181].map(climateSwitch),
  ...CHANNEL_COUNTS.map(([uiid, channels]) => multiSwitch(uiid, channels)),
  dimmer,
  d1,
  mono,
  coldWarm,
  b1,
  brightTemp,
  rgbStrip,
  l1,
  l2(137),
  l2(173),
  cctBulb(103, 255),
  cctBulb(135, 100),
  rgbcwBulb(104, 255),
  rgbcwBulb(136, 100),
  zigbeeLight(1257, false),
  zigbeeLight(1258, true),
  zigbeeLight(3258, true),
];

/** One device per uiid and role: 3… driven over the socket, 4… over HTTP, 5… refused. */
const deviceId = (role: 3 | 4 | 5, uiid: number) => `${role}${String(uiid).padStart(9, '0')}`;
const POW = '6000000005';
const TH = '6000000015';
const B02 = '6000000103';
const B05 = '6000000104';
const ZIGBEE_DIMMABLE = '6000001257';

const EMAIL = 'families@example.com';

function devices(): DeviceSeed[] {
  const byRole = FAMILIES.flatMap(({ uiid }) => ([3, 4, 5] as const).map((role) => ({ deviceid: deviceId(role, uiid), name: `uiid ${uiid} (${role})`, uiid })));
  const extra = [
    { deviceid: POW, name: 'POW', uiid: 5 },
    { deviceid: TH, name: 'TH', uiid: 15 },
    { deviceid: B02, name: 'B02', uiid: 103 },
    { deviceid: B05, name: 'B05', uiid: 104 },
    { deviceid: ZIGBEE_DIMMABLE, name: 'Zigbee', uiid: 1257 },
  ];
  return [...byRole, ...extra];
}

let sim: Sim;
let eu: string;
let at: string;
let apikey: string;
let socket: SocketClient;

beforeAll(async () => {
  sim = await startSim({ appId: APP_ID, appSecret: APP_SECRET, deviceTimeoutMs: 200, accounts: [{ email: EMAIL, password: 'pw', region: 'eu', devices: devices() }] });
  eu = sim.apiUrlTemplate.replace('{region}', 'eu');
  ({ at, apikey } = sim.issueTokens(EMAIL));
  socket = await onlineSocket(wsUrl(sim), at, apikey);
});
afterAll(async () => {
  socket.close();
  await sim.close();
});

async function overSocket(deviceid: string, params: Params): Promise<Json> {
  const seq = sequence();
  socket.send(updateMessage(apikey, deviceid, params, seq));
  return socket.next(bySequence(seq));
}

async function queryOverSocket(deviceid: string, names: string[] = []): Promise<Params> {
  const seq = sequence();
  socket.send(queryMessage(apikey, deviceid, names, seq));
  const reply = await socket.next(bySequence(seq));
  expect(reply.error).toBe(0);
  return reply.params;
}

async function overHttp(deviceid: string, params: Params): Promise<Json> {
  return (await post(eu, '/api/user/device/status', { deviceid, params }, { bearer: at })).body;
}

async function statusOverHttp(deviceid: string, names?: string): Promise<Params> {
  const reply = await get(eu, '/api/user/device/status', { deviceid, ...(names && { params: names }) }, { bearer: at });
  expect(reply.body.error).toBe(0);
  return reply.body.params;
}

describe.each(FAMILIES)('uiid $uiid ($family)', ({ uiid, steps, refused }) => {
  it('accepts each command over the socket, and query reads it back', async () => {
    const deviceid = deviceId(3, uiid);
    for (const step of steps) {
      // Act
      const reply = await overSocket(deviceid, step.send);

      // Assess
      expect(reply).toMatchObject({ error: 0, deviceid });
      expect(await queryOverSocket(deviceid)).toMatchObject(step.reads ?? step.send);
    }
  });

  it('accepts each command over HTTP, and status and the device GET read it back', async () => {
    const deviceid = deviceId(4, uiid);
    for (const step of steps) {
      // Act
      const reply = await overHttp(deviceid, step.send);

      // Assess
      expect(reply).toEqual({ error: 0, deviceid });
      expect(await statusOverHttp(deviceid)).toMatchObject(step.reads ?? step.send);
      const one = await get(eu, `/api/user/device/${deviceid}`, {}, { bearer: at });
      expect(one.body).toMatchObject({ uiid, params: step.reads ?? step.send });
    }
  });

  it.each(refused)('refuses $what with 400 over both paths and changes nothing', async ({ send, reason, given }) => {
    // Prepare
    const deviceid = deviceId(5, uiid);
    if (given) expect(await overHttp(deviceid, given)).toEqual({ error: 0, deviceid });
    const before = sim.device(deviceid).params;

    // Act
    const bySocket = await overSocket(deviceid, send);
    const byHttp = await overHttp(deviceid, send);

    // Assess
    expect(bySocket).toMatchObject({ error: 400, reason: expect.stringMatching(reason) });
    expect(byHttp).toMatchObject({ error: 400, msg: expect.stringMatching(reason) });
    expect(sim.device(deviceid).params).toEqual(before);
  });
});

describe('readings', () => {
  const twoDecimals = /^\d+\.\d{2}$/;

  it('a POW draws nothing when off and about 60 W at about 230 V when on, as two-decimal strings', async () => {
    // Prepare
    const off = await statusOverHttp(POW, 'power|voltage|current');

    // Act
    await overSocket(POW, { switch: 'on' });
    const on = await queryOverSocket(POW, ['power', 'voltage', 'current']);

    // Assess
    expect(off).toMatchObject({ power: '0.00', current: '0.00', voltage: expect.stringMatching(twoDecimals) });
    for (const value of Object.values(on)) expect(value).toMatch(twoDecimals);
    const [power, voltage, current] = [on['power'], on['voltage'], on['current']].map(Number) as [number, number, number];
    expect(power).toBeGreaterThanOrEqual(58);
    expect(power).toBeLessThanOrEqual(62);
    expect(voltage).toBeGreaterThanOrEqual(228);
    expect(voltage).toBeLessThanOrEqual(232);
    expect(Math.abs(current - power / voltage)).toBeLessThanOrEqual(0.01);
  });

  it('a POW meter changes from one reading to the next and ignores values sent to it', async () => {
    // Prepare
    await overHttp(POW, { switch: 'on' });

    // Act
    const sent = await overHttp(POW, { power: '999.00', voltage: '1.00' });
    const readings = [];
    for (let i = 0; i < 5; i += 1) readings.push((await statusOverHttp(POW, 'power'))['power']);

    // Assess
    expect(sent).toEqual({ error: 0, deviceid: POW });
    expect(readings).not.toContain('999.00');
    expect(new Set(readings).size).toBeGreaterThan(1);
  });

  it('a TH reports temperature and humidity as strings that change between readings, and ignores values sent to it', async () => {
    // Act
    const sent = await overSocket(TH, { currentTemperature: '99.9' });
    const readings = [];
    for (let i = 0; i < 5; i += 1) readings.push(await queryOverSocket(TH, ['currentTemperature', 'currentHumidity']));

    // Assess
    expect(sent.error).toBe(0);
    for (const reading of readings) {
      expect(reading['currentTemperature']).toMatch(/^21\.\d$|^22\.0$/);
      expect(reading['currentHumidity']).toMatch(/^(4[6-9]|50)$/);
    }
    expect(new Set(readings.map((r) => `${r['currentTemperature']}/${r['currentHumidity']}`)).size).toBeGreaterThan(1);
  });
});

describe('merging and implied params', () => {
  it('replaces a nested white as sent, keeps only br and ct, and pushes the ltype it implies', async () => {
    // Prepare
    await overHttp(B02, { ltype: 'read' });
    const watcher = await onlineSocket(wsUrl(sim), at, apikey);

    // Act
    const reply = await overHttp(B02, { white: { br: 60, ct: 100, mode: 'extra' } });

    // Assess
    expect(reply.error).toBe(0);
    expect(sim.device(B02).params).toMatchObject({ ltype: 'white', white: { br: 60, ct: 100 } });
    expect(sim.device(B02).params['white']).toEqual({ br: 60, ct: 100 });
    const push = await watcher.next((m) => m.action === 'update' && m.deviceid === B02);
    expect(push.params).toEqual({ white: { br: 60, ct: 100 }, ltype: 'white' });
    watcher.close();
  });

  it('keeps the other light object of a B05 when one is replaced', async () => {
    // Act
    await overHttp(B05, { switch: 'on', color: { br: 20, r: 1, g: 2, b: 3 } });
    await overHttp(B05, { switch: 'on', white: { br: 30, ct: 40 } });

    // Assess
    expect(sim.device(B05).params).toMatchObject({ ltype: 'white', white: { br: 30, ct: 40 }, color: { br: 20, r: 1, g: 2, b: 3 } });
  });

  it('drops colorTemp on a Zigbee light that has no colour temperature', async () => {
    const reply = await overHttp(ZIGBEE_DIMMABLE, { colorTemp: 50, brightness: 70 });
    expect(reply.error).toBe(0);
    expect(sim.device(ZIGBEE_DIMMABLE).params).toMatchObject({ brightness: 70 });
    expect(sim.device(ZIGBEE_DIMMABLE).params).not.toHaveProperty('colorTemp');
  });
});

describe('read-back in the device list', () => {
  it('lists every device with the params it holds after the updates', async () => {
    // Act
    const reply = await get(eu, '/api/user/device', {}, { bearer: at });

    // Assess
    expect(reply.body.error).toBe(0);
    const listed = reply.body.devicelist as Array<{ deviceid: string; uiid: number; params: Params; productModel: string; extra: Json }>;
    expect(listed).toHaveLength(devices().length);
    for (const device of listed) {
      expect(device.params).toEqual(sim.device(device.deviceid).params);
      expect(device.productModel).toEqual(expect.any(String));
      expect(device.extra.extra.ui).toEqual(expect.any(String));
    }
    const driven = listed.find((d) => d.deviceid === deviceId(4, 104));
    expect(driven?.params).toMatchObject({ switch: 'off', ltype: 'white', white: { br: 50, ct: 128 } });
  });
});

import type { DeviceTarget } from '../../assistants/targets';
import { withinDeadline } from '../../deadline';
import type { Bridge } from '../../bridge';
import type { DeviceCommand } from '../../devices/command';
import { KELVIN_RANGE } from '../../devices/conversions';
import { CloudUnavailable, DeviceOffline, noAnswerInTime } from '../../errors';
import { parse, type TSchema, type Static } from '../../schema';
import { endpoint } from './endpoints';
import { AlexaProblem, invalidDirective, outOfRange } from './errors';
import { ADJUST_BRIGHTNESS, SET_BRIGHTNESS, SET_COLOR, SET_COLOR_TEMPERATURE, type Directive } from './messages';
import { properties } from './properties';
import { event, type Answering, type AlexaResponse } from './responses';

/** What a directive runs with: the caller's account, established before it runs. */
export interface DirectiveContext {
  bridge: Bridge;
  accountId: string;
  directive: Directive;
  to: Answering;
  now: () => number;
  deadlineMs: number;
}

export interface DirectiveSpec {
  /** Whether it changes a device: such a directive acts once per messageId. */
  acts: boolean;
  /** The error an answer too late becomes; absent when the directive bounds its own wait. */
  late?: () => Error;
  run(ctx: DirectiveContext): Promise<AlexaResponse>;
}

/** Alexa's named whites, warmest first: "warm white" 2200 K … "cool white" 7000 K. Increase/Decrease steps between them. */
const WHITES = [2200, 2700, 4000, 5500, 7000] as const;
/** Readings come back within a native step of what was set (up to 48 K): closer than this counts as the same white. */
const SAME_WHITE_K = 60;

const cloudLate = () => new CloudUnavailable('the eWeLink cloud did not answer in time; try again');

/** The directives the bridge takes, by `namespace.name` (AcceptGrant is answered before an account is known). */
export const DIRECTIVES: Readonly<Record<string, DirectiveSpec>> = {
  'Alexa.Discovery.Discover': { acts: false, late: cloudLate, run: discover },
  'Alexa.ReportState': { acts: false, late: noAnswerInTime, run: reportState },
  'Alexa.PowerController.TurnOn': { acts: true, late: noAnswerInTime, run: (ctx) => control(ctx, { power: 'on' }) },
  'Alexa.PowerController.TurnOff': { acts: true, late: noAnswerInTime, run: (ctx) => control(ctx, { power: 'off' }) },
  'Alexa.BrightnessController.SetBrightness': { acts: true, late: noAnswerInTime, run: setBrightness },
  'Alexa.BrightnessController.AdjustBrightness': { acts: true, late: noAnswerInTime, run: adjustBrightness },
  'Alexa.ColorController.SetColor': { acts: true, late: noAnswerInTime, run: setColor },
  'Alexa.ColorTemperatureController.SetColorTemperature': { acts: true, late: noAnswerInTime, run: setColorTemperature },
  'Alexa.ColorTemperatureController.IncreaseColorTemperature': { acts: true, late: noAnswerInTime, run: (ctx) => stepColorTemperature(ctx, 'cooler') },
  'Alexa.ColorTemperatureController.DecreaseColorTemperature': { acts: true, late: noAnswerInTime, run: (ctx) => stepColorTemperature(ctx, 'warmer') },
  'Alexa.SceneController.Activate': { acts: true, run: activate },
};

async function discover(ctx: DirectiveContext): Promise<AlexaResponse> {
  const targets = await ctx.bridge.targets.list(ctx.accountId);
  // Alexa takes at most 300 endpoints from one skill.
  return event('Alexa.Discovery', 'Discover.Response', { correlationToken: ctx.to.correlationToken }, { endpoints: targets.slice(0, 300).map(endpoint) });
}

async function reportState(ctx: DirectiveContext): Promise<AlexaResponse> {
  const target = await findTarget(ctx);
  if (target.kind === 'scene') return event('Alexa', 'StateReport', ctx.to, {}, []);
  const state = await ctx.bridge.controller.state(ctx.accountId, target.deviceid);
  if (!state.online) throw new DeviceOffline(`${target.name} is offline`);
  return event('Alexa', 'StateReport', ctx.to, {}, properties(target, state, ctx.now()));
}

async function control(ctx: DirectiveContext, command: DeviceCommand, known?: DeviceTarget): Promise<AlexaResponse> {
  const target = known ?? (await deviceTarget(ctx));
  const aimed = target.channel !== undefined && command.power !== undefined ? { ...command, channel: target.channel } : command;
  const result = await ctx.bridge.controller.control(ctx.accountId, target.deviceid, aimed);
  return event('Alexa', 'Response', ctx.to, {}, properties(target, result, ctx.now()));
}

/** A light setting switches the light on too, as a person asking for 40 % expects; 0 % is off. */
const lit = (command: Omit<DeviceCommand, 'power'>): DeviceCommand => (command.brightness === 0 ? command : { power: 'on', ...command });

async function setBrightness(ctx: DirectiveContext): Promise<AlexaResponse> {
  const { brightness } = payload(ctx, SET_BRIGHTNESS);
  if (!Number.isInteger(brightness) || brightness < 0 || brightness > 100) throw outOfRange('brightness', brightness, 0, 100);
  return control(ctx, lit({ brightness }));
}

async function adjustBrightness(ctx: DirectiveContext): Promise<AlexaResponse> {
  const { brightnessDelta } = payload(ctx, ADJUST_BRIGHTNESS);
  if (brightnessDelta < -100 || brightnessDelta > 100) throw outOfRange('brightnessDelta', brightnessDelta, -100, 100);
  const target = await deviceTarget(ctx);
  const state = await ctx.bridge.controller.state(ctx.accountId, target.deviceid);
  // A light that is off shows its last level or none; dimming it "by 10 %" starts from nothing.
  const current = state.power === 'off' ? 0 : (state.brightness ?? 100);
  const brightness = Math.min(100, Math.max(0, Math.round(current + brightnessDelta)));
  return control(ctx, lit({ brightness }), target);
}

async function setColor(ctx: DirectiveContext): Promise<AlexaResponse> {
  const { hue, saturation, brightness } = payload(ctx, SET_COLOR).color;
  if (hue < 0 || hue > 360) throw outOfRange('hue', hue, 0, 360);
  if (saturation < 0 || saturation > 1) throw outOfRange('saturation', saturation, 0, 1);
  if (brightness < 0 || brightness > 1) throw outOfRange('brightness', brightness, 0, 1);
  return control(ctx, lit({ color: { h: hue, s: saturation * 100, v: brightness * 100 } }));
}

async function setColorTemperature(ctx: DirectiveContext): Promise<AlexaResponse> {
  const { colorTemperatureInKelvin: kelvin } = payload(ctx, SET_COLOR_TEMPERATURE);
  const target = await deviceTarget(ctx);
  const [warmest, coldest] = target.colorTemperature ?? [KELVIN_RANGE.warmest, KELVIN_RANGE.coldest];
  if (kelvin < warmest || kelvin > coldest) throw outOfRange('colour temperature', kelvin, warmest, coldest);
  return control(ctx, lit({ colorTemperature: kelvin }), target);
}

async function stepColorTemperature(ctx: DirectiveContext, way: 'cooler' | 'warmer'): Promise<AlexaResponse> {
  const target = await deviceTarget(ctx);
  const state = await ctx.bridge.controller.state(ctx.accountId, target.deviceid);
  // A light showing a colour has no white to step from: start from Alexa's plain "white".
  const current = state.colorTemperature ?? 4000;
  const next = way === 'cooler' ? WHITES.find((k) => k > current + SAME_WHITE_K) ?? WHITES[WHITES.length - 1]! : [...WHITES].reverse().find((k) => k < current - SAME_WHITE_K) ?? WHITES[0];
  return control(ctx, lit({ colorTemperature: next }), target);
}

async function activate(ctx: DirectiveContext): Promise<AlexaResponse> {
  const target = await findTarget(ctx);
  if (target.kind !== 'scene') throw invalidDirective(`endpoint ${target.id} is a device, not a scene`);
  // Started is what Alexa is told: the scene's devices answer for themselves, and a slow one
  // does not hold the answer past the deadline.
  await withinDeadline(ctx.bridge.scenes.run(ctx.accountId, target.sceneId), ctx.deadlineMs, cloudLate).catch(() => undefined);
  return event('Alexa.SceneController', 'ActivationStarted', ctx.to, { cause: { type: 'VOICE_INTERACTION' }, timestamp: new Date(ctx.now()).toISOString() }, []);
}

async function findTarget(ctx: DirectiveContext) {
  const id = ctx.directive.endpoint?.endpointId;
  if (!id) throw invalidDirective(`${ctx.directive.header.name} needs an endpoint`);
  return ctx.bridge.targets.find(ctx.accountId, id);
}

async function deviceTarget(ctx: DirectiveContext): Promise<DeviceTarget> {
  const target = await findTarget(ctx);
  if (target.kind !== 'device') throw invalidDirective(`endpoint ${target.id} is a scene: it takes Activate only`);
  return target;
}

function payload<S extends TSchema>(ctx: DirectiveContext, schema: S): Static<S> {
  try {
    return parse(schema, ctx.directive.payload, 'payload');
  } catch (err) {
    throw new AlexaProblem('INVALID_VALUE', (err as Error).message);
  }
}

import type { DeviceTarget, Target } from '../../assistants/targets';
import type { Bridge } from '../../bridge';
import { withinDeadline } from '../../deadline';
import type { DeviceCommand } from '../../devices/command';
import type { ControlOutcome } from '../../devices/controller';
import { CloudUnavailable } from '../../errors';
import { parse, type Static, type TSchema } from '../../schema';
import { googleStates, hexOf } from './devices';
import { googleErrorCode, notSupported, valueOutOfRange, type GoogleErrorCode } from './errors';
import { ACTIVATE_SCENE, BRIGHTNESS_ABSOLUTE, COLOR_ABSOLUTE, ON_OFF, type Execution } from './messages';

export interface IntentContext {
  bridge: Bridge;
  accountId: string;
  deadlineMs: number;
  /** Told of failures the bridge cannot name (their details stay out of the answer). */
  onInternal(err: unknown): void;
}

type Status = 'SUCCESS' | 'OFFLINE' | 'ERROR';
interface DeviceResult {
  id: string;
  status: Status;
  states?: Record<string, unknown>;
  errorCode?: GoogleErrorCode;
}

const COMMAND = 'action.devices.commands.';
const MAX_RGB = 0xffffff;

/**
 * Runs an EXECUTE: every device it names at once, over the account's one socket session (as a
 * scene run does), each within the deadline; scenes run beside them. Each device answers for
 * itself; devices that ended alike are grouped in one entry.
 *
 * @example
 * await execute(ctx, [{ devices: [{ id: '1000000001' }], execution: [{ command: 'action.devices.commands.OnOff', params: { on: true } }] }])
 * // { commands: [{ ids: ['1000000001'], status: 'SUCCESS', states: { online: true, on: true } }] }
 */
export async function execute(ctx: IntentContext, commands: { devices: { id: string }[]; execution: Execution[] }[]): Promise<{ commands: Record<string, unknown>[] }> {
  const jobs = commands.flatMap((group) => group.devices.map((device) => ({ id: device.id, execution: group.execution })));
  const found = await Promise.all(jobs.map((job) => ctx.bridge.targets.find(ctx.accountId, job.id).then((target): Target | Error => target, (err: unknown) => err as Error)));

  const results: (DeviceResult | undefined)[] = [];
  const devices: { index: number; target: DeviceTarget; command: DeviceCommand }[] = [];
  const scenes: { index: number; sceneId: string }[] = [];
  jobs.forEach((job, index) => {
    const target = found[index]!;
    try {
      if (target instanceof Error) throw target;
      if (target.kind === 'scene') {
        checkActivation(job.execution, target.id);
        scenes.push({ index, sceneId: target.sceneId });
      } else devices.push({ index, target, command: commandFor(target, job.execution) });
    } catch (err) {
      results[index] = failed(job.id, err, ctx);
    }
  });

  const [outcomes] = await Promise.all([
    ctx.bridge.controller.controlMany(
      ctx.accountId,
      devices.map(({ target, command }) => ({ deviceid: target.deviceid, command })),
      { withinMs: ctx.deadlineMs },
    ),
    // A scene is started, whatever its devices say: each answers for itself in the scene's run.
    ...scenes.map(({ sceneId }) => withinDeadline(ctx.bridge.scenes.run(ctx.accountId, sceneId), ctx.deadlineMs, () => new CloudUnavailable('the scene is still running')).catch(() => undefined)),
  ]);
  devices.forEach(({ index, target }, i) => {
    results[index] = deviceResult(target, (outcomes as ControlOutcome[])[i]!, ctx);
  });
  for (const { index } of scenes) results[index] = { id: jobs[index]!.id, status: 'SUCCESS', states: { online: true } };
  return { commands: grouped(results as DeviceResult[]) };
}

function deviceResult(target: DeviceTarget, outcome: ControlOutcome, ctx: IntentContext): DeviceResult {
  if (!outcome.ok) return failed(target.id, outcome.error, ctx);
  return { id: target.id, status: 'SUCCESS', states: { online: true, ...googleStates(target, outcome.result) } };
}

function failed(id: string, err: unknown, ctx: IntentContext): DeviceResult {
  const { code, internal } = googleErrorCode(err);
  if (internal) ctx.onInternal(err);
  return { id, status: code === 'deviceOffline' ? 'OFFLINE' : 'ERROR', errorCode: code };
}

/** Devices that ended alike share one entry, as Google's own examples group them. */
function grouped(results: DeviceResult[]): Record<string, unknown>[] {
  const groups = new Map<string, Record<string, unknown> & { ids: string[] }>();
  for (const { id, ...rest } of results) {
    const key = JSON.stringify(rest);
    const group = groups.get(key) ?? { ids: [], ...rest };
    group.ids.push(id);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** A scene takes ActivateScene only, and cannot be undone. */
function checkActivation(executions: Execution[], id: string): void {
  for (const { command, params } of executions) {
    if (command !== `${COMMAND}ActivateScene`) throw notSupported(`scene ${id} takes ActivateScene only`);
    if (paramsOf(ACTIVATE_SCENE, params).deactivate === true) throw notSupported('a scene of the bridge cannot be deactivated');
  }
}

/**
 * One device command from a list of executions (OnOff with BrightnessAbsolute, say). A light
 * setting switches the light on too, unless it is 0 % or an OnOff says otherwise.
 */
function commandFor(target: DeviceTarget, executions: Execution[]): DeviceCommand {
  const command: DeviceCommand = {};
  for (const { command: name, params } of executions) {
    switch (name) {
      case `${COMMAND}OnOff`:
        command.power = paramsOf(ON_OFF, params).on ? 'on' : 'off';
        if (target.channel !== undefined) command.channel = target.channel;
        break;
      case `${COMMAND}BrightnessAbsolute`: {
        if (!target.brightness) throw notSupported(`${target.name} has no brightness`);
        const { brightness } = paramsOf(BRIGHTNESS_ABSOLUTE, params);
        if (!Number.isInteger(brightness) || brightness < 0 || brightness > 100) throw valueOutOfRange(`brightness ${brightness} is not 0 to 100`);
        command.brightness = brightness;
        break;
      }
      case `${COMMAND}ColorAbsolute`:
        Object.assign(command, colorCommand(target, paramsOf(COLOR_ABSOLUTE, params).color));
        break;
      default:
        throw notSupported(`${target.name} does not take ${name}`);
    }
  }
  const light = command.brightness !== undefined || command.color !== undefined || command.colorTemperature !== undefined;
  if (light && command.power === undefined && command.brightness !== 0) command.power = 'on';
  return command;
}

function colorCommand(target: DeviceTarget, color: Static<typeof COLOR_ABSOLUTE>['color']): DeviceCommand {
  if (color.temperature !== undefined) {
    if (!target.colorTemperature) throw notSupported(`${target.name} has no colour temperature`);
    const [warmest, coldest] = target.colorTemperature;
    if (color.temperature < warmest || color.temperature > coldest) throw valueOutOfRange(`${color.temperature} K is not ${warmest} to ${coldest} K`);
    return { colorTemperature: color.temperature };
  }
  if (!target.color) throw notSupported(`${target.name} shows no colours`);
  if (color.spectrumRGB !== undefined) {
    if (!Number.isInteger(color.spectrumRGB) || color.spectrumRGB < 0 || color.spectrumRGB > MAX_RGB) throw valueOutOfRange(`spectrumRGB ${color.spectrumRGB} is not 0 to ${MAX_RGB}`);
    return { color: hexOf(color.spectrumRGB) };
  }
  if (color.spectrumHSV !== undefined) {
    const { hue, saturation, value } = color.spectrumHSV;
    if (hue < 0 || hue >= 360 || saturation < 0 || saturation > 1 || value < 0 || value > 1) throw valueOutOfRange('spectrumHSV must be hue 0 to 360, saturation and value 0 to 1');
    return { color: { h: hue, s: saturation * 100, v: value * 100 } };
  }
  throw valueOutOfRange('a colour needs temperature, spectrumRGB or spectrumHSV');
}

function paramsOf<S extends TSchema>(schema: S, params: unknown): Static<S> {
  try {
    return parse(schema, params ?? {}, 'params');
  } catch (err) {
    throw valueOutOfRange((err as Error).message);
  }
}

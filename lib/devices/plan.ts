import type { DeviceParams } from '../ewelink/types';
import { InvalidInput } from '../errors';
import type { DeviceProfile } from './catalogue';
import { commandRules, type DeviceCommand } from './command';
import { colorState, toRgb, type ColorState } from './conversions';
import type { LightSettings, ParamsToRead } from './light';
import { powerParam, powerParams, readPower, type Power } from './power';

/*
 * From a checked command to the params a device takes, in three pure steps the controller
 * runs in order: check it against the device (422 before anything is sent), say what must be
 * read from the device first, and build the params from the command and what was read.
 */

export interface ChannelPower {
  channel: number;
  power: Power;
}

/** What a command set, in the command's own terms. */
export interface CommandOutcome {
  /** Single-channel devices, when the params switch them. */
  power?: Power;
  /** Multi-channel devices: the outlets switched. */
  channels?: ChannelPower[];
  brightness?: number;
  color?: ColorState;
  colorTemperature?: number;
}

export interface PlannedCommand {
  params: DeviceParams;
  outcome: CommandOutcome;
}

const LIGHT_FIELDS = ['brightness', 'color', 'colorTemperature'] as const;

/**
 * Checks that the device can do what the command asks: the channel exists, and it has every
 * light capability the command uses. Returns the channels the command targets; throws
 * `invalid_input` naming the field and what the device has otherwise.
 *
 * @example
 * checkCommand('1000000001', deviceProfile(1), { power: 'on' })            // [0]
 * checkCommand('1000000001', deviceProfile(1), { color: '#ff0000' })
 * // throws: color: device 1000000001 (single-channel switch) has: power; no color
 */
export function checkCommand(deviceid: string, profile: DeviceProfile, command: DeviceCommand, at?: string): number[] {
  commandRules(command, at);
  const field = (name: string) => (at ? `${at}.${name}` : name);
  const caps = profile.light?.capabilities ?? {};
  for (const name of LIGHT_FIELDS) {
    if (command[name] !== undefined && caps[name] === undefined) {
      throw new InvalidInput(field(name), `device ${deviceid} (${profile.family}) has: ${capabilityList(profile)}; no ${name}`);
    }
  }
  const { channels } = profile.power;
  const all = Array.from({ length: channels }, (_, i) => i);
  if (command.channel === undefined || command.channel === 'all') return all;
  if (command.channel >= channels) {
    const range = channels === 1 ? 'only channel 0' : `channels 0 to ${channels - 1}`;
    throw new InvalidInput(field('channel'), `device "${deviceid}" has ${range}`);
  }
  return [command.channel];
}

/**
 * What must be read from the device before the params can be built: the power for a toggle,
 * and whatever the light needs to complete a partial setting (a B02's ct when only brightness
 * is asked, a B05's mode). A plain on/off or a self-contained setting needs nothing.
 *
 * @example
 * paramsToRead(deviceProfile(1), { power: 'on' })       // 'none'
 * paramsToRead(deviceProfile(4), { power: 'toggle' })   // ['switches']
 * paramsToRead(deviceProfile(103), { brightness: 40 })  // 'all'
 */
export function paramsToRead(profile: DeviceProfile, command: DeviceCommand): ParamsToRead {
  const needs: ParamsToRead[] = [];
  if (command.power === 'toggle') needs.push([powerParam(profile.power)]);
  const settings = lightSettings(command);
  if (settings && profile.light) needs.push(profile.light.reads(settings));
  if (needs.includes('all')) return 'all';
  const names = [...new Set(needs.flatMap((need) => (Array.isArray(need) ? need : [])))];
  return names.length > 0 ? names : 'none';
}

/**
 * The params for a checked command. `channels` comes from `checkCommand`, `current` holds the
 * params `paramsToRead` asked for (`{}` when none). A toggle becomes "off" if any targeted
 * channel is on, else "on"; brightness 0 % becomes "off" (the level is left as it was, so the
 * next "on" restores it); light settings apply unless the result is "off".
 *
 * @example
 * planCommand(deviceProfile(44), { brightness: 30 }, [0], {})
 * // { params: { brightness: 30, switch: 'on', mode: 0 }, outcome: { power: 'on', brightness: 30 } }
 */
export function planCommand(profile: DeviceProfile, command: DeviceCommand, channels: number[], current: DeviceParams): PlannedCommand {
  const layout = profile.power;
  let power: Power | undefined = command.power === 'toggle' ? toggled(profile, channels, current) : command.power;
  if (command.brightness === 0) power = 'off';
  const params: DeviceParams = power ? powerParams(layout, power, channels) : {};
  const outcome: CommandOutcome = {};
  const settings = lightSettings(command);
  if (power !== 'off' && settings && profile.light) {
    Object.assign(params, profile.light.paramsFor(settings, current));
    if (settings.brightness !== undefined) outcome.brightness = settings.brightness;
    if (settings.color) outcome.color = colorState(settings.color);
    if (settings.colorTemperature !== undefined) outcome.colorTemperature = settings.colorTemperature;
  }
  const switched = readPower(layout, params);
  if (layout.form === 'switches') return { params, outcome: { channels: switched, ...outcome } };
  return { params, outcome: switched[0] ? { power: switched[0].power, ...outcome } : outcome };
}

/** The light settings of a command in device-independent form, or undefined when it has none (0 % is "off", not a setting). */
function lightSettings(command: DeviceCommand): LightSettings | undefined {
  const settings: LightSettings = {};
  if (command.brightness !== undefined && command.brightness > 0) settings.brightness = command.brightness;
  if (command.color !== undefined) settings.color = toRgb(command.color);
  if (command.colorTemperature !== undefined) settings.colorTemperature = command.colorTemperature;
  return Object.keys(settings).length > 0 ? settings : undefined;
}

function toggled(profile: DeviceProfile, channels: number[], current: DeviceParams): Power {
  const now = readPower(profile.power, current);
  return now.some((c) => channels.includes(c.channel) && c.power === 'on') ? 'off' : 'on';
}

/** "power (4 channels), brightness, colorTemperature, sensors (temperature, humidity)". */
function capabilityList(profile: DeviceProfile): string {
  const caps = profile.light?.capabilities ?? {};
  const list = [profile.power.channels > 1 ? `power (${profile.power.channels} channels)` : 'power'];
  for (const name of LIGHT_FIELDS) if (caps[name]) list.push(name);
  const sensors = Object.keys(profile.sensors);
  if (sensors.length > 0) list.push(`sensors (${sensors.join(', ')})`);
  return list.join(', ');
}

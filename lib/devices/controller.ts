import type { TokenKeeper } from '../accounts/token-keeper';
import type { CloudTransports } from '../ewelink/transport';
import type { CommandChannel, TargetedParams, Via } from '../ewelink/command';
import type { DeviceParams } from '../ewelink/types';
import { withinDeadline } from '../deadline';
import { noAnswerInTime, toDomainError } from '../errors';
import type { CachedDevice } from './model';
import { capabilitiesOf, deviceProfile, type Capabilities, type DeviceProfile } from './catalogue';
import type { DeviceCommand } from './command';
import type { DeviceDirectory } from './directory';
import { checkCommand, paramsToRead, planCommand, type CommandOutcome } from './plan';
import { normaliseState, type NormalisedState } from './state';

export type { ChannelPower } from './plan';

/** Live state: the device, its normalised state and capabilities, and the raw params beside them. */
export interface DeviceState extends NormalisedState {
  deviceid: string;
  name: string;
  uiid: number;
  family: string;
  online: boolean;
  capabilities: Capabilities;
  params: Record<string, unknown>;
}

/** One device's command in a batch. */
export interface DeviceAction {
  deviceid: string;
  command: DeviceCommand;
}

/** How one action of a batch ended: what it set, or the error it failed with (a domain error, or an unknown one). */
export type ActionOutcome = { deviceid: string; ok: true; result: ControlResult } | { deviceid: string; ok: false; error: unknown };

/** What a command set (in its own terms), how it travelled, and the params the device was sent. */
export interface ControlResult extends CommandOutcome {
  deviceid: string;
  via: Via;
  params: DeviceParams;
}

/** One command of several sent together: its result, or the domain error it met (the device's alone). */
export type ControlOutcome = { deviceid: string; ok: true; result: ControlResult } | { deviceid: string; ok: false; error: unknown };

/** A command planned for its device: what goes out, and what it sets in the command's terms. */
interface PlannedControl extends TargetedParams {
  outcome: CommandOutcome;
}

/**
 * Turns semantic commands into the device's params and sends them down the command path;
 * reads live state back in the same semantic form. The translation itself is pure (plan.ts,
 * state.ts); this class finds the device, reads it first when the plan needs it, and sends.
 *
 * @example
 * await controller.control('default', '1000000004', { power: 'off', channel: 2 });
 * await controller.control('default', '1000000044', { brightness: 30 });
 */
export class DeviceController {
  constructor(
    private readonly directory: DeviceDirectory,
    private readonly keeper: TokenKeeper,
    private readonly channel: CommandChannel,
    private readonly transports: CloudTransports,
  ) {}

  /**
   * Checks that the command fits the device (it exists, has the channel and the capabilities);
   * returns the device. `at` prefixes the field in errors (`action`).
   */
  async check(accountId: string, deviceid: string, command: DeviceCommand, at?: string): Promise<CachedDevice> {
    const device = await this.directory.find(accountId, deviceid);
    checkCommand(deviceid, profileOf(device), command, at);
    return device;
  }

  /** Sends the command; `at` prefixes the field in errors (`action` for a stored one). */
  async control(accountId: string, deviceid: string, command: DeviceCommand, at?: string): Promise<ControlResult> {
    try {
      const { target, params, outcome } = await this.plan(accountId, deviceid, command, at);
      const via = await this.keeper.withCredentials(accountId, (creds) => this.channel.send(creds, target, params));
      return { deviceid, via, ...outcome, params };
    } catch (err) {
      throw toDomainError(err) ?? err;
    }
  }

  /**
   * Sends several commands together (a scene run): each is checked and planned for its device
   * (reading it first when the plan needs it), then all go at once over the account's socket
   * session, or, without one, in one batch-status call. Each device answers for itself: a
   * failure is reported in its own outcome and holds up nobody else.
   *
   * @example
   * const outcomes = await controller.controlMany('default', [{ deviceid: '1000000001', command: { power: 'on' } }]);
   */
  async controlMany(accountId: string, actions: readonly { deviceid: string; command: DeviceCommand }[]): Promise<ControlOutcome[]> {
    const planned = await Promise.all(
      actions.map(async ({ deviceid, command }): Promise<PlannedControl | { error: unknown }> => {
        try {
          return await this.plan(accountId, deviceid, command);
        } catch (err) {
          return { error: toDomainError(err) ?? err };
        }
      }),
    );
    const ready = planned.filter((p): p is PlannedControl => !('error' in p));
    let sent: Awaited<ReturnType<CommandChannel['sendMany']>> | { error: unknown };
    try {
      sent = await this.keeper.withCredentials(accountId, (creds) => this.channel.sendMany(creds, ready));
    } catch (err) {
      sent = { error: toDomainError(err) ?? err };
    }
    return actions.map(({ deviceid }, i): ControlOutcome => {
      const plan = planned[i] as PlannedControl | { error: unknown };
      if ('error' in plan) return { deviceid, ok: false, error: plan.error };
      if ('error' in sent) return { deviceid, ok: false, error: sent.error };
      const answer = sent[ready.indexOf(plan)];
      if (!answer?.ok) return { deviceid, ok: false, error: answer ? (toDomainError(answer.error) ?? answer.error) : undefined };
      return { deviceid, ok: true, result: { deviceid, via: answer.via, ...plan.outcome, params: plan.params } };
    });
  }

  /** The params a command sends to its device, decided on the device's state now when the plan reads it. */
  private async plan(accountId: string, deviceid: string, command: DeviceCommand, at?: string): Promise<PlannedControl> {
    const device = await this.directory.find(accountId, deviceid);
    const profile = profileOf(device);
    const channels = checkCommand(deviceid, profile, command, at);
    const reads = paramsToRead(profile, command);
    const target = { deviceid, apikey: device.apikey };
    // Decided on the device's state now, never on a cached copy.
    const current = reads === 'none' ? {} : await this.keeper.withCredentials(accountId, (creds) => this.channel.query(creds, target, reads === 'all' ? [] : reads));
    const { params, outcome } = planCommand(profile, command, channels, current);
    return { target, params, outcome };
  }

  /**
   * Sends every action at once. They share the account's one socket session (the command path
   * opens it once for concurrent callers), so ten devices cost about one round trip, not ten.
   * Each action answers for itself: a failure (an offline device) holds up nobody else, and
   * with `withinMs` one that has not answered by then fails as `DeviceOffline` (its command may
   * still land).
   *
   * @example
   * const outcomes = await controller.controlEach('default', [{ deviceid: '1000000001', command: { power: 'on' } }], { withinMs: 6_000 });
   * outcomes[0].ok // true, with outcomes[0].result; or false, with outcomes[0].error
   */
  controlEach(accountId: string, actions: readonly DeviceAction[], options: { withinMs?: number } = {}): Promise<ActionOutcome[]> {
    const { withinMs } = options;
    return Promise.all(
      actions.map(({ deviceid, command }) =>
        (withinMs === undefined ? this.control(accountId, deviceid, command) : withinDeadline(this.control(accountId, deviceid, command), withinMs, noAnswerInTime)).then(
          (result): ActionOutcome => ({ deviceid, ok: true, result }),
          (error: unknown): ActionOutcome => ({ deviceid, ok: false, error: toDomainError(error) ?? error }),
        ),
      ),
    );
  }

  /** Live state from the cloud (one call), in semantic form next to the raw params. */
  async state(accountId: string, deviceid: string): Promise<DeviceState> {
    await this.directory.find(accountId, deviceid);
    try {
      const live = await this.keeper.withCredentials(accountId, (creds) => this.transports.for(creds.api).device(creds, deviceid));
      const profile = deviceProfile(live.uiid, live.params);
      return {
        deviceid,
        name: live.name,
        uiid: live.uiid,
        family: profile.family,
        online: live.online,
        ...normaliseState(profile, live.params),
        capabilities: capabilitiesOf(profile),
        params: live.params,
      };
    } catch (err) {
      throw toDomainError(err) ?? err;
    }
  }
}

function profileOf(device: CachedDevice): DeviceProfile {
  return deviceProfile(device.uiid, device.params ?? {});
}

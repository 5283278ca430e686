import type { TokenKeeper } from '../accounts/token-keeper';
import type { CloudTransports } from '../ewelink/transport';
import type { BatchOutcome, CommandChannel, TargetedParams, Via } from '../ewelink/command';
import type { DeviceParams } from '../ewelink/types';
import { withinDeadline } from '../deadline';
import { NotFound as CloudNotFound } from '../ewelink/errors';
import { noAnswerInTime, NotFound, toDomainError } from '../errors';
import type { CachedDevice } from './model';
import { capabilitiesOf, deviceProfile, type Capabilities, type DeviceProfile } from './catalogue';
import type { DeviceCommand } from './command';
import type { DeviceDirectory } from './directory';
import { checkCommand, paramsToRead, planCommand, type CommandOutcome } from './plan';
import { normaliseState, type NormalisedState } from './state';
import { Turns } from './turns';

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
  /** Commands to one device run one after the other in this instance, so that each toggle reads the state the previous one left. */
  private readonly turns = new Turns();

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
      return await this.turns.run([deviceKey(accountId, deviceid)], async () => {
        const { target, params, outcome, fromState } = await this.plan(accountId, deviceid, command, at);
        const via = await this.keeper.withCredentials(accountId, (creds) => this.channel.send(creds, target, params, { fromState }));
        return { deviceid, via, ...outcome, params };
      });
    } catch (err) {
      throw await this.known(accountId, deviceid, err);
    }
  }

  /**
   * Sends several commands together (a scene run, an assistant's EXECUTE): each is checked and
   * planned for its device (reading it first when the plan needs it), then all go at once over
   * the account's socket session, or, without one, in one batch-status call. Each device answers
   * for itself: a failure is reported in its own outcome and holds up nobody else. With
   * `withinMs`, an action that has not answered by then fails as `DeviceOffline` (its command
   * may still land) and the others keep their own answers; the batch goes once every plan is
   * made or has run out of that time.
   *
   * @example
   * const outcomes = await controller.controlMany('default', [{ deviceid: '1000000001', command: { power: 'on' } }], { withinMs: 6_000 });
   * outcomes[0].ok // true, with outcomes[0].result; or false, with outcomes[0].error
   */
  async controlMany(accountId: string, actions: readonly DeviceAction[], options: { withinMs?: number } = {}): Promise<ControlOutcome[]> {
    const started = Date.now();
    return this.turns.run(
      actions.map(({ deviceid }) => deviceKey(accountId, deviceid)),
      () => this.controlManyInTurn(accountId, actions, started, options.withinMs),
    );
  }

  private async controlManyInTurn(accountId: string, actions: readonly DeviceAction[], started: number, withinMs: number | undefined): Promise<ControlOutcome[]> {
    const inTime = <T>(work: Promise<T>): Promise<T> => (withinMs === undefined ? work : withinDeadline(work, Math.max(0, withinMs - (Date.now() - started)), noAnswerInTime));
    const plans = await Promise.all(
      actions.map(({ deviceid, command }) =>
        inTime(this.plan(accountId, deviceid, command)).catch(async (err: unknown): Promise<{ error: unknown }> => ({ error: await this.known(accountId, deviceid, err) })),
      ),
    );
    const ready = plans.filter((p): p is PlannedControl => !('error' in p));
    const answers = ready.map(() => deferred<BatchOutcome>());
    const sending = this.keeper.withCredentials(accountId, (creds) => this.channel.sendMany(creds, ready, (k, answer) => answers[k]?.resolve(answer)));
    sending.then(
      (sent) => sent.forEach((answer, k) => answers[k]?.resolve(answer)),
      (err: unknown) => answers.forEach((answer) => answer.reject(err)),
    );
    return Promise.all(
      actions.map(async ({ deviceid }, i): Promise<ControlOutcome> => {
        const plan = plans[i] as PlannedControl | { error: unknown };
        if ('error' in plan) return { deviceid, ok: false, error: plan.error };
        try {
          const answer = await inTime((answers[ready.indexOf(plan)] as Deferred<BatchOutcome>).promise);
          if (!answer.ok) return { deviceid, ok: false, error: await this.known(accountId, deviceid, answer.error) };
          return { deviceid, ok: true, result: { deviceid, via: answer.via, ...plan.outcome, params: plan.params } };
        } catch (err) {
          return { deviceid, ok: false, error: await this.known(accountId, deviceid, err) };
        }
      }),
    );
  }

  /** The params a command sends to its device, decided on the device's state now when the plan reads it. */
  private async plan(accountId: string, deviceid: string, command: DeviceCommand, at?: string): Promise<PlannedControl> {
    // The tokens are read beside the device, not after it: on a cold instance both come from the table.
    const [device] = await Promise.all([this.directory.find(accountId, deviceid), this.keeper.ready(accountId)]);
    const profile = profileOf(device);
    const channels = checkCommand(deviceid, profile, command, at);
    const reads = paramsToRead(profile, command);
    const target = { deviceid, apikey: device.apikey };
    // Decided on the device's state now, never on a cached copy.
    const current = reads === 'none' ? {} : await this.keeper.withCredentials(accountId, (creds) => this.channel.query(creds, target, reads === 'all' ? [] : reads));
    const { params, outcome } = planCommand(profile, command, channels, current);
    // A toggle's params come from the state just read: should their answer be lost, they must not go out again blindly.
    return { target, params, outcome, fromState: command.power === 'toggle' };
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
      throw await this.known(accountId, deviceid, err);
    }
  }

  /**
   * A failure as the caller should hear it. A device the cached list holds but the cloud does not
   * (deleted, or a share of it ended, elsewhere) drops the account's cached list, so the next read
   * fetches it, and is `not_found` naming the device.
   */
  private async known(accountId: string, deviceid: string, err: unknown): Promise<unknown> {
    if (!(err instanceof CloudNotFound)) return toDomainError(err) ?? err;
    // The answer is the 404 whatever the table says: a list left behind expires with its TTL.
    await this.directory.forget(accountId).catch(() => undefined);
    return new NotFound(`no device "${deviceid}" in this account: the eWeLink cloud no longer has it here (deleted, or its share was revoked); list the devices again`, undefined, { cause: err });
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Read only while its action is still waiting; a late rejection has nobody to tell.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

function deviceKey(accountId: string, deviceid: string): string {
  return `${accountId} ${deviceid}`;
}

function profileOf(device: CachedDevice): DeviceProfile {
  return deviceProfile(device.uiid, device.params ?? {});
}

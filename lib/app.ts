import { TokenKeeper } from './accounts/token-keeper';
import { configFromEnv, type BridgeConfig } from './config';
import { BridgeError } from './errors';
import { DeviceController } from './devices/controller';
import { DeviceDirectory } from './devices/directory';
import { DeviceManagement } from './devices/management';
import { EwelinkClient } from './ewelink/client';
import type { PushedMessage } from './ewelink/socket';
import { CommandChannel, type CommandChannelOptions } from './ewelink/command';
import { Groups } from './groups/groups';
import { SHARE_WAIT_MS, Sharing } from './sharing/sharing';
import { createStore, type Store } from './store';
import { SceneService } from './scenes/scene-service';
import { TimerService } from './timers/timer-service';
import { Webhooks } from './webhooks/webhooks';

/** The bridge's parts, wired once per process (at module scope in a Lambda handler). */
export interface Bridge {
  config: BridgeConfig;
  store: Store;
  client: EwelinkClient;
  keeper: TokenKeeper;
  channel: CommandChannel;
  directory: DeviceDirectory;
  controller: DeviceController;
  management: DeviceManagement;
  groups: Groups;
  sharing: Sharing;
  webhooks: Webhooks;
  timers: TimerService;
  scenes: SceneService;
  close(): void;
}

export interface BridgeTuning {
  /** The bridge's clock for compiling timers (tests move it with the simulator's). */
  now?: () => number;
  socket?: CommandChannelOptions;
  deviceListTtlSec?: number;
}

/**
 * Wires the bridge from its configuration.
 *
 * @example
 * const bridge = createBridge(await configFromEnv());
 * await bridge.controller.control('default', '1000000001', { power: 'on' });
 */
export function createBridge(config: BridgeConfig, tuning: BridgeTuning = {}): Bridge {
  const store = createStore({ tableName: config.tableName, endpoint: config.dynamoEndpoint });
  const client = new EwelinkClient({ appId: config.appId, appSecret: config.appSecret, apiUrl: config.apiUrl });
  const keeper = new TokenKeeper(store.tokens, client);
  // A share waits on a person; the HTTP function has 20 s, so the bridge gives up waiting first.
  const channel = new CommandChannel(client, { shareTimeoutMs: SHARE_WAIT_MS, ...tuning.socket });
  const directory = new DeviceDirectory(store.devices, client, keeper, { ttlSec: tuning.deviceListTtlSec });
  const controller = new DeviceController(directory, keeper, channel, client);
  const management = new DeviceManagement(directory, keeper, client);
  const groups = new Groups(directory, keeper, client);
  const sharing = new Sharing(directory, keeper, channel);
  const webhooks = new Webhooks(store.hooks, controller);
  const timers = new TimerService(store.timers, directory, keeper, channel, tuning.now);
  const scenes = new SceneService(store.timers, controller, timers, tuning.now);
  channel.on('push', (message: PushedMessage) => {
    if (message.action === 'sysmsg' && typeof message.params.online === 'boolean') {
      directory.noteOnline(message.deviceid, message.params.online).catch(() => undefined);
    }
  });
  return { config, store, client, keeper, channel, directory, controller, management, groups, sharing, webhooks, timers, scenes, close: () => channel.close() };
}

let fromEnv: Promise<Bridge> | undefined;

/**
 * The process's bridge, wired from the environment on first use. A failure (say, the secret
 * still holds its placeholder) is not remembered: the next call tries again, so fixing the
 * configuration needs no redeploy.
 */
export function bridgeFromEnv(): Promise<Bridge> {
  fromEnv ??= configFromEnv().then(
    (config) => createBridge(config),
    (err: unknown) => {
      fromEnv = undefined;
      throw new BridgeError('not_configured', `the bridge is not configured: ${(err as Error).message}`);
    },
  );
  return fromEnv;
}

import { ApiKeys } from './accounts/api-keys';
import { AssistantLinks } from './accounts/assistant-links';
import { AccountLinking } from './accounts/linking';
import { Replies } from './replies';
import { AssistantTargets } from './assistants/targets';
import { TokenKeeper } from './accounts/token-keeper';
import { configFromEnv, type BridgeConfig } from './config';
import { DeviceController } from './devices/controller';
import { cloudPoliteness, Politeness, type PolitenessLimits } from './ewelink/politeness';
import { DeviceDirectory } from './devices/directory';
import { DeviceManagement } from './devices/management';
import { NotConfigured } from './errors';
import { EwelinkClient } from './ewelink/client';
import { CommandChannel, type CommandChannelOptions } from './ewelink/command';
import { CloudTransports } from './ewelink/transport';
import { EwelinkV2Client } from './ewelink/v2-client';
import type { PushedMessage } from './ewelink/socket';
import { Groups } from './groups/groups';
import { SceneService } from './scenes/scene-service';
import { SHARE_WAIT_MS, Sharing } from './sharing/sharing';
import { createStore, type Store } from './store';
import { reconcileAccounts, type ReconcileLog, type ReconcileReport } from './timers/reconcile-accounts';
import { TimerService } from './timers/timer-service';
import { Webhooks } from './webhooks/webhooks';

/**
 * The bridge as its callers see it: the domain's services and nothing below them. Adapters,
 * handlers and the admin command reach the cloud and the table only through these.
 */
export interface Bridge {
  readonly config: BridgeConfig;
  readonly accounts: AccountLinking;
  readonly apiKeys: ApiKeys;
  readonly directory: DeviceDirectory;
  readonly controller: DeviceController;
  readonly management: DeviceManagement;
  readonly groups: Groups;
  readonly sharing: Sharing;
  readonly webhooks: Webhooks;
  readonly timers: TimerService;
  readonly scenes: SceneService;
  /** What voice assistants can address: each device, each channel of a multi-channel switch, each scene. */
  readonly targets: AssistantTargets;
  /** Assistants' retried messages answered once (by message id, for 5 minutes). */
  readonly replies: Replies;
  /** The assistants' account linking (OAuth clients, links, tokens); also the `AssistantTokens` their adapters check bearers with. */
  readonly assistantLinks: AssistantLinks;
  /**
   * The hourly reconcile: every linked account's timers in turn (or only `accountIds`'); throws
   * `ReconcileFailed` at the end naming the accounts that failed.
   */
  reconcileTimers(log?: ReconcileLog, accountIds?: readonly string[]): Promise<(ReconcileReport & { accountId: string })[]>;
  close(): void;
}

/** What the bridge is wired from: for tests that inspect the table or the cloud's view directly. */
export interface BridgeParts {
  store: Store;
  /** The v1 client. */
  client: EwelinkClient;
  /** The v2 client (accounts linked through the OAuth login). */
  v2: EwelinkV2Client;
  /** Both, picked by an account's `api`. */
  transports: CloudTransports;
  keeper: TokenKeeper;
  channel: CommandChannel;
}

export interface BridgeTuning {
  /** The bridge's clock for compiling timers (tests move it with the simulator's). */
  now?: () => number;
  socket?: CommandChannelOptions;
  deviceListTtlSec?: number;
  /** How often an unknown device id may fetch a fresh device list before `not_found` (default 30 s). */
  missRefetchMs?: number;
  /**
   * The cloud's limits the bridge keeps to (default `CLOUD_LIMITS`, shared by every bridge of the
   * process). Tests scale the gap down, with the simulator told the same, so they wait as the
   * product does without waiting half a second a call.
   */
  cloudLimits?: PolitenessLimits;
}

/**
 * Wires the bridge and hands back its parts too (tests only; everything else uses `createBridge`).
 *
 * @example
 * const { bridge, parts } = wireBridge(config);
 */
export function wireBridge(config: BridgeConfig, tuning: BridgeTuning = {}): { bridge: Bridge; parts: BridgeParts } {
  const store = createStore({ tableName: config.tableName, endpoint: config.dynamoEndpoint });
  const politeness = tuning.cloudLimits ? new Politeness(tuning.cloudLimits) : cloudPoliteness;
  const client = new EwelinkClient({ appId: config.appId, appSecret: config.appSecret, apiUrl: config.apiUrl, politeness });
  const v2 = new EwelinkV2Client({ appId: config.appId, appSecret: config.appSecret, apiUrl: config.v2ApiUrl, dispatchUrl: config.dispatchUrl, loginPageUrl: config.loginPageUrl, politeness });
  const transports = new CloudTransports(client, v2);
  const keeper = new TokenKeeper(store.tokens, transports);
  // A share waits on a person; the HTTP function must answer first, so the bridge gives up waiting before it.
  const channel = new CommandChannel(transports, { shareTimeoutMs: SHARE_WAIT_MS, dispatchCache: store.dispatch, politeness, ...tuning.socket });
  const directory = new DeviceDirectory(store.devices, transports, keeper, { ttlSec: tuning.deviceListTtlSec, missRefetchMs: tuning.missRefetchMs });
  const controller = new DeviceController(directory, keeper, channel, transports);
  const timers = new TimerService(store.timers, directory, keeper, channel, tuning.now);
  channel.on('push', (message: PushedMessage) => {
    if (message.action === 'sysmsg' && typeof message.params.online === 'boolean') {
      directory.noteOnline(message.deviceid, message.params.online).catch(() => undefined);
    }
  });
  const accounts = new AccountLinking({ client, v2, keeper, tokens: store.tokens, states: store.oauthStates, devices: directory, redirectUrl: config.oauthRedirectUrl, now: tuning.now });
  const scenes = new SceneService(store.timers, controller, timers, tuning.now);
  const apiKeys = new ApiKeys(store.apiKeys, tuning.now);
  const bridge: Bridge = {
    config,
    accounts,
    apiKeys,
    directory,
    controller,
    management: new DeviceManagement(directory, keeper, client),
    groups: new Groups(directory, keeper, client),
    sharing: new Sharing(directory, keeper, channel),
    webhooks: new Webhooks(store.hooks, controller, tuning.now),
    timers,
    scenes,
    targets: new AssistantTargets(directory, scenes),
    replies: new Replies(store.replies, tuning.now),
    assistantLinks: new AssistantLinks(store.assistantLinks, store.oneTimeSecrets, apiKeys, tuning.now),
    reconcileTimers: async (log, accountIds) => reconcileAccounts(accountIds ?? (await accounts.accountIds()), (accountId) => timers.reconcile(accountId), log),
    close: () => channel.close(),
  };
  return { bridge, parts: { store, client, v2, transports, keeper, channel } };
}

/**
 * Wires the bridge from its configuration.
 *
 * @example
 * const bridge = createBridge(await configFromEnv());
 * await bridge.controller.control('default', '1000000001', { power: 'on' });
 */
export function createBridge(config: BridgeConfig, tuning: BridgeTuning = {}): Bridge {
  return wireBridge(config, tuning).bridge;
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
      throw new NotConfigured('the bridge is not configured: set EWELINK_APP_ID and EWELINK_APP_SECRET, or store {"appId", "appSecret"} in the secret that EWELINK_SECRET_ARN names (the log has the cause)', undefined, { cause: err });
    },
  );
  return fromEnv;
}

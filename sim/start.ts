import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccountBook, type DeviceRecord } from './accounts/account-book';
import type { SimContext, SimSettings } from './context';
import { CloudClock } from './clock';
import { createControlAnswerer } from './http/test-controls';
import { DeviationLog } from './deviations';
import { DeviceControl } from './devices/control';
import { DeviceTimers } from './devices/timers';
import { GroupBook } from './accounts/groups';
import { DeviceHistory } from './devices/history';
import { UnboundPool } from './devices/unbound-pool';
import { ShareBook } from './accounts/sharing';
import { VerificationCodes } from './accounts/verification-codes';
import { NotInSim } from './errors';
import { LOGIN_PAGE_PATH } from './http/login-page';
import { OAuthCodes } from './accounts/oauth-codes';
import { clearFaults, createFaults } from './faults';
import { createHttpHandler } from './http/server';
import { PendingTimers } from './pending-timers';
import { Politeness, politenessLimits } from './politeness';
import { RequestHold } from './request-hold';
import { SocketHub } from './socket/sessions';
import { StatsRecorder } from './stats';
import { TokenBook } from './accounts/tokens';
import type { AppKind, Sim, SimConfig, SimDevice } from './types';

const DAY_SEC = 24 * 60 * 60;

function liveDevice(device: DeviceRecord): SimDevice {
  return {
    get deviceid() {
      return device.deviceid;
    },
    get uiid() {
      return device.uiid;
    },
    get online() {
      return device.online;
    },
    get params() {
      return structuredClone(device.params);
    },
    get ownerApikey() {
      return device.owner.apikey;
    },
    get name() {
      return device.name;
    },
  };
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(typeof value === 'number' && value > 0)) throw new Error(`sim: ${name} must be a positive number`);
  return value;
}

const APP_KINDS: readonly AppKind[] = ['enterprise', 'personal'];

function appKind(value: AppKind | undefined): AppKind {
  if (value === undefined) return 'enterprise';
  if (!APP_KINDS.includes(value)) throw new Error(`sim: appKind must be "enterprise" or "personal" (got "${String(value)}")`);
  return value;
}

/**
 * The redirect URLs the app registered. The vendor takes https only; the sim also takes
 * http://localhost and http://127.0.0.1 ones, so a bridge on one machine can be sent back to.
 */
function redirectUrls(urls: readonly string[] = []): readonly string[] {
  for (const url of urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`sim: the redirect URL "${url}" is not a URL`);
    }
    const local = parsed.protocol === 'http:' && (parsed.hostname === 'localhost' || parsed.hostname === '127.0.0.1');
    if (parsed.protocol !== 'https:' && !local) throw new Error(`sim: the redirect URL "${url}" must be https (or http://localhost, http://127.0.0.1)`);
  }
  return [...urls];
}

/**
 * Starts the simulated eWeLink cloud: HTTP and the `/api/ws` WebSocket on one port.
 *
 * @example
 * const sim = await startSim({ appId: 'id', appSecret: 'secret', accounts: [demoSeed()] });
 * // client template: sim.apiUrlTemplate ('http://127.0.0.1:PORT/{region}')
 * await sim.close();
 */
export async function startSim(config: SimConfig): Promise<Sim> {
  if (!config.appId || !config.appSecret) throw new Error('sim: appId and appSecret are required');
  const host = config.host ?? '127.0.0.1';
  const settings: SimSettings = {
    appId: config.appId,
    appSecret: config.appSecret,
    appKind: appKind(config.appKind),
    redirectUrls: redirectUrls(config.redirectUrls),
    deviceTimeoutMs: config.deviceTimeoutMs ?? 3000,
    idleTimeoutSec: positive('idleTimeoutSec', config.idleTimeoutSec, 160),
    dispatchDomain: config.dispatchDomain ?? host,
    dispatchPort: config.dispatchPort ?? 0,
    shareTimeoutMs: positive('shareTimeoutMs', config.shareTimeoutMs, 10_000),
  };
  const book = new AccountBook(config.accounts ?? []);
  const pool = new UnboundPool(book, config.unboundDevices ?? [], config.unboundGsmDevices ?? []);
  const clock = new CloudClock(config.clock);
  const now = () => clock.now();
  const codes = new VerificationCodes(positive('smsIntervalSec', config.smsIntervalSec, 60) * 1000, now);
  const shares = new ShareBook(positive('shareRetryAfterSec', config.shareRetryAfterSec, 180) * 1000, now);
  const groups = new GroupBook();
  const history = new DeviceHistory(now);
  const tokens = new TokenBook(
    positive('atLifetimeSec', config.atLifetimeSec, 30 * DAY_SEC) * 1000,
    positive('rtLifetimeSec', config.rtLifetimeSec, 60 * DAY_SEC) * 1000,
    now,
  );
  const oauthCodes = new OAuthCodes(positive('oauthCodeLifetimeSec', config.oauthCodeLifetimeSec, 300) * 1000, now);
  const limits = politenessLimits(config.politeness);
  const hold = new RequestHold();
  const enforceLimits = config.politeness?.enforce ?? false;
  const faults = createFaults(hold, enforceLimits);
  const stats = new StatsRecorder();
  const politeness = new Politeness({ limits, now, faults, countCrossing: (endpoint) => stats.recordLimitCrossing(endpoint) });
  const deviations = new DeviationLog();
  const timers = new PendingTimers();
  const control = new DeviceControl({
    faults,
    timers,
    deviceTimeoutMs: settings.deviceTimeoutMs,
    announce: (device, changed, origin) => hub.pushUpdate(device, changed, origin),
    record: (device, changed, by) => history.record(device, changed, by),
  });
  const deviceTimers = new DeviceTimers({
    devices: () => book.allDevices(),
    change: (device, params) => control.changeFromDevice(device, params),
  });
  clock.drive(deviceTimers);
  const ctx: SimContext = { settings, book, tokens, faults, stats, deviations, timers, control, codes, shares, groups, history, pool, oauthCodes, politeness, hold };
  const hub = new SocketHub(ctx);

  const knownDevice = (deviceid: string): DeviceRecord => {
    const device = book.device(deviceid);
    if (!device) throw new NotInSim(`sim: no device ${deviceid}`);
    return device;
  };

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  if (config.dispatchPort === undefined) settings.dispatchPort = port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  const sim: Sim = {
    port,
    url,
    apiUrlTemplate: `${url}/{region}`,
    v2ApiUrlTemplate: `${url}/{region}-apia`,
    dispatchUrlTemplate: `${url}/{region}-dispa`,
    loginPageUrl: `${url}${LOGIN_PAGE_PATH}`,
    appKind: settings.appKind,
    stats,
    faults,
    clearFaults: () => clearFaults(faults, enforceLimits),
    clock,
    timerLog: deviceTimers.fired,
    deviations: deviations.entries,
    resetDeviations: () => deviations.reset(),
    device: (deviceid) => liveDevice(knownDevice(deviceid)),
    issueTokens(login) {
      const account = book.findByLogin(login);
      if (!account) throw new NotInSim(`sim: no account with the login ${login}`);
      const { at, rt } = tokens.issue(account);
      return { at, rt, apikey: account.apikey, region: account.region };
    },
    setShareAnswer(login, answer) {
      const account = book.findByLogin(login);
      if (!account) throw new NotInSim(`sim: no account with the login ${login}`);
      account.shareAnswer = answer;
    },
    expireAccessToken(at) {
      if (!tokens.expire(at)) throw new NotInSim('sim: that access token is not known');
    },
    openSockets(login) {
      const account = book.findByLogin(login);
      if (!account) throw new NotInSim(`sim: no account with the login ${login}`);
      return hub.openSessions(account);
    },
    setDeviceOnline(deviceid, online) {
      const device = knownDevice(deviceid);
      const now = new Date(clock.now()).toISOString();
      device.online = online;
      if (online) device.onlineTime = now;
      else device.offlineTime = now;
      hub.pushOnline(device);
    },
    verificationCode(address) {
      const code = codes.latest(address);
      if (code === undefined) throw new NotInSim(`sim: no verification code was sent to ${address}`);
      return code;
    },
    reportFromDevice(deviceid, params) {
      const acceptance = control.changeFromDevice(knownDevice(deviceid), params);
      if (!acceptance.ok) throw new Error(`sim: device ${deviceid} refuses ${JSON.stringify(params)}: ${acceptance.reason}`);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        timers.stop();
        clock.stop();
        hub.closeAll();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };

  server.on('request', createHttpHandler(ctx, createControlAnswerer(sim)));
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
  return sim;
}

/**
 * The simulated eWeLink cloud: HTTP (v1 and v2 routes), the OAuth 2.0 login page, the `/api/ws`
 * WebSocket and virtual devices on one port, for tests, benchmarks and `npm start` without real
 * credentials. Its app id is of a configurable kind: `enterprise` (the default) is served v1 and
 * v2; `personal` gets error 407 on every v1 path, as the real cloud answers such app ids.
 * Everything outside `sim/` imports from this file only.
 *
 * | folder | what lives there |
 * |---|---|
 * | `sim/` (top) | `startSim` wiring (`start.ts`), public types, the clock, stats, faults, the hold of `hangHttp`, the politeness limits, waits, shared field checks, answer views, the demo seed, `npm run sim` (`main.ts`) |
 * | `sim/http/` | the HTTP server: host and region placement, Sign/Bearer checks, the cloud's v1 and v2 routes by concern, the login page, the test-only `/_sim/*` controls |
 * | `sim/socket/` | the WebSocket sessions (handshake, ping, update/query, pushes) and the share actions |
 * | `sim/devices/` | device kinds and their param checks, the one command path, device-run timers (schedules, cron), readings, history, devices waiting to be paired |
 * | `sim/accounts/` | accounts and their devices, tokens, OAuth codes, regions, verification codes, sharing, groups |
 *
 * @example
 * const sim = await startSim({ appId: 'id', appSecret: 'secret', accounts: [demoSeed()] });
 */
export type { AppKind, AccountSeed, DeviceSeed, DeviationRule, GsmDeviceSeed, PolitenessConfig, ShareAnswer, Sim, SimClock, SimClockConfig, SimConfig, SimDevice, SimFaults, SimRecord, SimStats, SpecDeviation, TimerFiring } from './types';
export { startSim } from './start';
export { demoSeed } from './demo-seed';
export { signInOnLoginPage } from './sign-in';
export { politenessFromEnv } from './politeness';

export type { AccountSeed, DeviceSeed, GsmDeviceSeed, ShareAnswer, Sim, SimClock, SimClockConfig, SimConfig, SimDevice, SimFaults, SimRecord, SimStats, TimerFiring } from './types';
export { startSim } from './start';
export { demoSeed } from './demo-seed';

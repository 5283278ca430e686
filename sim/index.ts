export type { AccountSeed, DeviceSeed, GsmDeviceSeed, ShareAnswer, Sim, SimConfig, SimDevice, SimFaults, SimRecord, SimStats } from './types';
export { startSim } from './start';
export { demoSeed } from './demo-seed';

import type { DeviceCommand } from '../devices/command';
import type { Schedule, SceneSchedule } from './schedule';

/*
 * The local timer and scene model: the types the domain works with and the repository it
 * needs (lib/store implements it in the table). One record per device holds its timers, a
 * version that guards every write, and what was last pushed; one record per scene. A
 * device's full array is compiled from both, so a scene edit never leaves a device
 * half-updated in the model.
 */

/** A timer of one device, as the bridge keeps it: the caller's terms, not the device's. */
export interface TimerDef {
  id: string;
  schedule: Schedule;
  /** IANA name the schedule's wall-clock times are in. */
  timeZone: string;
  /** What to do (for a duration timer: at the start of each cycle). */
  action: DeviceCommand;
  /** Duration timers: what to do when the "on" part of the cycle ends (default: power off). */
  endAction?: DeviceCommand;
  enabled: boolean;
  /** Epoch ms; a delay timer counts from here. */
  createdAt: number;
}

/** One device's part of a scene. */
export interface SceneAction {
  deviceid: string;
  command: DeviceCommand;
}

/** A named set of device commands, run together on demand or on its schedule. */
export interface SceneDef {
  id: string;
  name: string;
  actions: SceneAction[];
  /** Repeat or once; the scene's actions then run on the devices themselves. */
  schedule?: SceneSchedule;
  timeZone?: string;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** An entry of a device's `timers` array, as the device runs it (protocol notes, "Timers"). */
export interface DeviceTimerEntry {
  enabled: 0 | 1;
  mId: string;
  type: 'once' | 'repeat' | 'duration';
  coolkit_timer_type: 'once' | 'repeat' | 'duration' | 'delay';
  at: string;
  do?: Record<string, unknown>;
  startDo?: Record<string, unknown>;
  endDo?: Record<string, unknown>;
  period?: string;
  [field: string]: unknown;
}

/** What the bridge last pushed to a device, and how that went. */
export interface PushRecord {
  /** Fingerprint of the array sent (see timersFingerprint). */
  fingerprint: string;
  /** `pending`: the device did not take it (offline); `failed`: it refused it or the push broke. */
  status: 'pending' | 'done' | 'failed';
  /** Epoch ms. */
  at: number;
  entries: number;
  error?: string;
}

export interface DeviceTimers {
  deviceid: string;
  timers: TimerDef[];
  /** 0 when nothing was ever stored; every write adds one. */
  version: number;
  push?: PushRecord;
}

export interface StoredScene extends SceneDef {
  version: number;
}

/** Where the timer and scene model is kept. Writes are conditional on the version read. */
export interface TimerModelRepository {
  getTimers(accountId: string, deviceid: string): Promise<DeviceTimers>;
  /** Every device of the account that has a timer model. */
  listTimers(accountId: string): Promise<DeviceTimers[]>;
  /** Replaces the device's timers if nobody wrote since `expectedVersion`; undefined when someone did. */
  putTimers(accountId: string, deviceid: string, timers: TimerDef[], expectedVersion: number): Promise<DeviceTimers | undefined>;
  recordPush(accountId: string, deviceid: string, push: PushRecord): Promise<void>;
  getScene(accountId: string, sceneId: string): Promise<StoredScene | undefined>;
  listScenes(accountId: string): Promise<StoredScene[]>;
  /** Writes the scene if its version is still `expectedVersion` (0: a new scene); undefined otherwise. */
  putScene(accountId: string, scene: SceneDef, expectedVersion: number): Promise<StoredScene | undefined>;
  deleteScene(accountId: string, sceneId: string): Promise<boolean>;
}

import type { DeviceCommand } from '../devices/command';
import type { Schedule } from './schedule';

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
  schedule?: Extract<Schedule, { type: 'once' | 'repeat' }>;
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

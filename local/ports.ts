import { createServer } from 'node:net';

/** A port `npm start` listens on, and the setting that chooses it. */
export interface PortSetting {
  /** The environment variable to change when the port is taken. */
  variable: string;
  port: number;
  host: string;
}

/** A port `npm start` needs is held by another process: says which and what to change, in one line. */
export class PortInUse extends Error {
  override name = 'PortInUse';
  constructor(readonly setting: PortSetting) {
    super(`port ${setting.port} is in use (${setting.variable}): stop what holds it, or set ${setting.variable} to a free port`);
  }
}

/**
 * Refuses, before anything starts, when one of the ports is taken: a taken port found only
 * once DynamoDB Local and the simulator are up would leave the reader a stack trace to read.
 *
 * @example
 * await ensurePortsFree([{ variable: 'PORT', port: 3000, host: '127.0.0.1' }]);
 */
export async function ensurePortsFree(settings: readonly PortSetting[]): Promise<void> {
  for (const setting of settings) {
    if (await taken(setting)) throw new PortInUse(setting);
  }
}

/**
 * The port an `EADDRINUSE` from a listen names, as `PortInUse` (a port taken in the moment
 * between the check and the listen); anything else as it is.
 */
export function explainListenError(err: unknown, settings: readonly PortSetting[]): unknown {
  const { code, port } = (err ?? {}) as { code?: unknown; port?: unknown };
  const setting = code === 'EADDRINUSE' ? settings.find((s) => s.port === port) : undefined;
  return setting ? new PortInUse(setting) : err;
}

function taken(setting: PortSetting): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve(true) : reject(err)));
    probe.listen(setting.port, setting.host, () => probe.close(() => resolve(false)));
  });
}

import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What `npm start` keeps between runs, and where. */
export interface DataDir {
  /** The folder of this run's cloud: `<root>/sim` for the simulator, `<root>/ewelink` for the real cloud. */
  path: string;
  /** True when this run was asked to start empty and removed what an earlier run kept. */
  emptied: boolean;
}

/** The file DynamoDB Local keeps its tables in when run with `-sharedDb -dbPath`. */
const TABLE_FILE = 'shared-local-instance.db';
/** The admin API key in clear, readable by its owner only: the table holds just its hash. */
const ADMIN_KEY_FILE = 'admin-key';

/** `.data/` at the repository's root, whatever the working directory. */
export const DEFAULT_DATA_ROOT = fileURLToPath(new URL('../.data', import.meta.url));

/**
 * The folder `npm start` keeps its table and admin key in. The simulator and the real cloud
 * get a folder each, so a simulated token pair is never sent to the real cloud and a
 * simulator run never replaces the real account's pair. Starting fresh removes only the
 * files named above, never the folder's other contents (the root may be set to any folder).
 *
 * @example
 * const data = await prepareDataDir({ root: '.data', cloud: 'sim', fresh: false });
 */
export async function prepareDataDir(options: { root: string; cloud: 'sim' | 'ewelink'; fresh: boolean }): Promise<DataDir> {
  const path = join(resolve(options.root), options.cloud);
  let emptied = false;
  if (options.fresh) {
    for (const file of [TABLE_FILE, ADMIN_KEY_FILE]) {
      const existed = await rm(join(path, file)).then(() => true, (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? false : Promise.reject(err)));
      emptied ||= existed;
    }
  }
  await mkdir(path, { recursive: true, mode: 0o700 });
  return { path, emptied };
}

/**
 * The admin key this data folder prints on every start: the one kept in its `admin-key` file
 * (mode 0600), or a new one written there. The key is needed in clear to print the curl lines,
 * and the table keeps only its hash, so the file is the one place it is kept.
 *
 * @example
 * const { key, minted } = await keptAdminKey(data.path);
 */
export async function keptAdminKey(dir: string): Promise<{ key: string; minted: boolean }> {
  const file = join(dir, ADMIN_KEY_FILE);
  const kept = await readFile(file, 'utf8').then((text) => text.trim(), (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? '' : Promise.reject(err)));
  if (kept) {
    // A copy or an unpacked archive may have widened it; the key is a password.
    await chmod(file, 0o600);
    return { key: kept, minted: false };
  }
  const key = `ebk_${randomBytes(18).toString('base64url')}`;
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return { key, minted: true };
}

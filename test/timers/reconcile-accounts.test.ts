import { describe, expect, it } from 'vitest';
import { ReconcileFailed, reconcileAccounts, type ReconcileReport } from '../../lib/timers/reconcile-accounts';

const CLEAN: ReconcileReport = { pushed: [], inSync: ['1000000001'], pending: [], failed: [], drift: [] };

/** A log that keeps its lines, to see at which level each account was reported. */
function keptLog() {
  const lines: { level: 'info' | 'error'; message: string; accountId: unknown }[] = [];
  return {
    lines,
    info: (message: string, attributes: Record<string, unknown>) => lines.push({ level: 'info', message, accountId: attributes.accountId }),
    error: (message: string, attributes: Record<string, unknown>) => lines.push({ level: 'error', message, accountId: attributes.accountId }),
  };
}

describe('reconcileAccounts', () => {
  it('returns every report and logs at info level when no account failed', async () => {
    // Prepare
    const log = keptLog();
    // Act
    const reports = await reconcileAccounts(['a', 'b'], async () => CLEAN, log);
    // Assess
    expect(reports.map((r) => r.accountId)).toEqual(['a', 'b']);
    expect(log.lines.map((l) => l.level)).toEqual(['info', 'info']);
  });

  it('gives every account its turn, logs each failure as an error, then throws naming only the failed accounts', async () => {
    // Prepare: the first account throws, the second has a device that refused its array, the third is fine
    const log = keptLog();
    const seen: string[] = [];
    const reconcile = async (accountId: string): Promise<ReconcileReport> => {
      seen.push(accountId);
      if (accountId === 'throws') throw new Error('the store could not be reached');
      if (accountId === 'refused') return { ...CLEAN, failed: ['1000000004'] };
      return CLEAN;
    };
    // Act
    const run = reconcileAccounts(['throws', 'refused', 'fine'], reconcile, log);
    // Assess
    const error = await run.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ReconcileFailed);
    expect((error as ReconcileFailed).accountIds).toEqual(['throws', 'refused']);
    expect((error as Error).message).toMatch(/throws, refused/);
    expect((error as Error).message).not.toMatch(/fine/);
    expect(seen).toEqual(['throws', 'refused', 'fine']);
    expect(log.lines.map((l) => [l.level, l.accountId])).toEqual([
      ['error', 'throws'],
      ['error', 'refused'],
      ['info', 'fine'],
    ]);
  });

  it('does not count an offline device (pending) as a failure', async () => {
    // Act
    const reports = await reconcileAccounts(['a'], async () => ({ ...CLEAN, pending: ['1000000009'] }));
    // Assess
    expect(reports[0]?.pending).toEqual(['1000000009']);
  });
});

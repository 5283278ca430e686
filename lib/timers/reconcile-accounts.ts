import type { DriftReport } from './timer-service';

/** What one account's reconcile found, as `TimerService.reconcile` reports it (device ids per outcome). */
export interface ReconcileReport {
  pushed: string[];
  inSync: string[];
  /** Devices offline now: they get their array on a later run, which is no failure. */
  pending: string[];
  /** Devices that refused the array, or could not be reached for a reason other than being offline. */
  failed: string[];
  drift: DriftReport[];
}

/** Where a run reports, one line per account; Powertools' `Logger` is one. */
export interface ReconcileLog {
  info(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** Thrown at the end of a run in which some account failed; names the accounts, never their tokens, and carries the reports of the accounts that were reconciled. */
export class ReconcileFailed extends Error {
  override name = 'ReconcileFailed';
  constructor(
    readonly accountIds: string[],
    readonly reports: (ReconcileReport & { accountId: string })[] = [],
  ) {
    super(`timer reconcile failed for ${accountIds.length} account(s): ${accountIds.join(', ')}; the run's error log lines say why`);
  }
}

const SILENT: ReconcileLog = { info: () => undefined, error: () => undefined };

/**
 * Reconciles every account in turn, whatever happens to the others. An account fails when its
 * reconcile throws or when a device refused its array; each failure is logged at error level
 * as it happens, and once every account has had its turn the run throws `ReconcileFailed`, so
 * a scheduled run that left devices behind is seen as failed (retried, then parked and alarmed).
 *
 * @example
 * const reports = await reconcileAccounts(['default', 'cabin'], (id) => timers.reconcile(id), logger);
 */
export async function reconcileAccounts(
  accountIds: readonly string[],
  reconcile: (accountId: string) => Promise<ReconcileReport>,
  log: ReconcileLog = SILENT,
): Promise<(ReconcileReport & { accountId: string })[]> {
  const reports: (ReconcileReport & { accountId: string })[] = [];
  const failed: string[] = [];
  for (const accountId of accountIds) {
    let report: ReconcileReport;
    try {
      report = await reconcile(accountId);
    } catch (err) {
      failed.push(accountId);
      log.error('timer reconcile failed', { accountId, error: err });
      continue;
    }
    reports.push({ accountId, ...report });
    const summary = { accountId, pushed: report.pushed.length, inSync: report.inSync.length, pending: report.pending, failed: report.failed, drift: report.drift };
    if (report.failed.length > 0) {
      failed.push(accountId);
      log.error('timer push failed', summary);
    } else {
      log.info('timers reconciled', summary);
    }
  }
  if (failed.length > 0) throw new ReconcileFailed(failed, reports);
  return reports;
}

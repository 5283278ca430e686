// Stand-in for functions/reconcile-timers.ts in the stack tests.
export const handler = async () => 'reconciled';

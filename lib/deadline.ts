/**
 * The work's result, or the error `late()` makes once `ms` have passed without one. The work
 * is not stopped (a command already on its way may still land); its later failure is dropped.
 * Assistants wait a fixed time for an answer, and the command path's own limits add up past
 * it (a socket reply 5 s, then the HTTP fallback 6 s), so the adapters answer by this instead.
 *
 * @example
 * await withinDeadline(controller.control(accountId, id, { power: 'on' }), 6_000, () => new DeviceOffline('no answer in time'));
 */
export async function withinDeadline<T>(work: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), ms);
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, expiry]);
  } finally {
    clearTimeout(timer);
  }
}

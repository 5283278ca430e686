/**
 * A cloud error answer. Checks and handlers throw it; the HTTP edge turns it into
 * `{error, msg, ...extra}` with HTTP 200 (the v1 cloud's habit) unless `httpStatus` says otherwise.
 */
export class Refusal extends Error {
  override name = 'Refusal';
  constructor(
    readonly code: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly httpStatus = 200,
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { error: this.code, msg: this.message, ...this.extra };
  }
}

/** A test asked about a device, login or token the sim does not hold. */
export class NotInSim extends Error {
  override name = 'NotInSim';
}

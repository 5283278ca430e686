import type { DeviationRule, SpecDeviation } from './types';

/**
 * Where the sim notes a request the real cloud accepted although the spec forbids it. The
 * request is answered as the real cloud answered it; the note lets a test prove that a client
 * (the bridge) keeps to the spec rather than to the cloud's leniency.
 */
export class DeviationLog {
  readonly entries: SpecDeviation[] = [];

  record(rule: DeviationRule, method: string, path: string, detail: string): void {
    this.entries.push({ rule, method, path, detail, at: Date.now() });
  }

  /** Empties the log in place, so a test holding `sim.deviations` sees it empty. */
  reset(): void {
    this.entries.length = 0;
  }
}

/** What one request's checks call when they let a deviation through. */
export type NoteDeviation = (rule: DeviationRule, detail: string) => void;

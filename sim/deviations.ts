import type { DeviationRule, SpecDeviation } from './types';

/*
 * Besides the spec rules the real cloud did not enforce (noted per request by DeviationLog),
 * the sim departs from the real cloud by choice where the cloud's habits are not known:
 *
 * - Politeness limits (politeness.ts; protocol notes, "Rate limits seen on the real cloud"):
 *   the real cloud counts per IP. The sim counts per account (the account of the Bearer token,
 *   or of the at in a userOnline handshake), and per client IP only for a call without a live
 *   token (a signed call before login): a bridge serves many accounts from shifting addresses,
 *   and every test calls from 127.0.0.1. An endpoint is `METHOD /path` without the region
 *   prefix, as the path was sent (each device's `GET /api/user/device/{id}` is its own), or
 *   `socket userOnline`; the login page is not limited.
 * - What the real cloud answers a call over the limits is in neither the spec nor the notes.
 *   The sim answers HTTP 429 with `{"error": 429, "msg": "request too frequent"}` and a
 *   `Retry-After` header (whole seconds, at least 1) on every host, v2 included; a handshake
 *   over the limits gets `{"error": 429, "reason": "request too frequent", "sequence": …}` and
 *   the socket is closed with 1013 (try again later). It refuses only while
 *   `faults.enforceLimits` is on; crossings are always counted in `stats.limitCrossings` and
 *   never noted in this log, which a bridge test fails on.
 * - A share (`share` on the socket) whose `uid` is the sharer's own login: the spec names no
 *   answer. The sim refuses it as malformed, `{"error": 400, "reason": "a device cannot be
 *   shared with its owner"}` (socket/share-actions.ts).
 * - A Wi-Fi device added (`/api/user/device/add`) with an `apikey` that is not the one it paired
 *   with: the spec's list of failures names none. The sim answers in the legacy shape with the
 *   code of the nearest listed refusal (403, the device not the app id's to add) and its own
 *   text, `{"code": 403, "error": "Device apikey does not match!"}` (devices/unbound-pool.ts).
 */

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

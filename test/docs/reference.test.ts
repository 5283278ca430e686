import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../cli/cli';
import { badPath, DOMAIN_STATUS, ERROR_CODES, idempotencyKeyInFlight, idempotencyKeyReused, malformedJson, methodNotAllowed, payloadTooLarge } from '../../lib/adapters/http/errors';
import { routes } from '../../lib/adapters/http/routes';
import { codeSpans, tableRows } from '../support/markdown';

/*
 * The README's route and error tables, the full error table in docs/http-api.md and the
 * command table in docs/cli.md are read against the code they describe: a route, an error code
 * or a command added, renamed or removed without its row fails here, as does a row naming one
 * that does not exist or an error under another status than the bridge answers with.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const page = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The status each error code is answered with: the domain table, then the HTTP layer's own. */
const STATUS_OF = new Map<string, number>([
  ...DOMAIN_STATUS.map(([type, status]) => [type.code, status] as const),
  ...[malformedJson(), badPath(), methodNotAllowed('GET'), payloadTooLarge(1), idempotencyKeyInFlight(), idempotencyKeyReused()].map((problem) => [problem.code, problem.status] as const),
  ['internal', 500],
]);

/** Each code a status row of an error table names (a row may cover several statuses: `405, 413`), with the statuses it was listed under. */
function documentedCodes(rows: string[][]): Map<string, number[]> {
  const codes = new Map<string, number[]>();
  for (const [statuses = '', codesCell = ''] of rows) {
    const listed = statuses.split(',').map((s) => Number(s.trim()));
    // What a parenthesis adds (`field`, `Retry-After`) is no code.
    for (const code of codeSpans(codesCell.replace(/\([^)]*\)/g, ''))) codes.set(code, [...(codes.get(code) ?? []), ...listed]);
  }
  return codes;
}

describe('the reference tables, against the code', () => {
  it("the README's route table lists every route the HTTP API serves, and no other", () => {
    const listed = tableRows(page('README.md'), '### Routes').flatMap(([, cell = '']) => codeSpans(cell).filter((span) => /^[A-Z]+ \//.test(span)));
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('every error code is in each error table, under the status the bridge answers it with', () => {
    expect(new Set(STATUS_OF.keys())).toEqual(new Set(ERROR_CODES));
    for (const [path, heading] of [
      ['README.md', '### Errors'],
      ['docs/http-api.md', '# HTTP API reference'],
    ] as const) {
      const documented = documentedCodes(tableRows(page(path), heading).filter(([status = '']) => /^\d{3}(, \d{3})*$/.test(status)));
      expect([...documented.keys()].sort(), path).toEqual([...ERROR_CODES].sort());
      for (const [code, statuses] of documented) expect(statuses, `${path}: ${code}`).toContain(STATUS_OF.get(code));
    }
  });

  it("docs/cli.md's command table has a row for every command, and none for a command that does not exist", () => {
    const rows = tableRows(page('docs/cli.md'), '## Commands').map(([cell = '']) => cell);
    // A row names one or two commands, each as the start of a code span: `oauth-links`, `oauth-revoke --link ID`.
    const named = rows.flatMap((cell) => codeSpans(cell).map((span) => span.split(' --')[0]?.split(' [')[0]?.split(' (')[0]?.trim() as string));
    expect(new Set(named)).toEqual(new Set(COMMAND_NAMES));
  });
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The README and docs/ link to each other by file and heading: every relative link must reach
 * a file that exists and, when it names a heading, a heading that file has (as GitHub makes
 * its anchors), so moving or renaming a section cannot leave a reader at a dead link.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** GitHub's anchor for a heading: lower case, punctuation but `-` and `_` dropped, spaces as `-`. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a page's headings (those inside code fences are not headings). */
function anchorsIn(text: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    else if (!fenced && /^#{1,6} /.test(line)) anchors.add(anchorOf(line.replace(/^#+ /, '')));
  }
  return anchors;
}

/** The relative links of a page, outside code: `[text](target)` whose target is not a URL. */
function linksIn(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string).filter((t) => !/^[a-z]+:/i.test(t));
}

describe('the links between the README and docs/', () => {
  it.each(PAGES)('%s: every relative link reaches a file, and a heading it has', (page) => {
    const text = readFileSync(join(ROOT, page), 'utf8');
    const dead: string[] = [];
    for (const link of linksIn(text)) {
      const [path, anchor] = link.split('#') as [string, string | undefined];
      const target = path === '' ? join(ROOT, page) : join(ROOT, dirname(page), path);
      if (!existsSync(target)) dead.push(`${link}: no file ${relative(ROOT, target)}`);
      else if (anchor !== undefined && !anchorsIn(readFileSync(target, 'utf8')).has(anchor)) dead.push(`${link}: ${relative(ROOT, target)} has no heading "#${anchor}"`);
    }
    expect(dead).toEqual([]);
  });

  it('finds a dead file and a dead heading when there is one', () => {
    expect(linksIn('see [a](docs/nope.md#x) and [b](https://example.com)')).toEqual(['docs/nope.md#x']);
    expect(anchorsIn('# Every cloud operation\n```sh\n# not a heading\n```\n## Account set-up: `npx ewelink-bridge`')).toEqual(new Set(['every-cloud-operation', 'account-set-up-npx-ewelink-bridge']));
  });
});

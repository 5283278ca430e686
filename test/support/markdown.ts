/**
 * The fenced `sh` blocks of the Markdown section whose heading is `heading` (its whole line,
 * e.g. `## Quick start`), in order: what a reader of that section would paste. The section ends
 * at the next heading of its level or above; `#` lines inside fences are comments, not
 * headings. Throws when there is no such section.
 *
 * @example
 * const [install, start] = shellBlocks(readme, '## Quick start');
 */
export function shellBlocks(markdown: string, heading: string): string[] {
  const level = (/^#+/.exec(heading)?.[0] ?? '').length;
  const blocks: string[] = [];
  let found = false;
  let inSection = false;
  /** The open fence's language and lines, while inside one. */
  let fence: { lang: string; lines: string[] } | undefined;
  for (const line of markdown.split('\n')) {
    if (fence) {
      if (!line.startsWith('```')) fence.lines.push(line);
      else {
        if (inSection && fence.lang === 'sh') blocks.push(fence.lines.join('\n').trim());
        fence = undefined;
      }
    } else if (line.startsWith('```')) {
      fence = { lang: line.slice(3).trim(), lines: [] };
    } else if (/^#+ /.test(line)) {
      const depth = (/^#+/.exec(line)?.[0] ?? '').length;
      if (line === heading) found = inSection = true;
      else if (depth <= level) inSection = false;
    }
  }
  if (!found) throw new Error(`no "${heading}" section`);
  return blocks;
}

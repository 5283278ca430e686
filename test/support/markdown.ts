/**
 * The lines of the Markdown section whose heading is `heading` (its whole line, e.g.
 * `## Quick start`), each with whether it sits inside a fenced block, and the open fence's
 * language. The section ends at the next heading of its level or above; `#` lines inside fences
 * are comments, not headings. Throws when there is no such section.
 */
function sectionLines(markdown: string, heading: string): { line: string; fence?: string }[] {
  const level = (/^#+/.exec(heading)?.[0] ?? '').length;
  const out: { line: string; fence?: string }[] = [];
  let found = false;
  let inSection = false;
  /** The open fence's language, while inside one. */
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    if (fence !== undefined) {
      if (line.startsWith('```')) fence = undefined;
      else if (inSection) out.push({ line, fence });
      continue;
    }
    if (line.startsWith('```')) {
      fence = line.slice(3).trim();
      if (inSection) out.push({ line: '' });
      continue;
    }
    if (/^#+ /.test(line)) {
      const depth = (/^#+/.exec(line)?.[0] ?? '').length;
      if (line === heading) found = inSection = true;
      else if (depth <= level) inSection = false;
    }
    if (inSection) out.push({ line });
  }
  if (!found) throw new Error(`no "${heading}" section`);
  return out;
}

/**
 * The fenced `sh` blocks of the section headed `heading`, in order: what a reader of that
 * section would paste.
 *
 * @example
 * const [install, start] = shellBlocks(readme, '## Quick start');
 */
export function shellBlocks(markdown: string, heading: string): string[] {
  const blocks: string[] = [];
  let current: string[] | undefined;
  for (const { line, fence } of sectionLines(markdown, heading)) {
    if (fence === 'sh') (current ??= []).push(line);
    else if (current) {
      blocks.push(current.join('\n').trim());
      current = undefined;
    }
  }
  if (current) blocks.push(current.join('\n').trim());
  return blocks;
}

/**
 * The body rows of the tables in the section headed `heading`, each as its cells' text (the
 * header row and the `|---|` line left out). A `\|` inside a cell stays in the cell.
 *
 * @example
 * for (const [status, codes] of tableRows(readme, '### Errors')) …
 */
export function tableRows(markdown: string, heading: string): string[][] {
  const rows: string[][] = [];
  let header = true;
  for (const { line, fence } of sectionLines(markdown, heading)) {
    if (fence !== undefined || !line.startsWith('|')) {
      header = true;
      continue;
    }
    if (/^\|[-:| ]+\|$/.test(line)) continue;
    const cells = line.slice(1, line.endsWith('|') ? -1 : undefined).split(/(?<!\\)\|/).map((cell) => cell.trim());
    if (header) header = false;
    else rows.push(cells);
  }
  return rows;
}

/** The `code spans` of a Markdown text, without their backticks. */
export function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);
}

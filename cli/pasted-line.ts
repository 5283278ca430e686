import { createInterface } from 'node:readline';

/**
 * The first line typed or piped on stdin, trimmed; undefined when stdin ends first. Reads no
 * further, so a test (or a person) may write the line only once the prompt is out.
 *
 * @example
 * const landed = await pastedLine('paste the address your browser landed on: ');
 */
export function pastedLine(prompt: string): Promise<string | undefined> {
  process.stderr.write(prompt);
  const lines = createInterface({ input: process.stdin, terminal: false });
  return new Promise((resolve) => {
    let answered = false;
    lines.once('line', (line) => {
      answered = true;
      lines.close();
      resolve(line.trim());
    });
    lines.once('close', () => {
      if (!answered) resolve(undefined);
    });
  });
}

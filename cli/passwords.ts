/**
 * Reading passwords for the CLI without them landing in shell history or on screen: from an
 * environment variable when set, else typed at a terminal with echo off, else one a line from
 * piped stdin.
 */

export interface PasswordAsk {
  /** The environment variable that may hold it. */
  env: string;
  /** What to ask at a terminal: "eWeLink password". */
  prompt: string;
  /** A new password: typed twice at a terminal. */
  confirm?: boolean;
}

/** Reads each password in turn; piped stdin gives them one a line, in the same order. */
export async function readPasswords(asks: PasswordAsk[], env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const out: string[] = [];
  let piped: string[] | undefined;
  for (const ask of asks) {
    const fromEnv = env[ask.env];
    if (fromEnv) {
      out.push(fromEnv);
      continue;
    }
    if (process.stdin.isTTY) {
      const first = await typedSecret(`${ask.prompt}: `);
      if (ask.confirm && (await typedSecret(`${ask.prompt} again: `)) !== first) throw new Error('the two passwords differ');
      out.push(first);
      continue;
    }
    piped ??= (await allOfStdin()).split(/\r?\n/);
    const line = piped.shift();
    if (!line) throw new Error(`no ${ask.prompt}: set ${ask.env}, type it at a terminal, or pipe it in (one a line)`);
    out.push(line);
  }
  return out;
}

async function allOfStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A line typed at the terminal, not echoed. Ctrl-C gives up. */
function typedSecret(prompt: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    input.on('data', onData);
  });
}

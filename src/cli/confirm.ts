// Asking before a delete that cannot be undone: only on a terminal; scripts pass --yes.
import { createInterface } from 'node:readline';
import type { Context } from '../commands/context.js';

/** true when the user typed y/yes; null when there is no terminal to ask on. */
export async function askYesNo(ctx: Context, question: string): Promise<boolean | null> {
  const input = ctx.io.stdin;
  if (!input?.isTTY) return null;
  ctx.io.stderr.write(`${question} [y/N] `);
  const rl = createInterface({ input, terminal: false });
  try {
    const answer = await new Promise<string>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(''));
    });
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    rl.close();
  }
}

// What the terminal we print to allows: its width, and colour (on a TTY, unless NO_COLOR is set).
import type { Context } from '../commands/context.js';

/** The terminal's width; COLUMNS (as shells export it) when stdout is not a terminal; else `fallback`. */
export function outputWidth(ctx: Context, fallback: number): number {
  const env = Number(ctx.processEnv.COLUMNS);
  return ctx.io.stdout.columns ?? (Number.isInteger(env) && env > 0 ? env : fallback);
}

/** The width charts are drawn to: the terminal's, kept between 40 and 200 columns. */
export function terminalWidth(ctx: Context): number {
  return Math.min(Math.max(outputWidth(ctx, 80), 40), 200);
}

function useColour(ctx: Context): boolean {
  return Boolean(ctx.io.stdout.isTTY) && ctx.env.NO_COLOR === undefined;
}

const ANSI = ['\x1b[36m', '\x1b[33m', '\x1b[35m', '\x1b[32m', '\x1b[34m', '\x1b[31m'];

/** Paints a chart's i-th series in its colour when colour is on; else leaves the text as it is. */
export function painter(ctx: Context): (text: string, i: number) => string {
  return useColour(ctx)
    ? (text: string, i: number) => `${ANSI[i % ANSI.length]}${text}\x1b[0m`
    : (text: string) => text;
}

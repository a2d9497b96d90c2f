// Flags shared by several commands, declared once.
import { InvalidArgumentError, Option, type Command } from 'commander';

export type OutputFormat = 'table' | 'json' | 'csv';

/** Every command that prints rows gets the same --json / --csv (STYLE.md §4). */
export function withOutputOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--json', 'print an array of JSON objects').conflicts('csv'))
    .addOption(new Option('--csv', 'print CSV with a header row'));
}

export function outputFormat(opts: { json?: boolean; csv?: boolean }): OutputFormat {
  return opts.json ? 'json' : opts.csv ? 'csv' : 'table';
}

/** A positive integer option value, or commander's usage error (exit 2). */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a whole number of at least 1, got "${value}"`);
  }
  return n;
}

/** A TCP port, 0 (any free one) to 65535, or commander's usage error (exit 2). */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) {
    throw new InvalidArgumentError(`expected a port from 0 to 65535 (0: any free port), got "${value}"`);
  }
  return n;
}

/** A positive number option value (seconds may have a fraction), or a usage error. */
export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a number of seconds above 0, got "${value}"`);
  }
  return n;
}

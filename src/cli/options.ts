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


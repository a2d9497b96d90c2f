// main(argv, io, env): builds the context and the program, runs it, and maps every error to an
// exit code. The only exit-code policy in the program (STYLE.md §3).
import { CommanderError } from 'commander';
import { createProgram } from './cli/program.js';
import type { Context, Io } from './commands/context.js';
import { readEnv } from './core/env.js';
import { ExitError, RunsError, UsageError } from './core/errors.js';
import { resolveLocations } from './storage/layout.js';
import type { RunsIndex } from './db/index.js';

export interface MainOptions {
  io?: Io;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  now?: () => Date;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
}

export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const io = options.io ?? processIo();
  const ctx = createContext({
    io,
    processEnv: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
    now: options.now ?? (() => new Date()),
  });
  const program = createProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2; // help/version, or usage already shown
    if (err instanceof ExitError) return err.code; // already reported (e.g. the trainer's own exit)
    if (err instanceof UsageError) return fail(io, err.message, 2);
    if (err instanceof RunsError) return fail(io, err.message, 1);
    const sqliteMessage = describeSqliteError(err);
    if (sqliteMessage) return fail(io, sqliteMessage, 1);
    return fail(io, `internal error, please report it:\n${(err as Error)?.stack ?? String(err)}`, 1);
  } finally {
    ctx.close();
  }
}

function fail(io: Io, message: string, code: number): number {
  io.stderr.write(`Error: ${message}\n`);
  return code;
}

/** SQLite errors that reach here are environmental (disk full, read-only FS), not bugs. */
function describeSqliteError(err: unknown): string | null {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  return `the index database failed: ${(err as Error).message} (${code}); run \`runs index --rebuild\` if it persists`;
}

interface ContextInit {
  io: Io;
  processEnv: NodeJS.ProcessEnv;
  cwd: string;
  now: () => Date;
}

/** Global options are read lazily: commander fills them in before any action runs. */
export function createContext(init: ContextInit): Context & { setGlobalOptions(o: { root?: string; db?: string }): void } {
  const env = readEnv(init.processEnv);
  let globals: { root?: string; db?: string } = {};
  let opened: RunsIndex | undefined;
  const warned = new Set<string>();
  return {
    io: init.io,
    env,
    processEnv: init.processEnv,
    cwd: init.cwd,
    now: init.now,
    setGlobalOptions(o) {
      globals = o;
    },
    locations() {
      return resolveLocations(globals, env, init.cwd);
    },
    async index() {
      if (!opened) {
        const { openIndex } = await import('./db/index.js');
        const { dbPath } = this.locations();
        opened = openIndex({ dbPath, warn: (m) => this.warn(m) });
      }
      return opened;
    },
    notice(line: string) {
      init.io.stderr.write(`${line}\n`);
    },
    warn(message: string) {
      if (warned.has(message)) return;
      warned.add(message);
      this.notice(`warning: ${message}`);
    },
    close() {
      opened?.close();
      opened = undefined;
    },
  };
}

// main(argv, io, env): builds the context and the program, runs it, and maps every error to an
// exit code. The only exit-code policy in the program (STYLE.md §3).
import { CommanderError } from 'commander';
import { createProgram } from './cli/program.js';
import type { Context, Io } from './commands/context.js';
import { readEnv } from './core/env.js';
import { codedError, ExitError, RunsError, UsageError } from './core/errors.js';
import { escapeControlChars } from './core/terminal-text.js';
import fs from 'node:fs';
import { checkRootExists, resolveLocations, type Locations } from './storage/layout.js';
import type { OpenedIndex } from './indexer/index-access.js';
import os from 'node:os';
import type { TeamDatabase } from './db/index.js';
import { databaseErrorMessage } from './db/errors.js';

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
    const environmental = describeEnvironmentError(err);
    if (environmental) return fail(io, environmental, 1);
    return fail(io, `internal error, please report it:\n${(err as Error)?.stack ?? String(err)}`, 1);
  } finally {
    await ctx.close();
  }
}

function fail(io: Io, message: string, code: number): number {
  io.stderr.write(`Error: ${escapeControlChars(message, true)}\n`);
  return code;
}

/**
 * Database and file-system errors that reach here are environmental (disk full, read-only disk,
 * permissions), not bugs: one line that says what to do. What a database error means is the db
 * layer's knowledge (db/errors.ts; its reader already throws RunsErrors): this is the last resort
 * for one raised elsewhere (the indexer's writes).
 */
function describeEnvironmentError(outer: unknown): string | null {
  const database = databaseErrorMessage(outer);
  if (database !== null) return database;
  const found = codedError(outer);
  if (!found) return null;
  const { code, message } = found;
  const fsFix: Record<string, string> = {
    ENOSPC: 'the disk is full: free some space and try again',
    EDQUOT: 'the disk quota is used up: free some space and try again',
    EROFS: 'that file system is read-only: use a writable --root / --db',
    EACCES: 'check the permissions there',
    EPERM: 'check the permissions there',
    ENOTDIR: 'a file is where a folder should be: check --root / --db',
    EISDIR: 'a folder is where a file should be: check --root / --db',
  };
  return fsFix[code] ? `${message.split('\n')[0]}: ${fsFix[code]}` : null;
}

interface ContextInit {
  io: Io;
  processEnv: NodeJS.ProcessEnv;
  cwd: string;
  now: () => Date;
}

/** What the command being run may create (set by the program from the command's name). */
export interface CommandAccess {
  createRoot: boolean;
  createIndex: boolean;
}

export interface GlobalOptions {
  root?: string;
  db?: string;
  team?: boolean;
  teamDb?: string;
}

/** Global options are read lazily: commander fills them in before any action runs. */
export function createContext(
  init: ContextInit,
): Context & { setGlobalOptions(o: GlobalOptions, access?: CommandAccess): void } {
  const env = readEnv(init.processEnv);
  let globals: GlobalOptions = {};
  let access: CommandAccess = { createRoot: false, createIndex: false };
  let checked: Locations | undefined;
  let opened: OpenedIndex | undefined;
  const warned = new Set<string>();
  let team: Promise<TeamDatabase> | undefined;
  return {
    io: init.io,
    env,
    processEnv: init.processEnv,
    cwd: init.cwd,
    now: init.now,
    setGlobalOptions(o, a) {
      globals = o;
      if (a) access = a;
      checked = undefined;
    },
    locations() {
      if (checked) return checked;
      const loc = resolveLocations(globals, env, init.cwd);
      // Only `runs train` makes a root; every other command needs one that exists.
      const problem = checkRootExists(loc);
      if (problem !== null && !(access.createRoot && !fs.existsSync(loc.root))) throw new RunsError(problem);
      checked = loc;
      return loc;
    },
    async index() {
      if (!opened) {
        const { openIndexFor } = await import('./indexer/index-access.js');
        opened = await openIndexFor({
          dbPath: this.locations().dbPath,
          createIndex: access.createIndex,
          warn: (m) => this.warn(m),
          notice: (m) => this.notice(m),
        });
      }
      return opened.index;
    },
    team() {
      return globals.team === true;
    },
    teamDatabase() {
      team ??= (async () => {
        const url = globals.teamDb ?? env.RUNS_TEAM_DB;
        if (!url)
          throw new UsageError(
            'no team database: set RUNS_TEAM_DB=postgres://user:password@host/db or pass --team-db URL',
          );
        const { openTeam } = await import('./db/index.js');
        return openTeam(url);
      })();
      return team;
    },
    async reader() {
      if (this.team()) return (await this.teamDatabase()).reader();
      return (await this.index()).reader();
    },
    hostName() {
      return env.RUNS_HOST ?? os.hostname();
    },
    notice(line: string) {
      // Notices name ids, tags and paths from the folders: never let them drive the terminal.
      init.io.stderr.write(`${escapeControlChars(line, true)}\n`);
    },
    warn(message: string) {
      if (warned.has(message)) return;
      warned.add(message);
      this.notice(`warning: ${message}`);
    },
    async close() {
      opened?.close();
      opened = undefined;
      const t = team;
      team = undefined;
      if (t) await (await t.catch(() => null))?.close();
    },
  };
}

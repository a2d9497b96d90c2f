// What every command gets: streams, environment, clock, locations, and the index (opened lazily,
// so commands that do not need SQLite never load it).
import type { RunsEnv } from '../core/env.js';
import type { RunsIndex, RunsReader, TeamDatabase } from '../db/index.js';
import type { Locations } from '../storage/layout.js';

export interface OutputStream {
  /** false: the stream's buffer is full; wait for 'drain' (process.stdout on a pipe). */
  write(chunk: string | Uint8Array): unknown;
  /** 'close': the reader went away (a pipe closed by `| head`); no 'drain' will come. */
  once?(event: 'drain' | 'close', listener: () => void): unknown;
  removeListener?(event: 'drain' | 'close', listener: () => void): unknown;
  /** true once the stream is closed (after a reader went away). */
  destroyed?: boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface InputStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
}

export interface Io {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Read only to ask the user to confirm a delete, and only when it is a terminal. */
  stdin?: InputStream;
}

export interface Context {
  io: Io;
  env: RunsEnv;
  /** The full environment, passed on to the trainer. */
  processEnv: NodeJS.ProcessEnv;
  cwd: string;
  now(): Date;
  /**
   * Runs root and database path, after --root/--db/RUNS_ROOT/RUNS_DB (or the nearest
   * models/runs/mlx). Throws a RunsError when the root does not exist, unless the command may
   * create it (`runs train`).
   */
  locations(): Locations;
  /**
   * The local SQLite index with its bookkeeping, opened (and migrated) on first use; loaded lazily
   * so commands without SQL start fast. For the indexer (src/indexer/) only, which commands call
   * with this context: a command itself never calls it, it reads through reader().
   */
  index(): Promise<RunsIndex>;
  /** True with --team: read commands read the team database instead of the local index. */
  team(): boolean;
  /** The team database (--team-db / RUNS_TEAM_DB), connected and migrated on first use. */
  teamDatabase(): Promise<TeamDatabase>;
  /** What read commands read: the team database with --team, else the local index. */
  reader(): Promise<RunsReader>;
  /** The name this machine's runs are published under (RUNS_HOST, else the OS host name). */
  hostName(): string;
  /** Prints a notice or warning on stderr (never stdout: stdout is data). */
  notice(line: string): void;
  /**
   * Prints `warning: <message>` on stderr, once per message for this context (one command run):
   * a command that reads a run twice (freshness, then after writing run.json) says it once.
   */
  warn(message: string): void;
  close(): void | Promise<void>;
}

// Which index a command works on. Read commands never create an index and never write where they
// cannot: with no index yet, or one on a read-only disk, they answer from a temporary index (an
// empty one, or a copy) under the system temp folder, and say so once. Commands that exist to
// write (`runs index`, `train`, `tag`, `note`) open the real one, creating it if needed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunsError } from '../core/errors.js';
import type { RunsIndex } from '../db/index.js';

export interface IndexAccess {
  dbPath: string;
  /** This command may create the index (and write it even when that means failing loudly). */
  createIndex: boolean;
  warn: (message: string) => void;
  notice: (message: string) => void;
}

export interface OpenedIndex {
  index: RunsIndex;
  /** The real index was not used: a temporary one, removed on close. */
  temporary: boolean;
  close(): void;
}

export async function openIndexFor(access: IndexAccess): Promise<OpenedIndex> {
  const { openIndex } = await import('../db/index.js');
  const { dbPath } = access;
  const exists = fs.existsSync(dbPath);
  const problem = exists ? unwritable(dbPath) : null;
  if (access.createIndex || (exists && problem === null)) {
    if (problem !== null) {
      throw new RunsError(
        `the index ${dbPath} cannot be written (${problem}); make it writable, or pass --db PATH (or set RUNS_DB) to a file on a writable disk`,
      );
    }
    const index = await openIndex({ dbPath, warn: access.warn, notice: access.notice });
    return { index, temporary: false, close: () => index.close() };
  }
  // A read command: never create the index, never write a read-only one.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-index-'));
  const tmpDb = path.join(dir, path.basename(dbPath) || 'runs.db');
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    if (exists) {
      // The database and its write-ahead log together are the index (the -shm is rebuilt).
      fs.copyFileSync(dbPath, tmpDb);
      if (fs.existsSync(`${dbPath}-wal`)) fs.copyFileSync(`${dbPath}-wal`, `${tmpDb}-wal`);
      access.notice(`note: the index ${dbPath} cannot be written (${problem}); answering from a temporary copy of it`);
    } else {
      access.notice(
        `note: no index at ${dbPath} yet; answering from a temporary one (run \`runs index\` to create it)`,
      );
    }
    const index = await openIndex({ dbPath: tmpDb, warn: access.warn });
    return {
      index,
      temporary: true,
      close() {
        index.close();
        cleanup();
      },
    };
  } catch (err) {
    cleanup();
    throw err;
  }
}

/** Why the index (or its folder, where SQLite keeps its journal files) cannot be written; null if it can. */
function unwritable(dbPath: string): string | null {
  for (const target of [dbPath, path.dirname(dbPath)]) {
    try {
      fs.accessSync(target, fs.constants.W_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EROFS') return 'read-only file system';
      if (code === 'EACCES' || code === 'EPERM') return `no write permission on ${target}`;
      return code ?? (err as Error).message;
    }
  }
  return null;
}

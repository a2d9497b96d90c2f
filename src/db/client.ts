// Opening the SQLite index: pragmas, migrations, and recovery from a file that is not a database.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Sqlite = Database.Database;
export type Drizzle = BetterSQLite3Database<typeof schema>;

/**
 * The committed drizzle-kit output. Found from this module's URL (src/db/ when run from source,
 * dist/ when bundled), never from the cwd: users run `runs` from anywhere.
 */
export function migrationsFolder(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = path.join(dir, 'migrations');
    if (fs.existsSync(path.join(candidate, 'meta', '_journal.json'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the migrations folder next to the runs program; reinstall runs');
}

function applyPragmas(sqlite: Sqlite): void {
  // WAL: readers never block the writer and vice versa (runs train writes while runs list reads).
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: durable at checkpoints, no fsync per commit; the index is rebuildable.
  sqlite.pragma('synchronous = NORMAL');
  // Several recorders and `runs index` may write at once: wait for the lock instead of failing.
  sqlite.pragma('busy_timeout = 15000');
}

/**
 * A bigger page cache for the connection that does bulk writes (the writer thread): fewer pages
 * spill mid-transaction (~0.4 s of 7 s at 10k runs). Other connections keep SQLite's 2 MB.
 */
export function useBulkCache(sqlite: Sqlite): void {
  sqlite.pragma('cache_size = -32768');
}

function journalEntryCount(folder: string): number {
  const journal = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

function appliedMigrationCount(sqlite: Sqlite): number {
  const exists = sqlite
    .prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get();
  if (!exists) return 0;
  return (sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
}

/**
 * Applies pending migrations. Cheap when up to date (reads the journal, counts rows), which is
 * every command after the first. Two processes creating a new database at once race inside
 * drizzle's migrator (it reads what is applied before it takes the lock); the loser's transaction
 * rolls back, so it re-checks and goes on when the winner already did the work.
 */
function migrateIfNeeded(sqlite: Sqlite, db: Drizzle): void {
  const folder = migrationsFolder();
  const wanted = journalEntryCount(folder);
  for (let attempt = 0; ; attempt++) {
    if (appliedMigrationCount(sqlite) >= wanted) return;
    try {
      migrate(db, { migrationsFolder: folder });
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

export interface OpenedDatabase {
  sqlite: Sqlite;
  db: Drizzle;
}

const NOT_A_DATABASE = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

/**
 * Opens (creating if needed) and migrates the index. A file that is not a SQLite database is moved
 * aside (`runs.db.corrupt-<time>`) and a new index is started: the folders are the truth, so
 * nothing is lost, and the old file is kept for whoever wants to look at it.
 */
export function openDatabase(dbPath: string, warn: (message: string) => void): OpenedDatabase {
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  try {
    return openAndMigrate(dbPath);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (!code || !NOT_A_DATABASE.has(code)) throw err;
    const aside = `${dbPath}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(dbPath, aside);
    for (const suffix of ['-wal', '-shm']) fs.rmSync(dbPath + suffix, { force: true });
    warn(`${dbPath} is not a usable SQLite database (${code}); moved it to ${aside} and started a new index (run \`runs index\` to fill it)`);
    return openAndMigrate(dbPath);
  }
}

function openAndMigrate(dbPath: string): OpenedDatabase {
  const sqlite = new Database(dbPath);
  try {
    applyPragmas(sqlite);
    const db = drizzle(sqlite, { schema });
    migrateIfNeeded(sqlite, db);
    return { sqlite, db };
  } catch (err) {
    sqlite.close();
    throw err;
  }
}

/**
 * A second connection that SQLite itself keeps read-only: `runs sql` and `--where` run here, so
 * no statement, however crafted, can change the index.
 */
export function openReadOnly(dbPath: string): Sqlite {
  const ro = new Database(dbPath, { readonly: true, fileMustExist: true });
  ro.pragma('busy_timeout = 15000');
  return ro;
}

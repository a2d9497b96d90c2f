// Opening the SQLite index: pragmas, migrations, and recovery from a file that is not a database.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { RunsError } from '../core/errors.js';

export type Sqlite = Database.Database;

/**
 * The committed drizzle-kit output. Found from this module's URL (src/db/ when run from source,
 * dist/ when bundled), never from the cwd: users run `runs` from anywhere.
 */
export function migrationsFolder(name: 'migrations' | 'migrations-pg' = 'migrations'): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(path.join(candidate, 'meta', '_journal.json'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`cannot find the ${name} folder next to the runs program; reinstall runs`);
}

export type JournalMode = 'wal' | 'delete';

function applyPragmas(sqlite: Sqlite, journal: JournalMode): void {
  // WAL: readers never block the writer and vice versa (runs train writes while runs list reads).
  // On a network or synced folder WAL is unsafe (db/network-fs.ts): a rollback journal there.
  sqlite.pragma(`journal_mode = ${journal === 'wal' ? 'WAL' : 'DELETE'}`);
  // NORMAL in WAL mode: durable at checkpoints, no fsync per commit; the index is rebuildable.
  sqlite.pragma(journal === 'wal' ? 'synchronous = NORMAL' : 'synchronous = FULL');
  // Several recorders and `runs index` may write at once: wait for the lock instead of failing.
  sqlite.pragma('busy_timeout = 15000');
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
 * every command after the first; drizzle's migrator is loaded only when there is one to apply
 * (loading drizzle would cost every command ~7 ms, columns.ts). Two processes creating a new
 * database at once race inside the migrator (it reads what is applied before it takes the lock);
 * the loser's transaction rolls back, so it re-checks and goes on when the winner already did
 * the work.
 */
async function migrateIfNeeded(sqlite: Sqlite): Promise<void> {
  const folder = migrationsFolder();
  const wanted = journalEntryCount(folder);
  for (let attempt = 0; ; attempt++) {
    if (appliedMigrationCount(sqlite) >= wanted) return;
    const [{ drizzle }, { migrate }] = await Promise.all([
      import('drizzle-orm/better-sqlite3'),
      import('drizzle-orm/better-sqlite3/migrator'),
    ]);
    try {
      migrate(drizzle(sqlite), { migrationsFolder: folder });
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

const NOT_A_DATABASE = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

export interface OpenDatabaseOptions {
  warn: (message: string) => void;
  journal: JournalMode;
}

/**
 * Opens (creating if needed) and migrates the index. Only a file that is recognisably a runs
 * index is ever touched: an empty or new file becomes one; a SQLite database whose tables are
 * ours but which is damaged is moved aside (`runs.db.corrupt-<time>`, kept for whoever wants to
 * look) and started again (the folders are the truth, so nothing is lost); anything else (a
 * `--db package-lock.json`, another program's database) is refused and left exactly as it is.
 */
export async function openDatabase(dbPath: string, opts: OpenDatabaseOptions): Promise<Sqlite> {
  try {
    fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new RunsError(
      `cannot create the folder for the index ${dbPath} (${code}); pass --db PATH (or set RUNS_DB) to a file in a folder you can write`,
    );
  }
  const kind = indexFileKind(dbPath);
  if (kind.kind === 'foreign') {
    throw new RunsError(
      `${dbPath} is not a runs index (${kind.reason}); it was left as it is: pass --db PATH (or set RUNS_DB) to a runs index or to a new file`,
    );
  }
  try {
    return await openAndMigrate(dbPath, opts.journal);
  } catch (err) {
    const code = (err as { code?: string }).code;
    // A full disk during the migration surfaces as drizzle's failed ROLLBACK (SQLite already
    // rolled back), which hides SQLITE_FULL: ask the disk itself.
    const free = freeBytes(path.dirname(dbPath));
    if (code === 'SQLITE_FULL' || (free !== null && free < LOW_SPACE_BYTES)) {
      throw new RunsError(
        `the disk that holds the index ${dbPath} is full (${Math.round((free ?? 0) / 1024)} KB free); free some space and try again`,
      );
    }
    if (!code || !NOT_A_DATABASE.has(code) || kind.kind !== 'runs-index') throw err;
    const aside = `${dbPath}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(dbPath, aside);
    for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(dbPath + suffix, { force: true });
    opts.warn(
      `${dbPath} is a damaged runs index (${code}); moved it to ${aside} and started a new index (run \`runs index\` to fill it)`,
    );
    return await openAndMigrate(dbPath, opts.journal);
  }
}

/** Below this, a failed open is put down to the full disk (an index's first write needs ~100 KB). */
const LOW_SPACE_BYTES = 1024 * 1024;

function freeBytes(dir: string): number | null {
  try {
    const st = fs.statfsSync(dir);
    return st.bavail * st.bsize;
  } catch {
    return null;
  }
}

/** Tables every runs index has had since its first migration. */
const OWN_TABLES = ['runs', 'index_state'];

/** What a runs index holds while its first migration is being applied by another process. */
const EARLY_TABLES = new Set([
  '__drizzle_migrations',
  'sqlite_sequence',
  'runs',
  'metrics',
  'checkpoints',
  'index_state',
  'index_meta',
]);

type IndexFileKind = { kind: 'new' } | { kind: 'runs-index' } | { kind: 'foreign'; reason: string };

/**
 * What is at `dbPath`, judged without writing anything: nothing (or an empty file), a SQLite
 * database with the runs tables, or something else. A damaged runs index still has its schema on
 * page 1, so it is recognised as ours.
 */
function indexFileKind(dbPath: string): IndexFileKind {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(dbPath, { throwIfNoEntry: false });
  } catch {
    return { kind: 'new' }; // unreadable: opening it reports why
  }
  if (!st || (st.isFile() && st.size === 0)) return { kind: 'new' };
  if (!st.isFile()) return { kind: 'foreign', reason: 'it is not a regular file' };
  const head = Buffer.alloc(16);
  const fd = fs.openSync(dbPath, 'r');
  try {
    fs.readSync(fd, head, 0, 16, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head.toString('latin1') !== 'SQLite format 3\0') return { kind: 'foreign', reason: 'not a SQLite database' };
  let tables: string[];
  try {
    const ro = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      tables = ro.prepare("select name from sqlite_master where type = 'table'").pluck().all() as string[];
    } finally {
      ro.close();
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    // Locked by a writer or not readable now: let the real open decide (it waits on locks).
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_CANTOPEN') return { kind: 'runs-index' };
    // Damaged: the schema text of our own tables, where SQLite keeps it (the first pages), still says whose it is.
    if (hasOwnSchemaText(dbPath)) return { kind: 'runs-index' };
    return { kind: 'foreign', reason: `a SQLite file whose tables cannot be read (${code ?? (err as Error).message})` };
  }
  if (tables.length === 0) return { kind: 'new' };
  if (OWN_TABLES.every((t) => tables.includes(t))) return { kind: 'runs-index' };
  // Another `runs` is creating this index right now: drizzle makes its bookkeeping table first
  // (so without it, a lone `runs` table is another program's, not an index being made).
  if (tables.includes('__drizzle_migrations') && tables.every((t) => EARLY_TABLES.has(t)))
    return { kind: 'runs-index' };
  return {
    kind: 'foreign',
    reason: `a SQLite database of another program (tables: ${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', …' : ''})`,
  };
}

function hasOwnSchemaText(dbPath: string): boolean {
  const head = Buffer.alloc(256 * 1024);
  const fd = fs.openSync(dbPath, 'r');
  let n: number;
  try {
    n = fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const text = head.subarray(0, n).toString('latin1');
  return OWN_TABLES.every((t) => text.includes(`CREATE TABLE \`${t}\``));
}

async function openAndMigrate(dbPath: string, journal: JournalMode): Promise<Sqlite> {
  const sqlite = new Database(dbPath);
  try {
    applyPragmas(sqlite, journal);
    await migrateIfNeeded(sqlite);
    return sqlite;
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

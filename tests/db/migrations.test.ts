// The committed migrations apply, and a database made by an older schema upgrades without loss.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { describe, expect, it } from 'vitest';
import { migrationsFolder } from '../../src/db/client.js';
import { openIndex } from '../../src/db/index.js';
import { runCli } from '../helpers/run-cli.js';
import { addRun, makeTree } from '../helpers/tree.js';

const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')) as {
  entries: { tag: string }[];
};

function columns(db: Database.Database, table: string): string[] {
  return (db.prepare(`pragma table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
}

/** A copy of migrations/ that stops after the first `n` migrations: "the previous schema version". */
function olderMigrations(n: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-old-migrations-'));
  fs.cpSync(migrationsFolder(), dir, { recursive: true });
  const j = JSON.parse(fs.readFileSync(path.join(dir, 'meta', '_journal.json'), 'utf8'));
  j.entries = j.entries.slice(0, n);
  fs.writeFileSync(path.join(dir, 'meta', '_journal.json'), JSON.stringify(j));
  return dir;
}

describe('migrations', () => {
  it('apply to an empty in-memory database and create the PRODUCT.md tables', () => {
    const sqlite = new Database(':memory:');
    migrate(drizzle(sqlite), { migrationsFolder: migrationsFolder() });
    for (const t of ['runs', 'metrics', 'params', 'checkpoints']) expect(columns(sqlite, t).length).toBeGreaterThan(0);
    expect(columns(sqlite, 'metrics')).toEqual(
      expect.arrayContaining([
        'run_id',
        'iter',
        'split',
        'loss',
        'learning_rate',
        'it_per_sec',
        'tokens_per_sec',
        'trained_tokens',
        'peak_mem_gb',
        'val_time_s',
      ]),
    );
    expect(columns(sqlite, 'params')).toEqual(['run_id', 'key', 'value']);
    sqlite.close();
  });

  it('leave the triggers that keep run_hashes honest (a migration that rebuilds runs must make them again)', () => {
    const sqlite = new Database(':memory:');
    try {
      migrate(drizzle(sqlite), { migrationsFolder: migrationsFolder() });
      const triggers = sqlite
        .prepare(`select name, tbl_name from sqlite_master where type = 'trigger' order by name`)
        .all();
      expect(triggers).toEqual([
        { name: 'run_hashes_row_deleted', tbl_name: 'runs' },
        { name: 'run_hashes_row_updated', tbl_name: 'runs' },
      ]);
    } finally {
      sqlite.close();
    }
  });

  it('there is more than one migration, so the upgrade test below means something', () => {
    expect(journal.entries.length).toBeGreaterThan(1);
  });

  it('a database made by the previous schema version opens, migrates and keeps its rows', async () => {
    const tree = makeTree();
    addRun(tree, '2026-01-01_00-00-00', { log: '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log' });
    // Build the old database the way an older `runs` did: older migrations, then an index pass.
    const old = new Database(tree.db);
    old.pragma('journal_mode = WAL');
    // 0001 is the last version with a `params` table (0002 turned it into a view).
    const upTo0001 = journal.entries.findIndex((e) => e.tag.startsWith('0001_')) + 1;
    expect(upTo0001).toBe(2);
    migrate(drizzle(old), { migrationsFolder: olderMigrations(upTo0001) });
    expect(columns(old, 'runs')).not.toContain('config_json');
    old
      .prepare(
        `insert into runs (id, path, status, source, indexed_at, best_val_loss, note) values
      ('2026-01-01_00-00-00', '/x', 'completed', 'log', '2026-01-01T00:00:00Z', 1.071, 'kept')`,
      )
      .run();
    old
      .prepare(
        `insert into metrics (run_id, seq, segment, iter, split, loss) values ('2026-01-01_00-00-00', 0, 0, 1, 'val', 2.612)`,
      )
      .run();
    const oldParams = old.prepare(`insert into params (run_id, key, value) values ('2026-01-01_00-00-00', ?, ?)`);
    oldParams.run('lora_parameters.rank', 16);
    oldParams.run('model', 'mlx-community/Qwen3-4B-Instruct-2507-4bit');
    oldParams.run('lora_parameters.keys', '["self_attn.q_proj"]');
    old.close();

    const index = await openIndex({ dbPath: tree.db, warn: () => {} });
    index.close();
    const db = new Database(tree.db, { readonly: true });
    expect(columns(db, 'runs')).toEqual(expect.arrayContaining(['trainer', 'cwd', 'config_json']));
    expect(db.prepare('select note, best_val_loss from runs').get()).toEqual({ note: 'kept', best_val_loss: 1.071 });
    expect(db.prepare('select count(*) as n from metrics').get()).toEqual({ n: 1 });
    // params moved from a table to a view over runs.config_json: the values came along, typed.
    expect(db.prepare('select key, value from params order by key').all()).toEqual([
      { key: 'lora_parameters.keys', value: '["self_attn.q_proj"]' },
      { key: 'lora_parameters.rank', value: 16 },
      { key: 'model', value: 'mlx-community/Qwen3-4B-Instruct-2507-4bit' },
    ]);
    expect(db.prepare('select count(*) as n from __drizzle_migrations').get()).toEqual({ n: journal.entries.length });
    db.close();

    // And the upgraded index keeps working.
    const r = await runCli([...tree.flags, 'index', '--rebuild']);
    expect(r.exitCode).toBe(0);
    const q = await runCli([...tree.flags, 'sql', 'select count(*) as n from metrics', '--csv']);
    expect(q.stdout).toBe('n\n112\n');
  });

  it('an index of schema 0004 gets WITHOUT ROWID metric tables (no separate key index) with every row kept', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-rowid-'));
    try {
      const file = path.join(dir, 'runs.db');
      const old = new Database(file);
      const upTo0004 = journal.entries.findIndex((e) => e.tag.startsWith('0004_')) + 1;
      expect(upTo0004).toBe(5);
      migrate(drizzle(old), { migrationsFolder: olderMigrations(upTo0004) });
      const insertMetric = old.prepare(
        `insert into metrics (run_id, seq, segment, iter, split, loss, it_per_sec, test_ppl) values (?, ?, 0, ?, ?, ?, ?, ?)`,
      );
      const insertValue = old.prepare(
        `insert into metric_values (run_id, seq, segment, iter, split, name, value) values (?, ?, 0, ?, 'train', ?, ?)`,
      );
      old.transaction(() => {
        for (let r = 0; r < 3; r++)
          for (let seq = 0; seq < 500; seq++) {
            insertMetric.run(
              `run-${r}`,
              seq,
              seq + 1,
              seq % 10 ? 'train' : 'val',
              2 - seq / 1000,
              0.5,
              seq === 499 ? 3.1 : null,
            );
            insertValue.run(`run-${r}`, seq, seq + 1, 'reward', seq / 7);
            insertValue.run(`run-${r}`, seq, seq + 1, 'margin', null);
          }
      })();
      const dump = (db: Database.Database) => ({
        metrics: db.prepare('select * from metrics order by run_id, seq').all(),
        values: db.prepare('select * from metric_values order by run_id, seq, name').all(),
      });
      const before = dump(old);
      expect(before.metrics).toHaveLength(1500);
      // The rowid tables had an extra b-tree each for their key.
      const keyIndexes = (db: Database.Database) =>
        db
          .prepare(`select name from sqlite_master where type = 'index' and tbl_name in ('metrics', 'metric_values')`)
          .all();
      expect(keyIndexes(old)).toHaveLength(2);
      old.close();

      (await openIndex({ dbPath: file, warn: () => {} })).close();
      const db = new Database(file, { readonly: true });
      expect(dump(db)).toEqual(before);
      expect(keyIndexes(db)).toEqual([]);
      for (const t of ['metrics', 'metric_values']) {
        const sql = (db.prepare(`select sql from sqlite_master where name = ?`).get(t) as { sql: string }).sql;
        expect(sql).toMatch(/WITHOUT ROWID$/);
      }
      // Reads by run in seq order still use the key (no sort, no scan).
      const plan = db
        .prepare(`explain query plan select seq, loss from metrics where run_id = 'run-1' order by seq`)
        .all() as { detail: string }[];
      expect(plan.map((p) => p.detail)).toEqual(['SEARCH metrics USING PRIMARY KEY (run_id=?)']);
      db.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('two processes creating the database at once both succeed', async () => {
    const tree = makeTree();
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('../helpers/paths.js');
    const runs = Array.from(
      { length: 4 },
      () =>
        new Promise<number>((resolve) => {
          const child = spawn(process.execPath, [BIN, ...tree.flags, 'list', '--json'], { stdio: 'ignore' });
          child.on('exit', (code) => resolve(code ?? -1));
        }),
    );
    expect(await Promise.all(runs)).toEqual([0, 0, 0, 0]);
  });
});

// columns.ts (the column lists the local index reads and writes with, without drizzle) says what
// the drizzle schema and the migrated database say: the same names, in the schema's order, and
// the same boolean columns. The compiler checks the names against the row types; this checks the
// order, which no type can.
import Database from 'better-sqlite3';
import { getTableColumns } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { migrationsFolder } from '../../src/db/client.js';
import {
  CHECKPOINT_COLUMNS,
  INDEX_STATE_COLUMNS,
  METRIC_TABLE_COLUMNS,
  METRIC_VALUE_COLUMNS,
  RUN_BOOLEAN_COLUMNS,
  RUN_COLUMNS,
} from '../../src/db/columns.js';
import { checkpoints, indexState, metrics, metricValues, runs } from '../../src/db/schema.js';

const TABLES: [string, SQLiteTable, readonly string[]][] = [
  ['runs', runs, RUN_COLUMNS],
  ['metrics', metrics, METRIC_TABLE_COLUMNS],
  ['metric_values', metricValues, METRIC_VALUE_COLUMNS],
  ['checkpoints', checkpoints, CHECKPOINT_COLUMNS],
  ['index_state', indexState, INDEX_STATE_COLUMNS],
];

describe('columns.ts', () => {
  it.each(TABLES)('%s: the schema columns in the schema order', (_name, table, listed) => {
    expect(listed).toEqual(Object.keys(getTableColumns(table)));
  });

  it.each(TABLES)('%s: the columns the migrations create (in any order)', (name, _table, listed) => {
    const sqlite = new Database(':memory:');
    try {
      migrate(drizzle(sqlite), { migrationsFolder: migrationsFolder() });
      const created = (sqlite.prepare(`pragma table_info(${name})`).all() as { name: string }[]).map((c) => c.name);
      expect([...listed].sort()).toEqual(created.sort());
    } finally {
      sqlite.close();
    }
  });

  it('the boolean columns of runs are the schema boolean columns', () => {
    const booleans = Object.entries(getTableColumns(runs)).flatMap(([k, c]) =>
      c.columnType === 'SQLiteBoolean' ? [k] : [],
    );
    expect(RUN_BOOLEAN_COLUMNS).toEqual(booleans);
  });
});

// The second --where guard on its own (issue #10, item 10): even an expression that got past the
// scan cannot change the statement's shape unnoticed. Real SQLite, in memory.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { checkedWhere, verifyWhereShape, WhereError } from '../../src/db/where-clause.js';

const COLUMNS = ['id', 'status', 'lora_rank'];

function check(expr: string): void {
  const db = new Database(':memory:');
  try {
    db.exec(
      "create table runs (id text primary key, status text, lora_rank integer); insert into runs values ('a', 'completed', 8)",
    );
    const stmt = db.prepare(`select id, status, lora_rank from runs where (${expr}) order by id`);
    verifyWhereShape(db, stmt, expr, COLUMNS);
  } finally {
    db.close();
  }
}

describe('verifyWhereShape', () => {
  it.each([
    ['lora_rank >= 8'],
    ['exists(select 1 as [)] from runs r2 where r2.id = runs.id)'],
    ['(select count(*) from (select 1 union all select 2)) = 2'],
  ])('accepts the filter %j', (expr) => {
    expect(() => check(expr)).not.toThrow();
  });

  it.each([
    // Each of these escapes `where (…)`; the scan refuses them first, this is the second line.
    ['1) union all select id, status, lora_rank from runs where (1'],
    ['1) union all select * from runs where (1'],
    ['1) union all select 1, 2, 3 where (1'],
  ])('refuses %j, which makes the statement a compound select', (expr) => {
    expect(() => check(expr)).toThrow(WhereError);
    expect(() => checkedWhere(expr)).toThrow(WhereError);
  });
});

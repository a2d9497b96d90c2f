// Both --where guards on their own. The scan (checkedWhere) as a table: accepted expressions in
// every SQLite quoting form (each also prepared inside `where (…)` by real SQLite), refused ones
// with their messages. The shape check (issue #10, item 10): even an expression that got past the
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

describe('checkedWhere: the scan', () => {
  // Each reads as ONE expression to SQLite: what looks like `)`, `;` or a comment sits inside a
  // quoting form ('…' string, "…" / `…` / […] identifiers; a doubled quote is the quote itself).
  it.each([
    ['lora_rank >= 8'],
    ["status = 'completed' and (lora_rank > 4 or lora_rank is null)"],
    ["id = ')'"],
    ["id = ';'"],
    ["id = '-- not a comment'"],
    ["id = '/* not a comment */'"],
    ["id = 'it''s'"],
    ["id = ''''"],
    ["id = '('"],
    [`"status" = 'completed'`],
    ['exists(select 1 as "odd "" name)")'],
    ["`status` = 'completed'"],
    ['exists(select 1 as `a``b;`)'],
    ["[status] = 'completed'"],
    ['exists(select 1 as [a;b) -- c])'],
    ['lora_rank - -1 > 0'],
    ['lora_rank / 2 >= 4'],
    ['exists(select 1 as [)] from runs r2 where r2.id = runs.id)'],
  ])('accepts %s', (expr) => {
    expect(checkedWhere(expr)).toBe(expr);
    // What the scan accepts, SQLite reads as one expression: it prepares and keeps the shape.
    expect(() => check(expr)).not.toThrow();
  });

  it.each([
    ['', '--where is empty'],
    ['   ', '--where is empty'],
    ['1) or (1', '--where has an unmatched ")"'],
    ['1)', '--where has an unmatched ")"'],
    ['(1', '--where has an unmatched "("'],
    ['1; drop table runs', '--where takes one filter expression, not statements (";" is not allowed)'],
    ['1 -- and the rest', '--where may not contain SQL comments'],
    ['1 /* and the rest */', '--where may not contain SQL comments'],
    ['1 /* unterminated', '--where may not contain SQL comments'],
    ["id = 'open", "--where has an unterminated ' quote"],
    ["id = 'it''s", "--where has an unterminated ' quote"],
    ['"open = 1', '--where has an unterminated " quote'],
    ['`open = 1', '--where has an unterminated ` quote'],
    ['[open = 1', '--where has an unterminated [ identifier'],
    // A quoted part that ends before the `)`: the `)` is outside and closes `where (`.
    ["id = '') or (1", '--where has an unmatched ")"'],
    ["id = ''') or (1')", '--where has an unmatched ")"'],
    ['"a"") = 1) or (1', '--where has an unterminated " quote'],
    ['[a]) or ([b]', '--where has an unmatched ")"'],
    ['[a]]) or (1', '--where has an unmatched ")"'],
    ['1\0) or (1', '--where may not contain a NUL character'],
  ])('refuses %j: %s', (expr, message) => {
    expect(() => checkedWhere(expr)).toThrow(WhereError);
    expect(() => checkedWhere(expr)).toThrow(message);
  });
});

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

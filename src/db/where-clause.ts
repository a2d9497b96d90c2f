// `--where EXPR`: user SQL that must stay ONE expression inside `where (EXPR)`. Two independent
// guards: (1) a scan that reads the text the way SQLite's tokenizer does (tokenize.c), so a `)`,
// `;` or comment hidden in any quoting form ('…', "…", `…`, […]) is seen for what it is; (2)
// after prepare, the statement's shape is checked (listWithWhere in index.ts).
import type { Sqlite } from './client.js';
import type { Statement } from 'better-sqlite3';

/** A bad --where: RunsError-like, but db/ must not depend on how commands report errors. */
export class WhereError extends Error {
  override name = 'WhereError';
}

const EXAMPLE = 'e.g. "lora_rank >= 16 and model like \'%Qwen%\'"';

/**
 * A filter naming a column the runs table does not have (SQLite: `no such column: x`, PostgreSQL:
 * `column "x" does not exist`): the error lists the columns there are, so the fix is one look away.
 */
export function unknownColumnHint(message: string, columns: readonly string[]): string {
  return /no such column|column "[^"]*" does not exist/.test(message)
    ? `; the runs columns are: ${columns.join(', ')}`
    : '';
}

/**
 * Returns the expression when, read as SQLite reads it, it cannot close the parenthesis it is
 * put in, start another statement or comment out what follows.
 */
export function checkedWhere(expr: string): string {
  if (expr.trim() === '') throw new WhereError(`--where is empty: give a filter expression, ${EXAMPLE}`);
  // SQLite stops reading a statement at a NUL: whatever follows (our closing parenthesis) would vanish.
  if (expr.includes('\0')) throw new WhereError('--where may not contain a NUL character');
  let depth = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (c === "'" || c === '"' || c === '`') {
      // A quoted string or identifier; the quote doubled inside is the quote itself.
      let j = i + 1;
      for (;;) {
        j = expr.indexOf(c, j);
        if (j < 0) throw new WhereError(`--where has an unterminated ${c} quote`);
        if (expr[j + 1] === c) j += 2;
        else break;
      }
      i = j;
    } else if (c === '[') {
      // An identifier in brackets (MS Access style): ends at the first `]`, no escapes.
      const j = expr.indexOf(']', i + 1);
      if (j < 0) throw new WhereError('--where has an unterminated [ identifier');
      i = j;
    } else if (c === '(') depth++;
    else if (c === ')') {
      if (--depth < 0) throw new WhereError(`--where has an unmatched ")": write one filter expression, ${EXAMPLE}`);
    } else if (c === ';')
      throw new WhereError('--where takes one filter expression, not statements (";" is not allowed)');
    else if ((c === '-' && expr[i + 1] === '-') || (c === '/' && expr[i + 1] === '*')) {
      throw new WhereError('--where may not contain SQL comments');
    }
  }
  if (depth !== 0) throw new WhereError('--where has an unmatched "("');
  return expr;
}

/**
 * The second guard, on the prepared statement: it must read and return exactly the columns of
 * `select * from runs` (each from table `runs`), and the same expression must also prepare inside
 * a one-column statement: an expression that escaped into a compound SELECT (`… union all select
 * * from runs …`) cannot match both a many-column and a one-column statement.
 */
export function verifyWhereShape(ro: Sqlite, stmt: Statement, expr: string, runColumns: readonly string[]): void {
  const cols = stmt.columns();
  const sameColumns =
    cols.length === runColumns.length &&
    cols.every((c, i) => c.table === 'runs' && c.column === runColumns[i] && c.name === runColumns[i]);
  let oneColumn: boolean;
  try {
    oneColumn = ro.prepare(`select 1 as matched from runs where (${expr})`).columns().length === 1;
  } catch {
    oneColumn = false;
  }
  if (!stmt.reader || !sameColumns || !oneColumn) {
    throw new WhereError(`--where must be one filter expression over the runs columns, ${EXAMPLE}`);
  }
}

// Reading a test's index back: the PRODUCT.md tables, and the fixtures' expected parse.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { EXPECTED_JSON } from './paths.js';

/** The tables PRODUCT.md names, in a stable order, without the time of indexing. */
export function dumpIndex(dbPath: string) {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return {
      runs: db
        .prepare('select * from runs order by id')
        .all()
        .map((r) => ({ ...(r as object), indexed_at: null })),
      metrics: db.prepare('select * from metrics order by run_id, seq').all(),
      params: db.prepare('select * from params order by run_id, key').all(),
      checkpoints: db.prepare('select * from checkpoints order by run_id, seq').all(),
    };
  } finally {
    db.close();
  }
}

/** One entry of tests/fixtures/mlx-logs/EXPECTED.json. */
export interface ExpectedParse {
  file: string;
  era: string | null;
  train_reports: number;
  val_reports: number;
  last_iter: number | null;
  final_val_loss: number | null;
  best_val_loss: number | null;
  best_val_iter: number | null;
  final_train_loss: number | null;
  test_loss: number | null;
  test_ppl: number | null;
  checkpoints: number;
  outcome_hint: string;
  notes?: string;
}

export function readExpected(): ExpectedParse[] {
  return JSON.parse(fs.readFileSync(EXPECTED_JSON, 'utf8')) as ExpectedParse[];
}

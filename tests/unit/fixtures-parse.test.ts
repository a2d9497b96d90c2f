// The 18 shared test logs against their expected parse (tests/fixtures/mlx-logs/EXPECTED.json, copied from shared/,
// read at run time: the numbers live there only).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emptySummaryState, foldSummary } from '../../src/core/summarize.js';
import { parseLogText } from '../../src/parse/mlx-log-parser.js';
import { readExpected } from '../helpers/index-dump.js';

const FIXTURES = new URL('../fixtures/mlx-logs/', import.meta.url);

const expected = readExpected();
const read = (file: string): Uint8Array => new Uint8Array(readFileSync(new URL(file, FIXTURES)));

describe('shared fixtures', () => {
  it('EXPECTED.json lists every log in the folder, once', () => {
    const logs = readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.log'))
      .sort();
    expect(logs).toHaveLength(18);
    expect(expected.map((e) => e.file).sort()).toEqual(logs);
  });

  it.each(expected.map((e) => [e.file, e] as const))('%s', (file, want) => {
    const { records, facts } = parseLogText(read(file));
    const s = foldSummary(emptySummaryState(), records).summary;
    expect({
      era: facts.log_format,
      train_reports: s.train_reports,
      val_reports: s.val_reports,
      last_iter: s.last_iter,
      final_val_loss: s.final_val_loss,
      best_val_loss: s.best_val_loss,
      best_val_iter: s.best_val_iter,
      final_train_loss: s.final_train_loss,
      test_loss: s.test_loss,
      test_ppl: s.test_ppl,
      checkpoints: s.checkpoints,
      outcome_hint: facts.outcome_hint,
    }).toEqual({
      era: want.era,
      train_reports: want.train_reports,
      val_reports: want.val_reports,
      last_iter: want.last_iter,
      final_val_loss: want.final_val_loss,
      best_val_loss: want.best_val_loss,
      best_val_iter: want.best_val_iter,
      final_train_loss: want.final_train_loss,
      test_loss: want.test_loss,
      test_ppl: want.test_ppl,
      checkpoints: want.checkpoints,
      outcome_hint: want.outcome_hint,
    });
  });
});

describe('foldSummary', () => {
  it.each(expected.map((e) => [e.file] as const))('%s: two batches at every split = one batch', (file) => {
    const { records } = parseLogText(read(file));
    const once = foldSummary(emptySummaryState(), records);
    for (let k = 0; k <= records.length; k++) {
      const first = foldSummary(emptySummaryState(), records.slice(0, k));
      // JSON round trip: the fold state is stored between batches.
      const resumed = JSON.parse(JSON.stringify(first)) as typeof first;
      expect(foldSummary(resumed, records.slice(k)), `split at ${k}`).toEqual(once);
    }
  });

  it('does not modify the state it is given', () => {
    const { records } = parseLogText(read('15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log'));
    const state = foldSummary(emptySummaryState(), records.slice(0, 50));
    const copy = structuredClone(state);
    foldSummary(state, records.slice(50));
    expect(state).toEqual(copy);
  });

  it('keeps the first of equal best val losses and ignores nan', () => {
    const { records } = parseLogText(
      new TextEncoder().encode(
        [
          'Iter 1: Val loss nan, Val took 1.000s',
          'Iter 2: Val loss 1.500, Val took 1.000s',
          'Iter 3: Val loss 1.500, Val took 1.000s',
          'Iter 4: Val loss nan, Val took 1.000s',
          '',
        ].join('\n'),
      ),
    );
    expect(foldSummary(emptySummaryState(), records).summary).toMatchObject({
      val_reports: 4,
      best_val_loss: 1.5,
      best_val_iter: 2,
      final_val_loss: null,
      last_iter: 4,
    });
  });

  it('summarises peak memory, tokens/sec and trained tokens of fixture 15', () => {
    const { records } = parseLogText(read('15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log'));
    const train = records.flatMap((r) => (r.kind === 'metric' && r.split === 'train' ? [r] : []));
    const s = foldSummary(emptySummaryState(), records).summary;
    expect(s.peak_mem_gb).toBe(Math.max(...train.map((r) => r.peak_mem_gb ?? 0)));
    expect(s.tokens_per_sec).toBeCloseTo(train.reduce((a, r) => a + (r.tokens_per_sec ?? 0), 0) / train.length, 9);
    expect(s.trained_tokens).toBe(train.at(-1)?.trained_tokens);
  });
});

// The other trainers' logs (tests/fixtures/trainer-logs) through the streaming parser: a log read in
// two passes (the second resumed from the first one's saved state, as `runs index` does for a
// growing log) gives exactly the records of one pass — also inside mlx-lm-lora's multi-line blocks.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MlxLogParser, parseLogText } from '../../src/parse/mlx-log-parser.js';
import { TRAINER_LOGS } from '../helpers/paths.js';

const expected = JSON.parse(readFileSync(path.join(TRAINER_LOGS, 'EXPECTED.json'), 'utf8')) as {
  file: string;
  extra_values: Record<string, number>;
}[];
const read = (file: string) => new Uint8Array(readFileSync(path.join(TRAINER_LOGS, file)));

describe('trainer logs: streaming', () => {
  it.each(expected.map((e) => [e.file, e] as const))('%s: every resume point gives the same records', (file) => {
    const bytes = read(file);
    const whole = parseLogText(bytes).records;
    for (let cut = 0; cut <= bytes.length; cut += 7) {
      const first = new MlxLogParser();
      const a = first.push(bytes.subarray(0, cut));
      const state = JSON.parse(JSON.stringify(first.snapshot())) as ReturnType<MlxLogParser['snapshot']>;
      const second = new MlxLogParser(state);
      const b = second.push(bytes.subarray(state.consumedBytes));
      expect([...a, ...b, ...second.flush()], `cut at ${cut}`).toEqual(whole);
    }
  });

  it.each(expected.map((e) => [e.file, e] as const))('%s: extra metrics as printed', (file, want) => {
    const counts: Record<string, number> = {};
    for (const r of parseLogText(read(file)).records) {
      if (r.kind !== 'metric' || r.extra === undefined) continue;
      for (const name of Object.keys(r.extra)) counts[name] = (counts[name] ?? 0) + 1;
    }
    expect(counts).toEqual(want.extra_values);
  });
});

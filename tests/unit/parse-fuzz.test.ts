// Property tests: whatever bytes arrive, the parser neither throws nor invents records.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { looksCutOff, parseMlxLine } from '../../src/parse/mlx-line.js';
import { MlxLogParser, parseLogText } from '../../src/parse/mlx-log-parser.js';

const FIXTURES = new URL('../fixtures/mlx-logs/', import.meta.url);
const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.log'));
const fileBytes = files.map((f) => new Uint8Array(readFileSync(new URL(f, FIXTURES))));

/** Every fixture line as bytes (without its `\n`). */
const lineBytes: Uint8Array[] = fileBytes.flatMap((bytes) => {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 10) {
      if (i > start) out.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  return out;
});
const lineTexts = lineBytes.map((b) => new TextDecoder().decode(b));

const NOISE = [
  'Calculating loss...: 100%|\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588| 25/25 [00:11<00:00,  2.19it/s]',
  '\rCalculating loss...:  48%|\u2588\u2588\u2588\u2588\u258A     | 12/25 [00:02<00:02,  5.05it/s]\rCalculating loss...: 100%|',
  'Fetching 8 files: 100%|\u2588\u2588\u2588\u2588\u2588\u2588| 8/8 [00:00<00:00, 98689.51it/s]',
  'train \u2588\u258F\u2591\u2591\u2591\u2591\u2591\u2591   4% \u00B7    47/1,200',
  'train \u2588\u2588\u2588\u2588\u2588\u2588 100% \u00B7   600/600',
  'Traceback (most recent call last):',
  '  File "/x/site-packages/mlx_lm/tuner/trainer.py", line 328, in train',
  '    mx.eval(state, losses, n_tokens, grad_accum)',
  '                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
  'RuntimeError: [metal::malloc] Attempting to allocate 19327352832 bytes which is greater than the maximum allowed buffer size of 17179869184 bytes.',
  'KeyboardInterrupt',
  '=== Validation Sample Details ===',
  '\u{1F4DD} Generation:',
  '12 trays with 18 rolls each is 12 * 18 = 216 rolls. Selling 150 leaves 216 - 150 = 66.',
  '<answer>',
  '66',
  '==========',
  'Ite',
  'Iter 9',
  'Iter 12:',
  'Iter 12: Val los',
  'Iter 12: Train loss 1.2',
  'Iter : Train loss 1.000,',
  'Iter 10: loss 1.234',
  'Test loss 1.134, Test ppl 3.1',
  'Test loss 1.134, Test ppl 3.',
  'Saved final weights to adapters/adapters.safetensors.',
  '[WARNING] Some sequences are longer than 2048 tokens. The longest sentence 2417 will be truncated to 2048.',
  '',
];

const countRecords = (text: string): number => parseLogText(new TextEncoder().encode(text)).records.length;

describe('parser fuzz', () => {
  it('random bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 300 }), (bytes, chunk) => {
        const parser = new MlxLogParser();
        for (let o = 0; o < bytes.length; o += chunk) parser.push(bytes.subarray(o, o + chunk));
        parser.flush();
        expect(parser.snapshot().consumedBytes).toBe(bytes.lastIndexOf(10) + 1);
        void parser.facts;
      }),
      { numRuns: 200 },
    );
  });

  it('random text near the formats never throws', () => {
    const alphabet = fc.constantFrom(
      ...'Iter 0123456789:,.-+e Train loss Val took GB s nan inf\r\n\x1b[1m\u25BC\u25B2k save val'.split(''),
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 300 }), (chars) => {
        const text = chars.join('');
        parseLogText(new TextEncoder().encode(text));
        for (const seg of text.split(/[\r\n]/)) {
          parseMlxLine(seg);
          looksCutOff(seg);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a cut fixture line never gives more records than the intact line, nor different ones', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: lineBytes.length - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (index, at) => {
          const intactBytes = lineBytes[index] as Uint8Array;
          const cutBytes = intactBytes.subarray(0, Math.floor(at * intactBytes.length));
          const intact = parseLogText(intactBytes).records;
          const cut = parseLogText(cutBytes).records;
          expect(cut.length).toBeLessThanOrEqual(intact.length);
          // A record from a cut line is the intact line's record, minus possibly cut fields.
          const intactText = lineTexts[index] as string;
          const cutText = new TextDecoder().decode(cutBytes);
          if (intactText.indexOf('\r') < 0) {
            const a = parseMlxLine(intactText);
            const b = parseMlxLine(cutText);
            if (b !== null && b.type === 'metric') {
              expect(a).toMatchObject({
                type: 'metric',
                record: { split: b.record.split, iter: b.record.iter, loss: b.record.loss },
              });
              if (b.record.split === 'test')
                expect(b.record.test_ppl).toBe(a?.type === 'metric' ? a.record.test_ppl : undefined);
            }
            if (b !== null && b.type === 'checkpoint') {
              expect(a).toMatchObject({ type: 'checkpoint', record: { iter: b.record.iter } });
              if (b.record.file !== null) expect(a).toMatchObject({ record: { file: b.record.file } });
            }
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  // CPU-bound: on a loaded 2-core machine (seven suites at once) it takes over a minute.
  it('the same holds for every cut point of every fixture line (exhaustive)', { timeout: 180_000 }, () => {
    lineBytes.forEach((intactBytes, index) => {
      const intact = parseLogText(intactBytes).records;
      const intactText = lineTexts[index] as string;
      const a = intactText.indexOf('\r') < 0 ? parseMlxLine(intactText) : null;
      for (let k = 0; k < intactBytes.length; k++) {
        const cutBytes = intactBytes.subarray(0, k);
        const cut = parseLogText(cutBytes).records;
        if (cut.length > intact.length)
          expect.fail(`line ${index} cut at ${k}: ${cut.length} > ${intact.length} records`);
        if (a === null || cut.length === 0) continue;
        const b = parseMlxLine(new TextDecoder().decode(cutBytes));
        if (b?.type === 'metric') {
          expect(a, `line ${index} cut at ${k}`).toMatchObject({
            type: 'metric',
            record: {
              split: b.record.split,
              iter: b.record.iter,
              loss: b.record.loss,
              ...(b.record.split === 'test' ? { test_ppl: b.record.test_ppl } : {}),
            },
          });
        } else if (b?.type === 'checkpoint') {
          expect(a, `line ${index} cut at ${k}`).toMatchObject({
            type: 'checkpoint',
            record: { iter: b.record.iter, ...(b.record.file === null ? {} : { file: b.record.file }) },
          });
        }
      }
    });
  });

  it('shuffled fixture lines never throw and give at most the records of the lines', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(lineTexts, { minLength: 1, maxLength: 80 }), (lines) => {
        const got = countRecords(lines.join('\n'));
        const upper = lines.reduce((sum, l) => sum + countRecords(l), 0);
        expect(got).toBeLessThanOrEqual(upper);
      }),
      { numRuns: 150 },
    );
  });

  it('noise lines never produce a record', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...NOISE), { maxLength: 40 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        (lines, eol) => {
          expect(countRecords(lines.join(eol))).toBe(0);
          for (const l of lines) {
            const p = parseMlxLine(l);
            expect(p === null || (p.type !== 'metric' && p.type !== 'checkpoint')).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

// progressLine (src/cli/progress.ts) with a hand-driven clock: the wait before it shows, the
// throttle, the clear at the end.
import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/cli/progress.js';

function setup(afterMs: number) {
  let t = 1000;
  const written: string[] = [];
  const line = progressLine(
    { write: (s: string | Uint8Array) => written.push(String(s)) },
    { verb: 'indexing', unit: 'runs', afterMs, now: () => t },
  );
  return { line, written, advance: (ms: number) => (t += ms) };
}

describe('progressLine', () => {
  it('says nothing before the wait, and nothing at the end when it never showed', () => {
    const { line, written, advance } = setup(500);
    line.update(1, 10);
    advance(499);
    line.update(2, 10);
    line.end();
    expect(written).toEqual([]);
  });

  it('after the wait: one \\r line, thousands separated, at most one redraw per 100 ms, cleared at the end', () => {
    const { line, written, advance } = setup(500);
    advance(500);
    line.update(1234, 10000);
    advance(50);
    line.update(1300, 10000);
    advance(50);
    line.update(1400, 10000);
    line.end();
    line.end();
    expect(written).toEqual(['\rindexing 1,234/10,000 runs\x1b[K', '\rindexing 1,400/10,000 runs\x1b[K', '\r\x1b[K']);
  });
});

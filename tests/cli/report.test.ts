// runs report: one HTML file with the runs' data inlined; bad input exits with one line.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { dashboardTree, removeTree } from '../helpers/ui.js';
import type { Tree } from '../helpers/tree.js';

let tree: Tree;
beforeAll(() => {
  tree = dashboardTree();
});
afterAll(() => removeTree(tree));

/** The data a report carries (the <script type="application/json"> element). */
function reportData(file: string): {
  runs: { id: string }[];
  details: Record<string, unknown>;
  charts: Record<string, Record<string, unknown>>;
} {
  const html = fs.readFileSync(file, 'utf8');
  const m = /<script type="application\/json" id="runs-data">(.*?)<\/script>/s.exec(html);
  return JSON.parse(m![1]!);
}

describe('runs report', () => {
  it('writes every run (table, details, charts) into one file that asks for nothing', async () => {
    const out = path.join(tree.dir, 'all.html');
    const r = await runCli([...tree.flags, 'report', '-o', out]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      new RegExp(
        `^wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(6 runs, [\\d.]+ MB\\): open it in any browser, no network needed\\n$`,
      ),
    );
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toContain(`Content-Security-Policy" content="default-src 'none'`);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//i);
    const data = reportData(out);
    const listed = JSON.parse((await runCli([...tree.flags, 'list', '--json'])).stdout) as { id: string }[];
    expect(data.runs).toEqual(listed);
    expect(Object.keys(data.details).sort()).toEqual(listed.map((r) => r.id).sort());
    expect(Object.keys(data.charts['2026-11-21_10-00-00']!)).toContain('loss');
  });

  it('RUN... and --where choose the runs', async () => {
    const out = path.join(tree.dir, 'some.html');
    expect((await runCli([...tree.flags, 'report', 'latest', '2026-11-21', '-o', out])).exitCode).toBe(0);
    expect(
      reportData(out)
        .runs.map((r) => r.id)
        .sort(),
    ).toEqual(['2026-11-21_10-00-00', '2026-11-25_10-00-00']);
    expect((await runCli([...tree.flags, 'report', '--where', 'lora_rank >= 16', '-o', out])).exitCode).toBe(0);
    expect(reportData(out).runs).toHaveLength(3);
  });

  it('a note with </script> in it cannot end the data element', async () => {
    const out = path.join(tree.dir, 'note.html');
    expect((await runCli([...tree.flags, 'note', 'latest', '</script><script>alert(1)</script>'])).exitCode).toBe(0);
    expect((await runCli([...tree.flags, 'report', 'latest', '-o', out])).exitCode).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).not.toContain('</script><script>alert(1)');
    expect(reportData(out).runs[0]).toMatchObject({ note: '</script><script>alert(1)</script>' });
  });

  it.each([
    [['report'], 2, /required option '-o, --output <file>'/],
    [
      ['report', '--where', 'lora_rank >= ', '-o', 'x.html'],
      2,
      /^Error: --where "lora_rank >= " is not a valid filter/,
    ],
    [['report', 'nosuchrun', '-o', 'x.html'], 1, /^Error: no run matches "nosuchrun"/],
    [['report', '-o', '.'], 1, /^Error: -o \. is a directory: give a file name/],
  ])('%j exits %i with one line', async (args, code, message) => {
    const r = await runCli([...tree.flags, ...args], { cwd: tree.dir });
    expect(r.exitCode).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

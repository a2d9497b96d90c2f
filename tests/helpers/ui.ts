// `runs ui` as users start it: `node dist/runs.mjs ui --port 0` on a generated tree; the URL comes
// from its stderr line. Also the Chromium launch every browser test uses.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN } from './paths.js';
import { addRun, completedManifest, makeTree, type Tree } from './tree.js';

export interface UiProcess {
  url: string;
  port: number;
  proc: ChildProcess;
  stderr(): string;
  stop(): Promise<number | null>;
}

export async function startUi(flags: string[], env: NodeJS.ProcessEnv = process.env): Promise<UiProcess> {
  const proc = spawn(process.execPath, [BIN, ...flags, 'ui', '--port', '0'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stdout.resume();
  const exited = new Promise<number | null>((r) => proc.on('close', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    proc.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /runs ui: (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`runs ui exited (${code}) before serving:\n${err}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    proc,
    stderr: () => err,
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGINT');
      return exited;
    },
  };
}

/** Best val losses of the dashboard tree's runs, by id (from EXPECTED.json-independent fixtures). */
export const DASHBOARD_RUNS = {
  '2026-11-20_10-00-00': {
    log: '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log',
    rank: 8,
    tags: ['baseline'],
  },
  '2026-11-21_10-00-00': { log: '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log', rank: 16, tags: ['long'] },
  '2026-11-22_10-00-00': { log: '10-rich-ui-ansi-truecolor-complete-with-test.log', rank: 32, tags: [] },
  '2026-11-23_10-00-00': { log: '13-mlxlm-0.29-resumed-fine-tuned-weights.log', rank: 8, tags: ['resumed'] },
  '2026-11-24_10-00-00': { log: '16-mlxlm-0.28-crlf-line-endings.log', rank: 16, tags: [] },
  '2026-11-25_10-00-00': { log: '12-mlxlm-0.31-ctrl-c-keyboardinterrupt.log', rank: 4, tags: [] },
} as const;

/** A root with runs of different best val losses (one without any val report is fine too). */
export function dashboardTree(): Tree {
  const tree = makeTree('runs-ui-');
  for (const [id, spec] of Object.entries(DASHBOARD_RUNS)) {
    addRun(tree, id, {
      log: spec.log,
      manifest: completedManifest(id, {
        started_at: `${id.slice(0, 10)}T10:00:00.000Z`,
        lora_rank: spec.rank,
        model: 'mlx-community/Qwen3-0.6B-4bit',
        tags: spec.tags,
      }),
    });
  }
  return tree;
}

export function removeTree(tree: { dir: string }): void {
  fs.rmSync(tree.dir, { recursive: true, force: true });
}

export const CHROMIUM = '/usr/bin/chromium';

export function haveChromium(): boolean {
  return fs.existsSync(CHROMIUM);
}

/**
 * Debian's chromium through playwright-core (never a downloaded browser), with a fresh profile,
 * no background networking, and every request to anything but `allowOrigin` refused.
 */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

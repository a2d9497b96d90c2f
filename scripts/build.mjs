// Bundles the CLI into ESM (dist/runs.mjs plus lazily loaded chunks). Run by `npm run build` and by npm's
// `prepare` hook, so `npm ci` alone leaves `node dist/runs.mjs` working.
// Why a bundle: one file loads in ~90 ms; tsc output (many files) costs ~60 ms more per command,
// and tsx at run time 300-800 ms (TOOLCHAIN.md in the shared docs).
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

const outfile = 'dist/runs.mjs';
await build({
  // write-worker: the index writer thread of bulk passes (src/db/write-worker.ts).
  entryPoints: { runs: 'src/bin.ts', 'write-worker': 'src/db/write-worker.ts' },
  bundle: true,
  // Each command's `await import(...)` becomes its own chunk, so `runs list` never loads what only
  // `runs train` needs (and vice versa): start-up is most of a quick command's time.
  splitting: true,
  outdir: 'dist',
  // Content-hashed names, and no clean step: a rebuild never removes a chunk that a running
  // `runs` (a long `runs train`) may still import.
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Native addon: must stay a real require() of the installed package.
  external: ['better-sqlite3'],
  // commander and other CommonJS deps call require(); an ESM bundle has none unless we define it.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __runsCreateRequire } from 'node:module';\nconst require = __runsCreateRequire(import.meta.url);",
  },
  // Whitespace and syntax minified, names kept (stack traces still say which function): start-up
  // compiles every loaded chunk, and `runs list` loads ~600 KB unminified. 9 alternating pairs of
  // `list --sort val_loss --limit 20 --json` at 10k runs (bench/ab.mjs --figure list): 0.91x wall.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  sourcemap: false,
});
chmodSync(outfile, 0o755);

// The web view's front end (src/ui/app.ts + uPlot + CSS) for the browser: dist/ui/app.js and
// app.css, served by `runs ui` and inlined by `runs report`. No dev server, no CDN.
await build({
  entryPoints: { app: 'src/ui/app.ts' },
  bundle: true,
  outdir: 'dist/ui',
  platform: 'browser',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  format: 'iife',
  minify: true,
  logLevel: 'warning',
  sourcemap: false,
});

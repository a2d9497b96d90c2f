// Where the user's mlx-lm lives, read from the files (no Python started): the interpreter its
// console script names in its shebang (`#!/venv/bin/python`), the installed version from the
// `<name>-<version>.dist-info` folder next to it, and the reporter launcher shipped with `runs`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitCommandLine } from './command.js';

/** The shebang of a script as words (`#!/usr/bin/env python3` → ['/usr/bin/env', 'python3']); null when it has none. */
export function shebangOf(file: string): string[] | null {
  let head: string;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(512);
      head = buf.toString('utf8', 0, fs.readSync(fd, buf, 0, 512, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
  if (!head.startsWith('#!')) return null;
  const line = head.slice(2, head.indexOf('\n') < 0 ? head.length : head.indexOf('\n')).trim();
  // A console script's shebang is a path (pip quotes none; `/bin/sh` trampolines are not Python).
  const words = line.split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return null;
  const program = path.basename(words[words.length === 2 && path.basename(words[0]!) === 'env' ? 1 : 0]!);
  return /^python[\d.]*$/.test(program) ? words : null;
}

/** python/runs_launch.py of this package: next to dist/ (bundle) or the project root (source). */
export function launcherPath(): string | null {
  for (const rel of ['../python/runs_launch.py', '../../python/runs_launch.py']) {
    const file = fileURLToPath(new URL(rel, import.meta.url));
    if (fs.existsSync(file)) return file;
  }
  return null;
}

/** The interpreter for the reporter: RUNS_PYTHON, else `python …` of the command, else the script's shebang. */
export function reporterPython(
  words: readonly string[],
  programFile: string,
  runsPython: string | undefined,
): string[] | null {
  if (runsPython !== undefined && runsPython.trim() !== '') return splitCommandLine(runsPython);
  const m = words.indexOf('-m');
  if (m > 0 && /^python[\d.]*$/.test(path.basename(words[0]!))) return [programFile, ...words.slice(1, m)];
  return shebangOf(programFile);
}

const DIST_NAMES = { 'mlx-lm': 'mlx_lm', 'mlx-lm-lora': 'mlx_lm_lora', 'mlx-vlm': 'mlx_vlm' } as const;

/**
 * The installed version of a family's package, from its dist-info folder in the site-packages
 * beside the program (`<venv>/bin/x` → `<venv>/lib/python3.*\/site-packages`, or on PYTHONPATH).
 */
export function installedVersion(family: string, programFile: string, pythonPath: string | undefined): string | null {
  const dist = DIST_NAMES[family as keyof typeof DIST_NAMES];
  if (dist === undefined) return null;
  const dirs: string[] = [];
  for (const p of (pythonPath ?? '').split(path.delimiter)) if (p !== '') dirs.push(p);
  const lib = path.join(path.dirname(path.dirname(programFile)), 'lib');
  try {
    for (const py of fs.readdirSync(lib)) dirs.push(path.join(lib, py, 'site-packages'));
  } catch {
    // not a venv layout
  }
  const pattern = new RegExp(`^${dist}-([^-]+)\\.dist-info$`, 'i');
  for (const dir of dirs) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const n of names) {
      const m = pattern.exec(n);
      if (m !== null) return m[1]!;
    }
  }
  return null;
}

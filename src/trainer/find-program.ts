// Does the trainer command resolve to a program? Asked before `runs train` makes a run folder, so
// a typo or a missing install never leaves a junk run behind (nor moves `latest`). The lookup is
// the one the OS does for spawn: a name with a slash is a path (from the cwd); a bare name is
// searched in PATH, first match wins.
import fs from 'node:fs';
import path from 'node:path';

export type ProgramLookup = { found: true; file: string } | { found: false; reason: string };

export function findProgram(name: string, cwd: string, envPath: string | undefined): ProgramLookup {
  if (name.includes('/')) {
    const file = path.resolve(cwd, name);
    const problem = notExecutable(file);
    return problem === null ? { found: true, file } : { found: false, reason: `${file} ${problem}` };
  }
  const dirs = (envPath ?? '').split(path.delimiter);
  for (const dir of dirs) {
    // An empty PATH entry means the current directory (POSIX).
    const file = path.resolve(cwd, dir === '' ? '.' : dir, name);
    if (notExecutable(file) === null) return { found: true, file };
  }
  return { found: false, reason: `not found on PATH` };
}

function notExecutable(file: string): string | null {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return 'does not exist';
  }
  if (!st.isFile()) return 'is not a file';
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    return 'is not executable';
  }
  return null;
}

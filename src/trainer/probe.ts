// Quick lookups that run a helper program and wait for it: git (the run's commit) and ps (when a
// process started). With spawn.ts, the only modules that start processes (STYLE.md §2); the rest
// of the code asks here, so a lint rule can keep `node:child_process` to these two files.
import { execFileSync } from 'node:child_process';

export interface GitInfo {
  git_sha: string | null;
  git_dirty: boolean | null;
}

/**
 * The commit the run was started from and whether tracked files had changes. Untracked files do
 * not count as dirty: run folders (and datasets) commonly live untracked inside the repository, and
 * every run would otherwise be "dirty". Never throws: null/null outside a repo or without git.
 */
export function gitInfo(cwd: string): GitInfo {
  const git = (args: string[]): string | null => {
    try {
      return execFileSync('git', args, {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 10_000,
        // Do not take .git/index.lock for a status refresh: the user may be running git right now.
        env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
      });
    } catch {
      return null;
    }
  };
  if (git(['rev-parse', '--is-inside-work-tree'])?.trim() !== 'true') return { git_sha: null, git_dirty: null };
  const sha = git(['rev-parse', '--verify', '--quiet', 'HEAD'])?.trim() || null;
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return { git_sha: sha, git_dirty: status === null ? null : status.trim() !== '' };
}

/**
 * When process `pid` started, from `ps` (macOS and Linux both have `-o lstart`); null when it
 * cannot be told. Used only to tell a paused recorder from a reused pid.
 */
export function processStartedAt(pid: number): Date | null {
  try {
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5_000,
      // LC_ALL=C: English month/day names for Date.parse. TZ is inherited, so ps and this
      // process read local time the same way.
      env: { ...process.env, LC_ALL: 'C' },
    }).trim();
    const ms = Date.parse(out); // "Sun Nov 29 16:31:54 2026", local time
    return out && !Number.isNaN(ms) ? new Date(ms) : null;
  } catch {
    return null;
  }
}

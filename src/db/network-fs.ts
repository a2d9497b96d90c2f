// Where SQLite's WAL mode is unsafe: WAL keeps its index in a shared-memory file (`-shm`) that
// only works when every reader and writer is on the same host (https://sqlite.org/wal.html,
// "WAL does not work over a network filesystem"). Synced folders (iCloud Drive, Dropbox, …) are
// worse: they upload `runs.db`, `-wal` and `-shm` separately, so another machine can get a
// database and a log that do not belong together. There, the index uses a rollback journal.
import fs from 'node:fs';
import path from 'node:path';

/**
 * Folder names that sync clients own (macOS and Linux/Windows layouts). Matched against whole
 * path segments so a project called `my-dropbox-tools` is not a Dropbox folder.
 */
const SYNCED_SEGMENTS: [RegExp, string][] = [
  [/^Mobile Documents$/, 'iCloud Drive'],
  [/^CloudStorage$/, 'a cloud storage folder (Dropbox, OneDrive, Google Drive, Box)'],
  [/^Dropbox( \(.+\))?$/, 'Dropbox'],
  [/^OneDrive( - .+)?$/, 'OneDrive'],
  [/^Google Drive$|^GoogleDrive-.+$|^My Drive$/, 'Google Drive'],
  [/^Box Sync$/, 'Box'],
  [/^pCloud ?Drive$/, 'pCloud'],
  [/^SynologyDrive$/, 'Synology Drive'],
];

/** statfs f_type magic numbers (Linux, linux/magic.h) of network and FUSE file systems. */
const NETWORK_FS_TYPES = new Map<number, string>([
  [0x6969, 'NFS'],
  [0x517b, 'SMB'],
  [0xff534d42, 'CIFS'],
  [0xfe534d42, 'SMB2'],
  [0x65735546, 'FUSE (sshfs, rclone, s3fs, …)'],
  [0x5346414f, 'AFS'],
  [0x00c36400, 'Ceph'],
  [0x01021997, '9P'],
  [0x47504653, 'GPFS'],
  [0x0bd00bd0, 'Lustre'],
]);

/** Why `dbPath` is on a synced or network file system, or null when it looks local. */
export function networkLocation(dbPath: string, statfsType: (dir: string) => number | null = fsType): string | null {
  const dir = path.dirname(path.resolve(dbPath));
  for (const segment of dir.split(path.sep)) {
    for (const [pattern, what] of SYNCED_SEGMENTS) if (pattern.test(segment)) return `in ${what} (${dir})`;
  }
  // macOS mounts network shares under /Volumes; local external disks are there too, so on macOS
  // the path alone is not enough and statfs types are not stable numbers: only Linux types count.
  const type = statfsType(dir);
  if (type !== null && process.platform === 'linux') {
    const name = NETWORK_FS_TYPES.get(type >>> 0);
    if (name) return `on a ${name} file system (${dir})`;
  }
  return null;
}

function fsType(dir: string): number | null {
  // The folder may not exist yet (a new index): ask about the nearest one that does.
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      return fs.statfsSync(d).type;
    } catch {
      if (path.dirname(d) === d) return null;
    }
  }
}

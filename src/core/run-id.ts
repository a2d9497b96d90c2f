// Run ids: the local start time to the second, plus `_N` for the N-th run started in that second.

const ID_PATTERN = /^(\d{4})-(\d{2})-(\d{2})_(\d{2})-(\d{2})-(\d{2})(?:_(\d+))?$/;

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11-29_14-05-09` in the machine's local time (what the user sees on their clock). */
export function formatRunId(date: Date): string {
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `_${pad(date.getHours())}-${pad(date.getMinutes())}-${pad(date.getSeconds())}`
  );
}

/** The id for the `attempt`-th folder tried in one second: base, base_2, base_3, … */
export function withCollisionSuffix(baseId: string, attempt: number): string {
  return attempt <= 1 ? baseId : `${baseId}_${attempt}`;
}

export interface ParsedRunId {
  /** Local start time the name encodes. */
  startedAt: Date;
  /** 1 for the plain id, N for `_N`. */
  ordinal: number;
}

/** Reads a folder name as a run id; null when the name is not one (adopted folders may be named anything). */
export function parseRunId(name: string): ParsedRunId | null {
  const m = ID_PATTERN.exec(name);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const startedAt = new Date(y, mo - 1, d, h, mi, s);
  if (Number.isNaN(startedAt.getTime()) || startedAt.getMonth() !== mo - 1) return null;
  return { startedAt, ordinal: m[7] ? Number(m[7]) : 1 };
}

/**
 * Orders run ids by start: by the encoded time, then the collision ordinal (`_10` after `_2`),
 * then by name for ids that are not timestamps.
 */
export function compareRunIds(a: string, b: string): number {
  const pa = parseRunId(a);
  const pb = parseRunId(b);
  if (pa && pb) {
    const dt = pa.startedAt.getTime() - pb.startedAt.getTime();
    if (dt !== 0) return dt;
    if (pa.ordinal !== pb.ordinal) return pa.ordinal - pb.ordinal;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

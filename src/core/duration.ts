// How a run's length is written for people (`runs show`, the line `runs train` ends with).

/** `7s`, `41m12s`, `2h03m05s` (rounded to the second; negative counts as 0). */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const p = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h${p(m)}m${p(s)}s`;
  if (m > 0) return `${m}m${p(s)}s`;
  return `${s}s`;
}

// Reading a config value the way the trainer would: YAML and JSON configs say `1e-5` or "600" for
// numbers as often as 1e-5 or 600.

/** A finite number from a number or a numeric string ("1e-5", " 600 "); null otherwise. */
export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A string, or a number / boolean written as one; null for anything else. */
export function toText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

// Counts written for people: `1,120,000 metric rows`.

/**
 * `n` rounded to an integer with a comma between groups of three digits, as
 * `toLocaleString('en-US')` writes it. Ours because the first `toLocaleString` of a process loads
 * ICU's number formatting, 20-60 ms on this machine: a third of what a no-op `runs index` may cost.
 */
export function thousands(n: number): string {
  // String() writes 1e21 and up in exponent form: no count of ours gets there.
  if (!Number.isFinite(n) || Math.abs(n) >= 1e21) return String(n);
  const digits = String(Math.abs(Math.round(n)));
  const head = digits.length % 3 || 3;
  let out = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 && out !== '0' ? `-${out}` : out;
}

// Number scanning and character classes of the line parser. Numbers are scanned by hand: it runs
// for every field of every line, and Number(string) is several times slower.

/** Where scanNumber leaves the index after the number it read (no result object per call: hot path). */
export interface NumberScan {
  numberEnd: number;
}

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];

/**
 * A printed number in s[a, b): a value, null for nan/inf (README rule 5), undefined when the text
 * is not exactly a number.
 */
export function parseNumber(st: NumberScan, s: string, a: number, b: number): number | null | undefined {
  const v = scanNumber(st, s, a, b);
  return st.numberEnd === b ? v : undefined;
}

/**
 * Reads the number starting at s[i] (stopping at b or at the first character that cannot
 * continue it) and sets st.numberEnd after it; undefined when no number starts there. With at
 * most 15 digits and |exponent| <= 22, one exact integer × or ÷ an exact power of ten is
 * correctly rounded, i.e. equal to Number(text); anything longer goes through Number().
 */
export function scanNumber(st: NumberScan, s: string, i: number, b: number): number | null | undefined {
  // Every read is bounds-checked: an out-of-range charCodeAt returns NaN, which makes V8 fall
  // back to slower float code for the whole loop.
  const start = i;
  let c = i < b ? s.charCodeAt(i) : -1;
  const negative = c === 45;
  if (negative || c === 43) c = ++i < b ? s.charCodeAt(i) : -1;
  const intStart = i;
  let mantissa = 0;
  while (c >= 48 && c <= 57) {
    mantissa = mantissa * 10 + (c - 48);
    c = ++i < b ? s.charCodeAt(i) : -1;
  }
  if (i === intStart) {
    if (i + 3 <= b && (s.startsWith('nan', i) || s.startsWith('inf', i))) {
      st.numberEnd = i + 3;
      return null;
    }
    st.numberEnd = start;
    return undefined;
  }
  let digits = i - intStart;
  let e10 = 0;
  if (c === 46 /* . */ && i + 1 < b) {
    const d = s.charCodeAt(i + 1);
    if (d >= 48 && d <= 57) {
      i++;
      c = d;
      const fracStart = i;
      while (c >= 48 && c <= 57) {
        mantissa = mantissa * 10 + (c - 48);
        c = ++i < b ? s.charCodeAt(i) : -1;
      }
      digits += i - fracStart;
      e10 = fracStart - i;
    }
  }
  if ((c === 101 || c === 69) && i + 1 < b) {
    let k = i + 1;
    let d = s.charCodeAt(k);
    const expNegative = d === 45;
    if (expNegative || d === 43) d = ++k < b ? s.charCodeAt(k) : -1;
    const expStart = k;
    let exp = 0;
    while (d >= 48 && d <= 57) {
      if (exp < 100000) exp = exp * 10 + (d - 48);
      d = ++k < b ? s.charCodeAt(k) : -1;
    }
    if (k > expStart) {
      i = k;
      e10 += expNegative ? -exp : exp;
    }
  }
  st.numberEnd = i;
  let v: number;
  if (digits <= 15 && e10 >= -22 && e10 <= 22) {
    v = e10 < 0 ? mantissa / (POW10[-e10] as number) : mantissa * (POW10[e10] as number);
  } else {
    v = Number(s.slice(intStart, i));
  }
  if (!Number.isFinite(v)) return null;
  return negative ? -v : v;
}

/** A whole token as a number: undefined for a missing token or one that is not exactly a number. */
export function numberOrUndefined(st: NumberScan, token: string | undefined): number | null | undefined {
  return token === undefined ? undefined : parseNumber(st, token, 0, token.length);
}

/** A whole token as a number, null for anything that is not one (and for nan/inf). */
export function numberOrNull(st: NumberScan, token: string | undefined): number | null {
  if (token === undefined) return null;
  const v = parseNumber(st, token, 0, token.length);
  return v === undefined ? null : v;
}

/** Off the hot path (header lines): Number() with null for empty, missing and non-finite text. */
export function finiteOrNull(token: string | undefined): number | null {
  const v = Number(token);
  return token !== undefined && token !== '' && Number.isFinite(v) ? v : null;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

export function isNumberChar(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46 || c === 45 || c === 43 || c === 101 || c === 69;
}

export function isNumberStart(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 45 || c === 43;
}

export function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

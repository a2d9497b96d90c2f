// eslint-disable-next-line no-control-regex -- matching ESC is the point
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** Removes ANSI CSI sequences; returns the argument itself when it has no ESC (the usual case). */
export function stripAnsi(s: string): string {
  return s.indexOf('\x1b') < 0 ? s : s.replace(ANSI, '');
}

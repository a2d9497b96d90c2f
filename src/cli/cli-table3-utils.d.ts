// cli-table3's own text measure (string-width of each line, escape codes stripped): render.ts
// measures column widths with it, so a table drawn in pieces aligns exactly as one table would.
declare module 'cli-table3/src/utils.js' {
  const utils: { strlen(text: string): number };
  export default utils;
}

// Comparing terminal charts of the local index and the team database.

/**
 * A chart's legend as one line: it wraps to the width, and host:id entries are longer (so they may
 * wrap sooner); the entries and their order must be the same.
 */
export const oneLegendLine = (text: string) => {
  const lines = text.trimEnd().split('\n');
  const ticks = lines.findIndex((l) => / iter$/.test(l));
  return ticks < 0 ? text : `${[...lines.slice(0, ticks + 1), lines.slice(ticks + 1).join('   ')].join('\n')}\n`;
};

// Shared by the floor scripts: `--root DIR --db PATH` (the same global options as `runs`).
export function floorArgs(argv = process.argv.slice(2)) {
  const opts = {};
  for (let k = 0; k < argv.length; k++) {
    if (argv[k] === '--root') opts.root = argv[++k];
    else if (argv[k] === '--db') opts.db = argv[++k];
    else throw new Error(`unknown argument ${argv[k]}`);
  }
  return opts;
}

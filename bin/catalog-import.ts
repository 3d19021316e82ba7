/**
 * `npm run catalog:import -- FILE` publishes a CSV or JSON file of procedures as the next catalog
 * version (functions/catalog/data/), or reports every problem with its row and field and changes nothing.
 * `--dry-run` only checks; `--reindex` rebuilds the prebuilt search index of the current catalog.
 */
import { resolve } from 'node:path';
import { importCatalog, reindex } from '../functions/catalog/import.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const dataDirArg = args.indexOf('--data-dir');
const dataDir = resolve(dataDirArg >= 0 ? args[dataDirArg + 1]! : 'functions/catalog/data');
const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--data-dir');

const tty = process.stderr.isTTY;
let lastShown = -1;
function progress(phase: string, done: number, total: number) {
  const pct = total ? Math.floor((done / total) * 100) : 100;
  if (!tty && pct < lastShown + 10 && done !== total) return;
  lastShown = pct;
  const width = 30;
  const filled = Math.round((pct / 100) * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${phase} ${done}/${total}`;
  process.stderr.write(tty ? `\r${bar}` : `${bar}\n`);
  if (tty && done === total) process.stderr.write('\n');
}

if (flag('--reindex')) {
  const bytes = await reindex(dataDir);
  console.log(`search index rebuilt: ${(bytes / 1024).toFixed(1)} KiB`);
  process.exit(0);
}
if (!file) {
  console.error(
    'usage: npm run catalog:import -- FILE.csv|FILE.json [--dry-run] [--data-dir DIR] | --reindex',
  );
  process.exit(2);
}

const outcome = await importCatalog(resolve(file), { dataDir, dryRun: flag('--dry-run'), progress });
if (!outcome.ok) {
  console.error(`\nImport refused: ${outcome.problems.length} problem(s); nothing was published.`);
  for (const p of outcome.problems)
    console.error(`  row ${p.row}${p.path ? ` ${p.path}` : ''}: ${p.message}`);
  process.exit(1);
}
const what = outcome.added.map((a) => `${a.code} v${a.version}`).join(', ') || 'no changed procedures';
console.log(
  `${flag('--dry-run') ? 'Would publish' : 'Published'} catalog version ${outcome.catalogVersion}: ${what}` +
    `${outcome.unchanged.length ? `; unchanged: ${outcome.unchanged.join(', ')}` : ''}` +
    ` (search index ${((outcome.indexBytes ?? 0) / 1024).toFixed(1)} KiB).`,
);
console.log(
  'Commit functions/catalog/data/ and deploy to serve it; earlier procedure versions stay readable.',
);

/**
 * `npm run catalog:import -- FILE` publishes the next catalog version (functions/catalog/data/):
 * - a CSV or JSON file of curated procedures: every row is checked, and any problem refuses the whole
 *   file with its row and field;
 * - a JSON Lines file of the national procedure database (.jsonl or .jsonl.gz): each line becomes an
 *   information entry; a malformed line is reported with its line number and skipped.
 * `--dry-run` only checks; `--reindex` rebuilds the prebuilt search index of the current catalog.
 */
import { resolve } from 'node:path';
import { importCatalog, reindex } from '../functions/catalog/import.js';
import { importNational, isNationalFile } from '../functions/catalog/national-import.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const dataDirArg = args.indexOf('--data-dir');
const dataDir = resolve(dataDirArg >= 0 ? args[dataDirArg + 1]! : 'functions/catalog/data');
const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--data-dir');

const tty = process.stderr.isTTY;
let lastShown = -1;
let lastPhase = '';
function progress(phase: string, done: number, total: number) {
  const pct = total ? Math.floor((done / total) * 100) : 100;
  if (phase !== lastPhase) lastShown = -1;
  lastPhase = phase;
  // A bar redrawn in place on a terminal; a line per 10% otherwise (CI logs).
  if (!tty && pct < lastShown + 10 && done !== total) return;
  if (tty && pct === lastShown && done !== total) return;
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
    'usage: npm run catalog:import -- FILE.csv|FILE.json|FILE.jsonl[.gz] [--dry-run] [--data-dir DIR] | --reindex',
  );
  process.exit(2);
}

if (isNationalFile(file)) {
  const r = importNational(resolve(file), { dataDir, dryRun: flag('--dry-run'), progress });
  const imported = r.added.length + r.changed.length;
  console.log(
    `${r.lines} lines: ${imported} imported (${r.added.length} new, ${r.changed.length} changed), ` +
      `${r.unchanged} unchanged, ${r.skipped.length} skipped.`,
  );
  for (const s of r.skipped) console.log(`  skipped line ${s.line}: ${s.message}`);
  if (r.curated.length)
    console.log(`  curated procedures with an online form keep their codes: ${r.curated.join(', ')}`);
  console.log('Parsed fields (parsed / kept as published text / empty):');
  for (const [name, f] of Object.entries(r.fields)) {
    console.log(`  ${name}: ${f.parsed} parsed, ${f.raw} raw, ${f.empty} empty`);
    for (const e of f.examples.parsed) console.log(`    parsed ${e.code}: ${e.raw}`);
    for (const e of f.examples.raw) console.log(`    raw    ${e.code}: ${e.raw}`);
  }
  const h = r.handlers;
  const top = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  console.log(
    `Handlers (registry agencies named by the agency texts): ${h.mapped} entries mapped, ` +
      `${h.unregisteredOnly} naming only bodies outside the registry, ${h.unmapped} unmapped.`,
  );
  console.log(`  by handler: ${top(h.byHandler)}`);
  console.log(`  outside the registry: ${top(h.unregistered)}`);
  if (r.summariesRefreshed)
    console.log(
      flag('--dry-run')
        ? 'Would rewrite the derived summaries (no record changed, no new version).'
        : 'Rewrote the derived summaries (no record changed, no new version).',
    );
  console.log(
    r.published
      ? `Published catalog version ${r.catalogVersion}. Commit functions/catalog/data/ and deploy to serve it.`
      : flag('--dry-run') && imported
        ? `Would publish catalog version ${r.catalogVersion}.`
        : `Nothing changed: catalog version ${r.catalogVersion} stays as published.`,
  );
  process.exit(0);
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

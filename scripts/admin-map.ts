/**
 * Regenerates functions/registry/data/admin-map.json from the official list of administrative units in
 * data/admin-units-2025/ (Quyết định 19/2025/QĐ-TTg; see its SOURCE.md and LICENSE). Functions import
 * the compact JSON (communes as tuples keep it near 150 kB); a unit test rebuilds it from the CSV files
 * so the two cannot drift. A change of the map is a change of those files, then: npx tsx scripts/admin-map.ts
 */
import { writeFileSync } from 'node:fs';
import { adminMapFromCsv } from '../test/support/admin-map-csv.js';

const map = adminMapFromCsv();
writeFileSync(
  new URL('../functions/registry/data/admin-map.json', import.meta.url),
  `${JSON.stringify(map).replace(/\],\[/g, '],\n[')}\n`,
);
console.log(`${map.provinces.length} provinces, ${map.communes.length} communes`);

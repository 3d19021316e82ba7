/** npm run web:build: the citizen page's hashed, minified files in build/web (what hosting serves). */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWebPage } from '../lib/local/web-page.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'build', 'web');
const assets = await buildWebPage(join(root, 'web'));
if (assets.size === 0) throw new Error('web/src/main.tsx or web/index.html is missing');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const [path, asset] of assets) {
  writeFileSync(join(outDir, path), asset.body);
  if (asset.gzip) writeFileSync(join(outDir, `${path}.gz`), asset.gzip);
  if (asset.br) writeFileSync(join(outDir, `${path}.br`), asset.br);
  const size = (n?: number) => (n === undefined ? '' : `${(n / 1024).toFixed(1)} kB`);
  console.log(
    `${path.padEnd(32)} ${size(asset.body.length).padStart(9)}  gzip ${size(asset.gzip?.length)}  br ${size(asset.br?.length)}`,
  );
}
console.log(`→ ${outDir}`);

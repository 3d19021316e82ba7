/**
 * Catalog search at national scale: a generated 7,000-procedure catalog, in process — index build and
 * load time, index size, search latency p50/p99 over a mix of queries — and the catalog Lambda's cold
 * start with that catalog and its prebuilt index bundled in.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Catalog } from '../../functions/catalog/catalog.js';
import { procedureQuery } from '../../schemas/procedure.js';
import { generatedCatalog } from '../support/generated-catalog.js';
import { bundleFunction } from './bundle.js';

const run = promisify(execFile);
const OUT = resolve('.bench/catalog');
const SIZE = 7000;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

const QUERIES = [
  'cap giay phep moi truong',
  'gia hạn chứng chỉ hành nghề dược',
  'giay phep lao dong cho nguoi nuoc ngoai',
  'thu hoi giay phep kinh doanh ruou',
  'an toan thuc pham',
  'dang ky',
  'giay phep van tai bang xe o to cho doanh nghiep',
  'cong nhan co so du dieu kien chan nuoi',
  'chứng chỉ hành nghề kiến trúc',
  'giay phep xuat ban ban tin mau 3',
  'khai thac nuoc duoi dat',
  'le hoi',
  'giay phep moi truong cho hop tac xa',
  'trung tam ngoai ngu',
  'quyen su dung dat co yeu to nuoc ngoai',
  'xac nhan',
];
const FILTERS = [{}, { fullyOnline: 'true' }, { level: 'province' }, { province: '48', limit: '50' }];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (n: number) => `${n.toFixed(n < 1 ? 3 : 1)} ms`;

async function coldStart(data: object, index: object) {
  await mkdir(join(OUT, 'data', 'national'), { recursive: true });
  const catalogFile = join(OUT, 'catalog.json');
  await writeFile(catalogFile, JSON.stringify(data));
  // The search index and the (here empty) information entries are read from the data directory.
  await writeFile(join(OUT, 'data', 'search-index.json'), JSON.stringify(index));
  await writeFile(join(OUT, 'data', 'national', 'index.json'), JSON.stringify({ format: 1, procedures: [] }));
  const built = await bundleFunction('functions/catalog/handler.ts', join(OUT, 'catalog-handler'), {
    plugins: [
      {
        name: 'generated-catalog',
        setup(b) {
          b.onResolve({ filter: /data\/catalog\.json$/ }, () => ({ path: catalogFile }));
        },
      },
    ],
  });
  const outfile = built.entryFile;
  const event = {
    version: '2.0',
    routeKey: 'GET /v1/procedures',
    rawPath: '/v1/procedures',
    rawQueryString: 'q=cap+giay+phep+moi+truong',
    headers: {},
    queryStringParameters: { q: 'cap giay phep moi truong' },
    requestContext: { requestId: 'bench', http: { method: 'GET', path: '/v1/procedures' } },
    isBase64Encoded: false,
  };
  const script = `const m = await import(${JSON.stringify(outfile)}); const r = await m.handler(${JSON.stringify(event)}, { awsRequestId: 'bench', getRemainingTimeInMillis: () => 5000 }); process.stdout.write(JSON.stringify({ ms: performance.now(), status: r.statusCode, items: JSON.parse(r.body).items.length }));`;
  const times: number[] = [];
  let last = { status: 0, items: 0 };
  for (let i = 0; i < RUNS; i++) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        ...process.env,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        STAGE: 'bench',
        CATALOG_DATA_DIR: join(OUT, 'data'),
      },
    });
    const r = JSON.parse(stdout) as { ms: number; status: number; items: number };
    times.push(r.ms);
    last = r;
  }
  if (last.status !== 200 || last.items === 0) throw new Error(`catalog cold start answered ${last.status}`);
  return { bundleBytes: built.eagerBytes, median: pct(times, 50) };
}

export async function catalogSearch() {
  const data = generatedCatalog(SIZE);
  let t = performance.now();
  const catalog = Catalog.fromData(data);
  const buildMs = performance.now() - t;
  const index = catalog.serializedIndex();
  const json = JSON.stringify(index);
  t = performance.now();
  Catalog.fromData(data, JSON.parse(json));
  const loadMs = performance.now() - t;
  t = performance.now();
  Catalog.fromData(data, JSON.parse(json), { trusted: true });
  const trustedMs = performance.now() - t;

  const queries = QUERIES.flatMap((q) => FILTERS.map((f) => procedureQuery.parse({ q, ...f })));
  for (const q of queries) catalog.searchProcedures(q);
  const times: number[] = [];
  for (let round = 0; round < 20; round++)
    for (const q of queries) {
      const s = performance.now();
      catalog.searchProcedures(q);
      times.push(performance.now() - s);
    }
  const cold = await coldStart(data, index);
  return [
    { measure: 'procedures in the generated catalog', value: String(catalog.size) },
    { measure: 'catalog load + validation + index build', value: ms(buildMs) },
    { measure: 'catalog load + validation, prebuilt index', value: ms(loadMs) },
    { measure: 'published catalog + prebuilt index (cold-start path)', value: ms(trustedMs) },
    {
      measure: 'index size (JSON / gzip)',
      value: `${(json.length / 1024 / 1024).toFixed(2)} MiB / ${(gzipSync(json).length / 1024 / 1024).toFixed(2)} MiB`,
    },
    { measure: `search latency p50 (${times.length} searches)`, value: ms(pct(times, 50)) },
    { measure: 'search latency p99', value: ms(pct(times, 99)) },
    { measure: 'search latency max', value: ms(Math.max(...times)) },
    {
      measure: 'catalog Lambda bundle with the catalog',
      value: `${(cold.bundleBytes / 1024 / 1024).toFixed(2)} MiB`,
    },
    { measure: `catalog Lambda cold start + first search (median of ${RUNS})`, value: ms(cold.median) },
  ];
}

/**
 * The real national catalog (17 curated procedures + 2,849 imported entries): the catalog function's
 * bundle size and cold start against a bare Node.js process (the catalog uses no SDK client), search
 * latency, GET /v1/procedures/{code} latency (details read from local disk, then cached), and memory.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadPublished } from '../../functions/catalog/published.js';
import { procedureQuery } from '../../schemas/procedure.js';
import { bundleFunction } from './bundle.js';

const run = promisify(execFile);
const OUT = resolve('.bench/national');
const DATA = resolve('functions/catalog/data');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

const QUERIES = [
  'dang ky thuong tru',
  'cấp lại giấy phép lái xe',
  'ho chieu',
  'khai bổ sung hồ sơ hải quan',
  'giấy phép xuất nhập cảnh',
  'dang ky',
  'thue thu nhap ca nhan',
  'chứng chỉ hành nghề',
  'khai sinh',
  'ngoai hoi',
  'bảo hiểm xã hội một lần',
  'cap giay phep',
];
const FILTERS = [{}, { level: 'province' }, { field: 'Hộ tịch' }, { limit: '50' }];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (n: number) => `${n.toFixed(n < 1 ? 3 : 1)} ms`;
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

function event(path: string, query?: Record<string, string>, code?: string) {
  return {
    version: '2.0',
    routeKey: code ? 'GET /v1/procedures/{code}' : 'GET /v1/procedures',
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    headers: {},
    queryStringParameters: query,
    pathParameters: code ? { code } : undefined,
    requestContext: { requestId: 'bench', http: { method: 'GET', path } },
    isBase64Encoded: false,
  };
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const f of await readdir(dir, { recursive: true, withFileTypes: true }))
    if (f.isFile()) total += (await stat(join(f.parentPath, f.name))).size;
  return total;
}

async function coldStarts() {
  await mkdir(OUT, { recursive: true });
  const built = await bundleFunction('functions/catalog/handler.ts', join(OUT, 'catalog-handler'));
  const outfile = built.entryFile;
  const bare = join(OUT, 'bare.mjs');
  await writeFile(bare, "export const handler = async () => ({ statusCode: 200, body: '{}' });\n");
  const env = { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', STAGE: 'bench', CATALOG_DATA_DIR: DATA };
  const time = async (file: string, ev: unknown) => {
    const script = `const m = await import(${JSON.stringify(file)}); const r = await m.handler(${JSON.stringify(ev)}, { awsRequestId: 'bench', getRemainingTimeInMillis: () => 5000 }); const c = process.cpuUsage(); process.stdout.write(JSON.stringify({ ms: performance.now(), cpu: (c.user + c.system) / 1000, status: r.statusCode, rss: process.memoryUsage().rss }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env });
    return JSON.parse(stdout) as { ms: number; cpu: number; status: number; rss: number };
  };
  const cases = {
    'GET /v1/procedures/1.000823 (information entry)': event(
      '/v1/procedures/1.000823',
      undefined,
      '1.000823',
    ),
    'GET /v1/procedures?q=dang ky thuong tru': event('/v1/procedures', { q: 'dang ky thuong tru' }),
  };
  const rows: { measure: string; value: string }[] = [];
  // Wall time suffers from whatever else the machine runs; CPU time (user + system) much less so.
  const bareTimes: number[] = [];
  const bareCpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await time(bare, {});
    bareTimes.push(r.ms);
    bareCpu.push(r.cpu);
  }
  const base = pct(bareTimes, 50);
  const baseCpu = pct(bareCpu, 50);
  rows.push({
    measure: `bare Node.js handler cold start (median of ${RUNS})`,
    value: `${ms(base)} wall, ${ms(baseCpu)} CPU`,
  });
  for (const [name, ev] of Object.entries(cases)) {
    const times: number[] = [];
    const cpu: number[] = [];
    let last = { status: 0, rss: 0 };
    for (let i = 0; i < RUNS; i++) {
      const r = await time(outfile, ev);
      times.push(r.ms);
      cpu.push(r.cpu);
      last = r;
    }
    if (last.status !== 200) throw new Error(`${name} answered ${last.status}`);
    const m = pct(times, 50);
    const c = pct(cpu, 50);
    rows.push({
      measure: `catalog cold start + ${name}`,
      value: `${ms(m)} wall (+${ms(m - base)}), ${ms(c)} CPU (+${ms(c - baseCpu)}); RSS ${mib(last.rss)}`,
    });
  }
  rows.unshift(
    {
      measure: 'catalog function bundle (esbuild, minified)',
      value: `${(built.eagerBytes / 1024).toFixed(1)} KiB`,
    },
    {
      measure: 'catalog data beside it (search index + summaries + details)',
      value: `${mib((await stat(join(DATA, 'search-index.json'))).size)} + ${mib(await dirBytes(join(DATA, 'national')))} + ${mib(await dirBytes(join(DATA, 'details')))}`,
    },
  );
  return rows;
}

export async function nationalCatalog() {
  const heapBefore = process.memoryUsage().heapUsed;
  let t = performance.now();
  const { catalog, details } = loadPublished(DATA);
  const loadMs = performance.now() - t;
  // The first search loads the prebuilt index.
  t = performance.now();
  catalog.searchProcedures(procedureQuery.parse({ q: 'khai sinh' }));
  const firstSearchMs = performance.now() - t;
  const heapAfter = process.memoryUsage().heapUsed;

  const queries = QUERIES.flatMap((q) => FILTERS.map((f) => procedureQuery.parse({ q, ...f })));
  // A warm function's latency: the first passes (compilation of the search code) are not counted.
  for (let round = 0; round < 5; round++) for (const q of queries) catalog.searchProcedures(q);
  const times: number[] = [];
  for (let round = 0; round < 20; round++)
    for (const q of queries) {
      const s = performance.now();
      catalog.searchProcedures(q);
      times.push(performance.now() - s);
    }

  const codes = catalog.informationEntries().map((e) => e.code);
  const sample = Array.from({ length: 300 }, (_, i) => codes[(i * 7919) % codes.length]!);
  const cold: number[] = [];
  const warm: number[] = [];
  for (const code of sample) {
    let s = performance.now();
    await details.version(code);
    cold.push(performance.now() - s);
    s = performance.now();
    await details.version(code);
    warm.push(performance.now() - s);
  }
  return [
    { measure: 'procedures (curated + information entries)', value: String(catalog.size) },
    { measure: 'load summaries + prebuilt index (in process)', value: ms(loadMs) },
    { measure: 'first search (index loaded on first use)', value: ms(firstSearchMs) },
    { measure: 'heap held by the loaded catalog', value: mib(heapAfter - heapBefore) },
    { measure: `search latency p50 (${times.length} searches)`, value: ms(pct(times, 50)) },
    { measure: 'search latency p99', value: ms(pct(times, 99)) },
    {
      measure: 'details read from disk, p50 / p99 (first request of a code)',
      value: `${ms(pct(cold, 50))} / ${ms(pct(cold, 99))}`,
    },
    { measure: 'details from memory, p50 (later requests)', value: ms(pct(warm, 50)) },
    ...(await coldStarts()),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await nationalCatalog());

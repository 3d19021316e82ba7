import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCatalog } from '../../functions/catalog/import.js';
import type { InformationDetails, InformationIndexFile } from '../../functions/catalog/information.js';
import { importNational, importNationalText } from '../../functions/catalog/national-import.js';
import { loadPublished } from '../../functions/catalog/published.js';

const run = promisify(execFile);
const DATA = 'functions/catalog/data';
const SAMPLE = 'test/fixtures/national-sample.jsonl';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cong-national-'));
  for (const f of ['catalog.json', 'search-index.json']) await copyFile(join(DATA, f), join(dir, f));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Every artefact the import writes, by path, as text. */
async function artefacts(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of await readdir(dir, { recursive: true, withFileTypes: true }))
    if (f.isFile()) {
      const path = join(f.parentPath, f.name);
      out[path.slice(dir.length)] = await readFile(path, 'utf8');
    }
  return out;
}

const sampleLines = async () => (await readFile(SAMPLE, 'utf8')).split('\n').filter(Boolean);
const now = new Date('2026-12-01T03:00:00Z');

describe('national catalog import', () => {
  it('imports every record, reports parsed and raw fields with examples, and skips malformed lines by number', async () => {
    const lines = await sampleLines();
    const before = (await readCatalog(dir)).catalogVersion;
    const text = [
      lines[0],
      '{"code": "1.000999", "name": "Half a line',
      JSON.stringify({ name: 'Không có mã' }),
      JSON.stringify({ code: '1.00099', name: 'Mã sai' }),
      JSON.stringify({ code: '1.000998', name: '' }),
      '',
      ...lines.slice(1),
      lines[0],
    ].join('\n');
    const r = importNationalText(text, { dataDir: dir, now });
    expect(r.skipped).toEqual([
      { line: 2, message: expect.stringMatching(/^not valid JSON/) },
      { line: 3, message: 'missing code' },
      { line: 4, message: 'bad code format "1.00099"' },
      { line: 5, message: 'missing name' },
      { line: lines.length + 6, message: `code ${JSON.parse(lines[0]!).code} already on line 1` },
    ]);
    expect(r.added).toHaveLength(lines.length);
    expect(r).toMatchObject({ changed: [], unchanged: 0, published: true, catalogVersion: before + 1 });
    expect(r.curated.sort()).toEqual(['1.000656', '1.001193', '1.001612', '1.004222', '2.000986']);
    expect(r.fields.levels).toMatchObject({ parsed: lines.length, raw: 0, empty: 0 });
    expect(r.fields.channels.parsed + r.fields.channels.raw + r.fields.channels.empty).toBe(lines.length);
    expect(r.fields.channels.empty).toBe(1); // 1.013124, a Bộ Quốc phòng sheet without channels
    expect(r.fields.legalBasis.examples.parsed[0]).toEqual({
      code: expect.any(String),
      raw: expect.stringMatching(/^Tên văn bản pháp lý/),
    });
    // Nothing of a skipped line was written.
    const files = await artefacts();
    expect(Object.keys(files).filter((f) => f.includes('1.000999') || f.includes('1.000998'))).toEqual([]);
    expect((await readCatalog(dir)).catalogVersion).toBe(before + 1);
    const codes = JSON.parse(files['/national/codes.json']!) as string[];
    expect(codes).toHaveLength(lines.length);
  });

  it('is idempotent: the same file again publishes nothing and leaves every artefact byte for byte', async () => {
    const text = (await sampleLines()).join('\n');
    importNationalText(text, { dataDir: dir, now });
    const first = await artefacts();
    const version = JSON.parse(first['/catalog.json']!).catalogVersion;
    const again = importNationalText(text, { dataDir: dir, now: new Date('2026-12-02T00:00:00Z') });
    expect(again).toMatchObject({ added: [], changed: [], published: false, catalogVersion: version });
    expect(again.unchanged).toBe(text.split('\n').length);
    expect(await artefacts()).toEqual(first);
  });

  it('rewrites derived summaries in place when only the derivation changed: no new version', async () => {
    const text = (await sampleLines()).join('\n');
    importNationalText(text, { dataDir: dir, now });
    const first = await artefacts();
    const indexPath = join(dir, 'national', 'index.json');
    const index = JSON.parse(first['/national/index.json']!) as InformationIndexFile;
    expect(index.procedures.find((p) => p.code === '1.000656')?.handlers).toEqual(['commune:ubnd']);
    // Summaries as an earlier derivation wrote them, without handlers.
    const stale = { ...index, procedures: index.procedures.map(({ handlers: _h, ...p }) => p) };
    await writeFile(indexPath, `${JSON.stringify(stale)}\n`);
    const dry = importNationalText(text, { dataDir: dir, dryRun: true });
    expect(dry).toMatchObject({ summariesRefreshed: true, published: false });
    expect(await readFile(indexPath, 'utf8')).toBe(`${JSON.stringify(stale)}\n`);
    const r = importNationalText(text, { dataDir: dir, now: new Date('2026-12-02T00:00:00Z') });
    expect(r).toMatchObject({ added: [], changed: [], summariesRefreshed: true, published: false });
    expect(await artefacts()).toEqual(first);
    expect(importNationalText(text, { dataDir: dir }).summariesRefreshed).toBe(false);
  });

  it('gives a changed record a new version beside the old one, in a new catalog version', async () => {
    const lines = await sampleLines();
    importNationalText(lines.join('\n'), { dataDir: dir, now });
    const v1 = (await readCatalog(dir)).catalogVersion;
    const changed = {
      ...JSON.parse(lines[1]!),
      channels: JSON.parse(lines[1]!).channels.replaceAll('22 Ngày làm việc', '15 Ngày làm việc'),
    };
    const r = importNationalText([JSON.stringify(changed), ...lines.slice(2)].join('\n'), {
      dataDir: dir,
      now: new Date('2026-12-03T00:00:00Z'),
    });
    expect(r).toMatchObject({ added: [], changed: ['1.000823'], published: true, catalogVersion: v1 + 1 });
    const details = JSON.parse(
      await readFile(join(dir, 'details', '1.000823.json'), 'utf8'),
    ) as InformationDetails;
    expect(details.versions.map((v) => [v.version, v.catalogVersion])).toEqual([
      [1, v1],
      [2, v1 + 1],
    ]);
    // An unchanged record keeps its version; a record left out of the file stays as it was.
    const other = JSON.parse(
      await readFile(join(dir, 'details', '1.010093.json'), 'utf8'),
    ) as InformationDetails;
    expect(other.versions.map((v) => v.version)).toEqual([1]);

    const { catalog, details: store } = loadPublished(dir);
    expect(catalog.findInformation('1.000823')).toMatchObject({ version: 2, processingDays: 15 });
    expect((await store.version('1.000823'))!.at.entry.channels.items[0]!.time!.workingDays).toBe(15);
    expect((await store.version('1.000823', 1))!.at.entry.channels.items[0]!.time!.workingDays).toBe(22);
    const index = JSON.parse(
      await readFile(join(dir, 'national', 'index.json'), 'utf8'),
    ) as InformationIndexFile;
    expect(index.procedures.find((p) => p.code === '1.000823')).toMatchObject({
      version: 2,
      processingDays: 15,
    });
    // The curated record of a shared code is what the catalog serves; the imported one is only linked.
    expect(catalog.findProcedure('1.001193')!.formId).toBe('birth_registration');
    expect(catalog.findInformation('1.001193')).toBeUndefined();
  });

  it('reads a gzipped file, and the committed artefacts are exactly what the committed source gives', async () => {
    const gz = join(dir, 'sample.jsonl.gz');
    await writeFile(gz, gzipSync(await readFile(SAMPLE)));
    expect(importNational(gz, { dataDir: dir, now }).added).toHaveLength((await sampleLines()).length);

    // A dry run of the real national file against the published data changes nothing.
    const real = importNational('functions/catalog/sources/national-procedures.jsonl.gz', {
      dataDir: DATA,
      dryRun: true,
    });
    expect(real).toMatchObject({
      lines: 2849,
      added: [],
      changed: [],
      skipped: [],
      unchanged: 2849,
      published: false,
      // The committed summaries follow the current derivation of handlers.
      summariesRefreshed: false,
    });
    const { mapped, unregisteredOnly, unmapped } = real.handlers;
    expect(mapped + unregisteredOnly + unmapped).toBe(2849);
    const withHandlers = loadPublished()
      .catalog.informationEntries()
      .filter((s) => s.handlers?.length);
    // The summaries leave out the five codes curated procedures hold.
    expect(withHandlers.length).toBeGreaterThan(mapped - 5);
    expect(withHandlers.length).toBeLessThanOrEqual(mapped);
    expect(loadPublished().catalog.size).toBe(2849 + 17 - 5);
  }, 60_000);

  it('runs as npm run catalog:import with progress lines and the report', async () => {
    const file = join(dir, 'sample.jsonl');
    await writeFile(file, `${(await sampleLines()).join('\n')}\nnot json\n`);
    const { stdout, stderr } = await run(process.execPath, [
      '--import',
      'tsx',
      'bin/catalog-import.ts',
      '--data-dir',
      dir,
      file,
    ]);
    expect(stderr).toMatch(/\[#+\] 100% read/);
    expect(stdout).toMatch(/^15 lines: 14 imported \(14 new, 0 changed\), 0 unchanged, 1 skipped\./m);
    expect(stdout).toMatch(/skipped line 15: not valid JSON/);
    expect(stdout).toMatch(/channels: \d+ parsed, \d+ raw, 1 empty/);
    expect(stdout).toMatch(/parsed 1\.007664: /);
    expect(stdout).toMatch(/Handlers \(registry agencies named by the agency texts\): \d+ entries mapped/);
    expect(stdout).toMatch(/by handler: .*commune:ubnd \d+/);
    expect(stdout).toMatch(/Published catalog version \d+/);
  }, 30_000);
});

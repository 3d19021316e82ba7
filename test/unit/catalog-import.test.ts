import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog, type SerializedIndex } from '../../functions/catalog/catalog.js';
import { importCatalog, readCatalog } from '../../functions/catalog/import.js';
import { generatedProcedure } from '../support/generated-catalog.js';

const run = promisify(execFile);
const DATA = 'functions/catalog/data';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cong-catalog-'));
  for (const f of ['catalog.json', 'search-index.json']) await copyFile(join(DATA, f), join(dir, f));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const snapshot = async () =>
  Promise.all(['catalog.json', 'search-index.json'].map((f) => readFile(join(dir, f), 'utf8')));
const file = async (name: string, body: unknown) => {
  const path = join(dir, name);
  await writeFile(path, typeof body === 'string' ? body : JSON.stringify(body));
  return path;
};
const newProcedure = {
  ...generatedProcedure(7),
  code: '3.100001',
  name: 'Cấp giấy phép tổ chức bắn pháo hoa',
};

describe('catalog import', () => {
  it('publishes a valid JSON file as the next version, keeping earlier versions readable', async () => {
    const before = await readCatalog(dir);
    const current = Catalog.fromData(before).findProcedure('1.002758')!;
    const { form: _form, ...record } = current;
    const changed = {
      ...record,
      processingDays: 2,
      steps: [{ name: 'Cấp lại thẻ', days: 2 }],
      version: undefined,
    };
    const progress: string[] = [];
    const outcome = await importCatalog(await file('rows.json', { procedures: [changed, newProcedure] }), {
      dataDir: dir,
      progress: (phase, done, total) => progress.push(`${phase}:${done}/${total}`),
    });
    expect(outcome.problems).toEqual([]);
    expect(outcome).toMatchObject({
      ok: true,
      catalogVersion: before.catalogVersion + 1,
      added: [
        { code: '1.002758', version: 2 },
        { code: '3.100001', version: 1 },
      ],
    });
    expect(progress).toContain('validate:2/2');
    const after = await readCatalog(dir);
    const index = JSON.parse(await readFile(join(dir, 'search-index.json'), 'utf8')) as SerializedIndex;
    expect(index.catalogVersion).toBe(after.catalogVersion);
    const published = Catalog.fromData(after, index);
    expect(published.findProcedure('1.002758')).toMatchObject({ version: 2, processingDays: 2 });
    expect(published.findProcedureVersion('1.002758', 1)).toMatchObject({ version: 1, processingDays: 3 });
    expect(published.procedureToView(published.findProcedure('1.002758')!).versions).toEqual([1, 2]);
    expect(published.searchProcedures({ q: 'phao hoa', limit: 5 } as never).items[0]!.code).toBe('3.100001');

    // The same file again changes nothing but the catalog version, and adds no procedure version.
    const again = await importCatalog(await file('again.json', [{ ...changed, version: undefined }]), {
      dataDir: dir,
    });
    expect(again).toMatchObject({ ok: true, added: [], unchanged: ['1.002758'] });
  });

  it('publishes a valid CSV file with JSON and list cells', async () => {
    const header =
      'code,name,nameEn,field,level,authorityLevel,agencyId,agencyRule,formId,documents,fee,feeRule,processingDays,steps,multiDestination,bundle,legalBasis,keywords,effectiveFrom,illustrative';
    const docs = JSON.stringify([
      {
        type: 'application',
        name: 'Đơn đề nghị',
        nameEn: 'Application',
        required: true,
        maxBytes: 1000,
        mimeTypes: ['application/pdf'],
      },
    ]).replaceAll('"', '""');
    const steps = JSON.stringify([{ name: 'Giải quyết', days: 3 }]).replaceAll('"', '""');
    const rule = JSON.stringify({ kind: 'province_department', department: 'sct' }).replaceAll('"', '""');
    const row = `3.100002,"Cấp giấy phép bán lẻ rượu",Retail licence for liquor,Thương mại,toan_trinh,province,,"${rule}",health_card_reissue,"${docs}",1200000,,10,"${steps}",false,,"Nghị định 105/2017/NĐ-CP|Thông tư 168/2016/TT-BTC",rượu|bán lẻ,2025-07-01,fee`;
    const outcome = await importCatalog(await file('rows.csv', `${header}\n${row}\n`), { dataDir: dir });
    expect(outcome.problems).toEqual([]);
    const published = Catalog.fromData(await readCatalog(dir));
    expect(published.findProcedure('3.100002')).toMatchObject({
      fee: 1_200_000,
      agencyRule: { kind: 'province_department', department: 'sct' },
      keywords: ['rượu', 'bán lẻ'],
      legalBasis: ['Nghị định 105/2017/NĐ-CP', 'Thông tư 168/2016/TT-BTC'],
    });
  });

  it.each([
    ['a field the schema refuses', [{ ...newProcedure, level: 'muc_do_4' }], 1, 'level'],
    ['an unknown form', [{ ...newProcedure, formId: 'no_such_form' }], 1, 'formId'],
    ['an unknown agency', [{ ...newProcedure, agencyId: 'bo-khong-ton-tai' }], 1, 'agencyId'],
    ['an unknown fee rule', [{ ...newProcedure, feeRule: 'tuy_tam' }], 1, 'feeRule'],
    ['a fee that is not integer VND', [{ ...newProcedure, fee: 1.5 }], 1, 'fee'],
    ['a code twice', [newProcedure, { ...newProcedure, name: 'Khác' }], 2, 'code'],
    [
      'a version not after the published one',
      [{ ...newProcedure, code: '1.002804', version: 1 }],
      1,
      'version',
    ],
    [
      'a bundle member that does not exist',
      [{ ...newProcedure, bundle: ['1.001193', '9.999999'] }],
      1,
      'bundle.1',
    ],
    [
      'step budgets above the time limit',
      [{ ...newProcedure, processingDays: 2, steps: [{ name: 'Bước', days: 3 }] }],
      1,
      'steps',
    ],
    [
      'a document without a MIME type',
      [{ ...newProcedure, documents: [{ ...newProcedure.documents[0], mimeTypes: [] }] }],
      1,
      'documents.0.mimeTypes',
    ],
    [
      'both an agency and a rule',
      [{ ...newProcedure, agencyId: 'bct', agencyRule: { kind: 'commune' } }],
      1,
      'agencyId',
    ],
  ])('refuses the whole file for %s, naming row and field', async (_what, rows, row, path) => {
    const before = await snapshot();
    const valid = { ...generatedProcedure(8), code: '3.100009' };
    const outcome = await importCatalog(await file('rows.json', [...rows, valid]), { dataDir: dir });
    expect(outcome.ok).toBe(false);
    expect(outcome.problems).toEqual(expect.arrayContaining([expect.objectContaining({ row, path })]));
    expect(await snapshot()).toEqual(before);
  });

  it('reports every problem of every row at once, with CSV line numbers', async () => {
    const header =
      'code,name,nameEn,field,level,authorityLevel,agencyId,agencyRule,formId,documents,fee,feeRule,processingDays,steps,multiDestination,bundle,legalBasis,effectiveFrom';
    const good = `3.100003,Tên,Name,Lĩnh vực,toan_trinh,ministry,bct,,health_card_reissue,[],0,,5,"[{""name"":""B"",""days"":1}]",false,,Luật,2025-07-01`;
    const bad = `3.10000X,Tên,Name,Lĩnh vực,toan_trinh,ministry,bct,,health_card_reissue,[oops,abc,,5,"[]",perhaps,,Luật,2025-13-01`;
    const before = await snapshot();
    const outcome = await importCatalog(await file('rows.csv', `${header}\n${good}\n${bad}\n`), {
      dataDir: dir,
    });
    expect(outcome.ok).toBe(false);
    const paths = outcome.problems.filter((p) => p.row === 3).map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(['code', 'documents', 'fee', 'steps', 'multiDestination', 'effectiveFrom']),
    );
    expect(outcome.problems.some((p) => p.row === 2)).toBe(false);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a file that is not JSON or CSV at all', async () => {
    const outcome = await importCatalog(await file('rows.json', '{ not json'), { dataDir: dir });
    expect(outcome.ok).toBe(false);
    expect(outcome.problems[0]!.message).toMatch(/not valid JSON/);
    const empty = await importCatalog(await file('empty.json', []), { dataDir: dir });
    expect(empty.ok).toBe(false);
  });

  it('runs as npm run catalog:import: exit 1 with the report, exit 0 with a progress bar', async () => {
    const cli = ['--import', 'tsx', 'bin/catalog-import.ts', '--data-dir', dir];
    const badFile = await file('bad.json', [{ ...newProcedure, formId: 'nope' }]);
    const refused = await run(process.execPath, [...cli, badFile]).catch(
      (e) => e as { code: number; stderr: string },
    );
    expect((refused as { code: number }).code).toBe(1);
    expect((refused as { stderr: string }).stderr).toMatch(/row 1 formId: no form named nope/);
    const next = (await readCatalog(dir)).catalogVersion + 1;
    const ok = await run(process.execPath, [...cli, await file('ok.json', [newProcedure])]);
    expect(ok.stderr).toMatch(/\[#+\] 100% validate 1\/1/);
    expect(ok.stdout).toContain(`Published catalog version ${next}: 3.100001 v1`);
  });
});

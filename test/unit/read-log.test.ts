/**
 * The record of a read (functions/pii/read-log.ts): who counts as someone other than the owner, the
 * reader's pseudonym, the reason's bounds, a read that cannot be recorded failing closed, the item put
 * only if absent on both the dossier and the owner's log, and no code path that could change or delete one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { type DataRead, readerOf, readerRefOf, recordRead } from '../../functions/pii/read-log.js';
import { readLogStore } from '../../functions/pii/read-log-store.js';
import { dossierViewQuery } from '../../schemas/dossier-views.js';
import { mockedDocumentClient } from '../support/mocked-dynamo.js';
import { appErrorOf } from '../support/rejections.js';

const CODE = 'BHXHHN-260309-0001';
const AT = '2026-03-09T03:00:00.000Z';

const read = (over: Partial<DataRead> = {}): DataRead => ({
  at: AT,
  requestId: 'req-1',
  dossierCode: CODE,
  via: 'agency_officer',
  reader: readerRefOf('officer-1'),
  agencyId: 'bhxh-hn',
  what: 'sealed_fields',
  ...over,
});

describe('who is a reader', () => {
  const person = { sub: 'person-1', agencyId: 'bhxh-hn' };

  it('is everyone who reached the dossier but its owner, named by role and pseudonym', () => {
    expect(readerOf(person, 'owner')).toBeUndefined();
    expect(readerOf(person, undefined)).toBeUndefined();
    const ref = readerRefOf('person-1');
    expect(readerOf(person, 'agency')).toEqual({ via: 'agency_officer', reader: ref, agencyId: 'bhxh-hn' });
    expect(readerOf(person, 'filer')).toEqual({ via: 'desk_officer', reader: ref, agencyId: 'bhxh-hn' });
    expect(readerOf({ sub: 'person-1' }, 'enterprise')).toEqual({ via: 'representative', reader: ref });
    expect(readerOf({ sub: 'person-1' }, 'support')).toEqual({ via: 'support_agent', reader: ref });
  });

  it('has a stable pseudonym that does not show the account', () => {
    expect(readerRefOf('officer-1')).toBe(readerRefOf('officer-1'));
    expect(readerRefOf('officer-1')).not.toBe(readerRefOf('officer-2'));
    expect(readerRefOf('officer-1')).toMatch(/^r_[0-9a-f]{16}$/);
    expect(readerRefOf('officer-1')).not.toContain('officer');
  });
});

describe('recording a read', () => {
  it('hands the record to the port once, with the reason normalised', async () => {
    const puts: [DataRead, string][] = [];
    const reason = '  Xác minh hồ sơ '.normalize('NFD');
    await recordRead(
      { putRead: async (r, owner) => void puts.push([r, owner]) },
      read({ reason }),
      'owner-1',
    );
    expect(puts).toEqual([[read({ reason: 'Xác minh hồ sơ'.normalize('NFC') }), 'owner-1']]);
  });

  it('refuses a reason out of bounds, recording nothing', async () => {
    const puts: DataRead[] = [];
    const port = { putRead: async (r: DataRead) => void puts.push(r) };
    const long = await appErrorOf(
      recordRead(port, read({ reason: 'x'.repeat(201) }), 'o'),
      'VALIDATION_FAILED',
    );
    expect(long.status).toBe(400);
    await appErrorOf(recordRead(port, read({ reason: ' a ' }), 'o'), 'VALIDATION_FAILED');
    expect(puts).toEqual([]);
    // The route refuses it with the query already.
    expect(dossierViewQuery.safeParse({ reason: 'x'.repeat(201) }).success).toBe(false);
    expect(dossierViewQuery.parse({ reveal: 'true', reason: 'Đối chiếu CCCD' })).toEqual({
      reveal: true,
      reason: 'Đối chiếu CCCD',
    });
  });

  it('fails the read with 503 when the record cannot be written', async () => {
    const port = {
      putRead: async () => {
        throw new Error('table unavailable');
      },
    };
    const err = await appErrorOf(recordRead(port, read(), 'owner-1'), 'READ_NOT_RECORDED');
    expect(err.status).toBe(503);
  });
});

describe('the read record in the table', () => {
  const ddb = mockedDocumentClient();

  it('is one item beside the dossier and on the owner index, put only if absent', async () => {
    ddb.on(PutCommand).resolves({});
    await readLogStore().putRead(read({ reason: 'Đối chiếu' }), 'owner-1');
    const [call] = ddb.commandCalls(PutCommand);
    expect(call!.args[0].input).toEqual({
      TableName: 'cong-test',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: `DOSSIER#${CODE}`,
        sk: `ACCESS#${AT}#req-1`,
        gsi1pk: 'OWNER#owner-1',
        gsi1sk: `ACCESS#${AT}#req-1`,
        kind: 'dossierRead',
        ...read({ reason: 'Đối chiếu' }),
      },
    });
  });

  it('counts the same record already there as written, and any other failure as a failure', async () => {
    ddb.on(PutCommand).rejectsOnce(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    await expect(readLogStore().putRead(read(), 'owner-1')).resolves.toBeUndefined();
    ddb.reset();
    ddb.on(PutCommand).rejects(new Error('throttled'));
    await expect(readLogStore().putRead(read(), 'owner-1')).rejects.toThrow('throttled');
  });
});

describe('append-only', () => {
  const root = join(import.meta.dirname, '../../functions');
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );
  const files = sources(root).map((f) => ({ path: relative(root, f), text: readFileSync(f, 'utf8') }));

  it('builds the keys of read records only where they are put (conditionally) or listed', () => {
    const users = files
      .filter((f) => /keys\.(dossierRead|shareRead|ownerAccessIndex)\b/.test(f.text))
      .map((f) => f.path)
      .sort();
    // Each of these puts with attribute_not_exists or only queries; a new one must be reviewed here.
    expect(users).toEqual([
      'core/queries.ts',
      'documents/library.ts',
      'documents/result-store.ts',
      'pii/read-log-store.ts',
    ]);
    for (const f of files.filter((x) => users.includes(x.path)))
      expect(f.text, f.path).not.toMatch(/DeleteCommand|UpdateCommand|DeleteRequest|TransactWrite.*Delete/);
    const putters = files.filter((f) => /keys\.(dossierRead|shareRead)\(/.test(f.text));
    for (const f of putters)
      expect(f.text, f.path).toContain("ConditionExpression: 'attribute_not_exists(pk)'");
  });
});

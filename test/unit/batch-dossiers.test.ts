import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { DossierRecord } from '../../functions/core/dossier.js';
import { batchDossierReader, seqOf } from '../../functions/notifications/batch-dossiers.js';

const dossier = (code: string, version: number, lastSeq: number): DossierRecord => ({
  code,
  submissionId: '01J0000000000000000000000',
  procedureCode: '1.002804',
  procedureVersion: 1,
  procedureName: 'Đổi giấy phép lái xe',
  agencyId: 'cahn',
  agencyName: 'Công an Hà Nội',
  ownerSub: 'citizen-1',
  status: 'received',
  version,
  lastSeq,
  lastHash: `hash-${lastSeq}`,
  submittedAt: '2026-12-01T02:00:00.000Z',
  updatedAt: '2026-12-01T03:00:00.000Z',
  dueAt: '2026-12-10T10:00:00.000Z',
  form: {},
  attachments: [],
});

const imageOf = (d: DossierRecord): DynamoDBRecord => ({
  eventName: 'MODIFY',
  dynamodb: {
    NewImage: marshall({ pk: `DOSSIER#${d.code}`, sk: 'DOSSIER', kind: 'dossier', ...d }) as never,
  },
});
const eventOf = (code: string, seq: number): DynamoDBRecord => ({
  eventName: 'INSERT',
  dynamodb: {
    NewImage: marshall({ pk: `DOSSIER#${code}`, sk: `EVENT#${String(seq).padStart(5, '0')}`, seq }) as never,
  },
});

describe('the dossiers a stream batch speaks of', () => {
  it('takes the newest image in the batch for an event it covers, without reading the table', async () => {
    const reads: string[] = [];
    const reader = batchDossierReader(
      [imageOf(dossier('A-1', 2, 2)), eventOf('A-1', 2), imageOf(dossier('A-1', 3, 3)), eventOf('A-1', 3)],
      async (code) => {
        reads.push(code);
        return undefined;
      },
    );
    expect((await reader('A-1', 2))?.version).toBe(3);
    expect((await reader('A-1', 3))?.lastSeq).toBe(3);
    expect(reads).toEqual([]);
  });

  it('reads a dossier whose image is older than the event, once for the whole batch', async () => {
    const reads: string[] = [];
    const reader = batchDossierReader([imageOf(dossier('A-1', 2, 2)), eventOf('A-1', 3)], async (code) => {
      reads.push(code);
      return dossier(code, 3, 3);
    });
    const [first, second] = await Promise.all([reader('A-1', 3), reader('A-1', 3)]);
    expect(first?.version).toBe(3);
    expect(second?.version).toBe(3);
    expect(await reader('B-2', 1)).toMatchObject({ code: 'B-2' });
    expect(reads).toEqual(['A-1', 'B-2']);
  });

  it('does not remember a failed read: the next record reads again', async () => {
    let calls = 0;
    const reader = batchDossierReader([], async (code) => {
      calls += 1;
      if (calls === 1) throw new Error('throttled');
      return dossier(code, 1, 1);
    });
    await expect(reader('A-1', 1)).rejects.toThrow('throttled');
    expect((await reader('A-1', 1))?.code).toBe('A-1');
    expect(calls).toBe(2);
  });

  it('leaves a malformed image to the table read', async () => {
    const broken: DynamoDBRecord = {
      eventName: 'MODIFY',
      dynamodb: {
        NewImage: marshall({ pk: 'DOSSIER#A-1', sk: 'DOSSIER', kind: 'dossier', code: 'A-1' }) as never,
      },
    };
    const reader = batchDossierReader([broken], async (code) => dossier(code, 5, 5));
    expect((await reader('A-1', 1))?.version).toBe(5);
  });

  it('names the timeline seq a record carries', () => {
    expect(seqOf(eventOf('A-1', 7))).toBe(7);
    expect(seqOf(imageOf(dossier('A-1', 1, 1)))).toBeUndefined();
  });
});

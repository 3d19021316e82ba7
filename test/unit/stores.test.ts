/** The DynamoDB adapters' mapping of AWS answers to domain outcomes, with the SDK mocked. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { agencyEventStore } from '../../functions/agencies/store.js';
import { GENESIS_HASH, sealEvent } from '../../functions/core/timeline.js';
import { intakeStore } from '../../functions/intake/store.js';
import type { IntakeWrite } from '../../functions/intake/submit.js';
import { mockedDocumentClient } from '../support/mocked-dynamo.js';

const ddb = mockedDocumentClient();

const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

const event = sealEvent({
  seq: 1,
  at: '2026-11-20T03:00:00.000Z',
  type: 'dossier.submitted',
  status: 'submitted',
  actor: 'citizen',
  prevHash: GENESIS_HASH,
});

const write = (uploads: number): IntakeWrite => ({
  ownerSub: 'citizen-a',
  idempotencyKey: 'key-00000001',
  requestHash: 'h',
  response: { submissionId: '01KAAAAAAAAAAAAAAAAAAAAAA1', dossiers: [] },
  submissionId: '01KAAAAAAAAAAAAAAAAAAAAAA1',
  dossiers: [
    {
      record: {
        code: 'CAHN-261120-0001',
        submissionId: '01KAAAAAAAAAAAAAAAAAAAAAA1',
        procedureCode: '1.002804',
        procedureVersion: 1,
        procedureName: 'Đổi giấy phép lái xe',
        agencyId: 'cahn',
        agencyName: 'Công an thành phố Hà Nội',
        ownerSub: 'citizen-a',
        status: 'submitted',
        version: 1,
        lastSeq: 1,
        lastHash: event.hash,
        submittedAt: event.at,
        updatedAt: event.at,
        dueAt: '2026-11-27T10:00:00.000Z',
        form: {},
        attachments: [],
      },
      firstEvent: event,
    },
  ],
  outbox: { id: '01KAAAAAAAAAAAAAAAAAAAAAA2', channel: 'bca', messages: [] },
  attachedUploads: Array.from({ length: uploads }, (_, i) => ({
    uploadId: `U${i}`,
    dossierCode: 'CAHN-261120-0001',
  })),
  draft: { sub: 'citizen-a', procedureCode: '1.002804' },
  at: event.at,
});

describe('intake store', () => {
  it('writes idempotency record, submission, dossier, first event, outbox and upload claims in one transaction', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await intakeStore().commit(write(2))).toBe('committed');
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items).toHaveLength(8);
    expect(items[0]?.Put?.Item?.pk).toBe('IDEMPOTENCY#dossiers#citizen-a#key-00000001');
    expect(items.map((i) => (i.Put?.Item?.pk ?? i.Update?.Key?.pk ?? i.Delete?.Key?.pk) as string)).toEqual([
      'IDEMPOTENCY#dossiers#citizen-a#key-00000001',
      'SUBMISSION#01KAAAAAAAAAAAAAAAAAAAAAA1',
      'DOSSIER#CAHN-261120-0001',
      'DOSSIER#CAHN-261120-0001',
      'OUTBOX#01KAAAAAAAAAAAAAAAAAAAAAA2',
      'PROFILE#citizen-a',
      'UPLOAD#U0',
      'UPLOAD#U1',
    ]);
    // The filer's draft goes with the commit, unconditionally (there may be none).
    expect(items[5]?.Delete).toMatchObject({ Key: { sk: 'DRAFT#1.002804' } });
    expect(items[5]?.Delete?.ConditionExpression).toBeUndefined();
    expect(items[6]?.Update?.ConditionExpression).toContain('#state = :pending');
  });

  it('maps a failed idempotency condition to a taken key', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejects(cancelled(['ConditionalCheckFailed', 'None', 'None', 'None', 'None', 'None']));
    expect(await intakeStore().commit(write(1))).toBe('idempotency-key-taken');
  });

  it('maps a failed upload condition to an upload already used', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejects(cancelled(['None', 'None', 'None', 'None', 'None', 'None', 'ConditionalCheckFailed']));
    expect(await intakeStore().commit(write(1))).toBe('upload-taken');
  });

  it('lets any other failure surface', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejects(cancelled(['ValidationError', 'None', 'None', 'None', 'None', 'None']));
    await expect(intakeStore().commit(write(1))).rejects.toBeInstanceOf(TransactionCanceledException);
  });

  it('commits again after a concurrent transaction, a bounded number of times', async () => {
    const conflict = cancelled(['None', 'None', 'None', 'None', 'None', 'TransactionConflict']);
    ddb.on(TransactWriteCommand).rejectsOnce(conflict).resolves({});
    expect(await intakeStore().commit(write(1))).toBe('committed');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);

    ddb.reset();
    ddb.on(TransactWriteCommand).rejects(conflict);
    expect(await intakeStore().commit(write(1))).toBe('conflict');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(4);
  });

  it('counts the account in the same transaction, and maps its spent allowance to rate-limited', async () => {
    const accountLimit = {
      limitClass: 'intake' as const,
      subject: 'acct:citizen-a',
      window: { start: 1_800_000_000, end: 1_800_003_600 },
      limit: 30,
    };
    ddb.on(TransactWriteCommand).resolves({});
    await intakeStore().commit({ ...write(1), accountLimit });
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    // Before the upload claims, whose failures are read from the end.
    expect(items[6]?.Update).toMatchObject({
      Key: { pk: 'RATE#intake#acct:citizen-a#1800000000' },
      ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
    });
    expect(items[7]?.Update?.Key?.pk).toBe('UPLOAD#U0');

    ddb.reset();
    ddb
      .on(TransactWriteCommand)
      .rejects(cancelled(['None', 'None', 'None', 'None', 'None', 'None', 'ConditionalCheckFailed', 'None']));
    expect(await intakeStore().commit({ ...write(1), accountLimit })).toBe('rate-limited');
  });

  it('reads idempotency records consistently', async () => {
    ddb
      .on(GetCommand)
      .resolves({ Item: { requestHash: 'h', response: { submissionId: 'x', dossiers: [] } } });
    expect(await intakeStore().findIdempotent('citizen-a', 'key-00000001')).toMatchObject({
      requestHash: 'h',
    });
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input.ConsistentRead).toBe(true);
  });
});

describe('agency event store', () => {
  const change = {
    agencyId: 'cahn',
    dossier: write(0).dossiers[0]!.record,
    event: sealEvent({
      seq: 2,
      at: '2026-11-21T03:00:00.000Z',
      type: 'dossier.received',
      status: 'received',
      actor: 'agency',
      prevHash: event.hash,
    }),
    result: {
      eventId: 'evt-1',
      dossierCode: 'CAHN-261120-0001',
      applied: true,
      status: 'received' as const,
      reason: 'applied' as const,
    },
  };

  it('conditions the state change on the version it read', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await agencyEventStore().apply(change)).toBe('applied');
    const [update] = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(update?.Update?.ConditionExpression).toBe('#version = :expected');
    expect(update?.Update?.ExpressionAttributeValues).toMatchObject({
      ':expected': 1,
      ':next': 2,
      ':to': 'received',
    });
  });

  it('tells a recorded event from a concurrent change', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(['None', 'None', 'ConditionalCheckFailed']));
    expect(await agencyEventStore().apply(change)).toBe('already-recorded');
    ddb.on(TransactWriteCommand).rejects(cancelled(['ConditionalCheckFailed', 'None', 'None']));
    expect(await agencyEventStore().apply(change)).toBe('version-conflict');
  });
});

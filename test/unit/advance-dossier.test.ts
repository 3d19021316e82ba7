/**
 * advanceDossier (functions/dossiers/advance.ts): one timeline event moves a dossier only from the version
 * it was read at, with the event's put beside it; the stores that advance dossiers send exactly that.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { DossierRecord } from '../../functions/core/dossier.js';
import { sealEvent } from '../../functions/core/timeline.js';
import { advanceDossier, timelinePut } from '../../functions/dossiers/advance.js';
import { citizenStepStore } from '../../functions/intake/supplement-store.js';
import { mockedDocumentClient } from '../support/mocked-dynamo.js';

const ddb = mockedDocumentClient();

const event = sealEvent({
  seq: 3,
  at: '2026-11-21T03:00:00.000Z',
  type: 'dossier.in_progress',
  status: 'in_progress',
  actor: 'agency',
  prevHash: 'a'.repeat(64),
});
const dossier = { code: 'CAHN-261120-0001', version: 2 };

type Update = ReturnType<typeof advanceDossier>[0]['Update'];

/** Every placeholder an expression uses is defined, and every one defined is used (DynamoDB refuses either). */
function placeholdersMatch(u: Update) {
  const text = `${u.UpdateExpression} ${u.ConditionExpression}`;
  const used = (re: RegExp) => new Set(text.match(re) ?? []);
  expect(used(/#[A-Za-z0-9_]+/g)).toEqual(new Set(Object.keys(u.ExpressionAttributeNames)));
  expect(used(/:[A-Za-z0-9_]+/g)).toEqual(new Set(Object.keys(u.ExpressionAttributeValues)));
}

describe('advancing a dossier by one timeline event', () => {
  it('moves status, version and hash chain only from the version read, and puts the event once', () => {
    const [update, put] = advanceDossier('cong-test', { dossier, event });
    expect(update.Update.Key).toEqual({ pk: 'DOSSIER#CAHN-261120-0001', sk: 'DOSSIER' });
    expect(update.Update.ConditionExpression).toBe('#version = :expected');
    expect(update.Update.UpdateExpression).toBe(
      'SET #status = :to, #version = :next, lastSeq = :seq, lastHash = :hash, updatedAt = :at',
    );
    expect(update.Update.ExpressionAttributeValues).toEqual({
      ':expected': 2,
      ':next': 3,
      ':to': 'in_progress',
      ':seq': 3,
      ':hash': event.hash,
      ':at': event.at,
    });
    placeholdersMatch(update.Update);
    expect(put).toEqual(timelinePut('cong-test', dossier.code, event));
    expect(put.Put.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(put.Put.Item).toMatchObject({ kind: 'event', seq: 3, hash: event.hash, status: 'in_progress' });
  });

  it('sets, appends, clears and conditions further attributes by path, and may leave the status alone', () => {
    const [update] = advanceDossier('cong-test', {
      dossier,
      event,
      moveStatus: false,
      at: '2026-11-21T03:00:01.000Z',
      set: {
        dueAt: '2026-12-01T10:00:00.000Z',
        'payment.status': 'succeeded',
        'bundle.handedOffAt': event.at,
      },
      append: { attachments: [{ key: 'k' }] },
      remove: ['stepClock'],
      expect: { 'payment.paymentId': 'pay-1' },
      absent: ['bundle.handedOffAt'],
    });
    const u = update.Update;
    expect(u.UpdateExpression).not.toContain('#status = :to');
    expect(u.ExpressionAttributeValues).not.toHaveProperty(':to');
    expect(u.UpdateExpression).toContain('#payment.#status = :set_payment_status');
    expect(u.UpdateExpression).toContain('#attachments = list_append(#attachments, :append_attachments)');
    expect(u.UpdateExpression).toMatch(/ REMOVE #stepClock$/);
    expect(u.ConditionExpression).toBe(
      '#version = :expected AND #payment.#paymentId = :expect_payment_paymentId AND attribute_not_exists(#bundle.#handedOffAt)',
    );
    expect(u.ExpressionAttributeValues).toMatchObject({
      ':at': '2026-11-21T03:00:01.000Z',
      ':set_payment_status': 'succeeded',
      ':expect_payment_paymentId': 'pay-1',
      ':append_attachments': [{ key: 'k' }],
    });
    placeholdersMatch(u);
  });

  it('is what a citizen step store sends, and a moved version is a conflict, not an error', async () => {
    const read = { ...dossier, status: 'received' } as unknown as DossierRecord;
    ddb.on(TransactWriteCommand).resolves({});
    expect(await citizenStepStore().applyStep(read, event)).toBe('applied');
    const sent = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems;
    expect(sent).toEqual([...advanceDossier('cong-test', { dossier: read, event })]);

    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    expect(await citizenStepStore().applyStep(read, event)).toBe('version-conflict');
  });
});

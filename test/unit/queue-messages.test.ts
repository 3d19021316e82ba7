/**
 * The agency-queue message contract (functions/dossiers/messages.ts): messages queued before it was
 * versioned still parse, producers cannot write what the dispatcher refuses, and the dispatcher fails an
 * unknown type or version as one batch item rather than crashing the batch.
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/dispatch/dispatcher.js';
import { matches } from '../../functions/dispatch/redrive.js';
import {
  outboxItem,
  parseQueueMessage,
  QUEUE_MESSAGE_TYPES,
  queueMessageOf,
  subjectOf,
} from '../../functions/dossiers/messages.js';
import { dispatchOutbox, outboxPut, readOutboxItem } from '../../functions/dossiers/outbox.js';

/** Bodies exactly as the producers wrote them before messages carried `v` (queues, DLQs, outbox items). */
const UNVERSIONED = {
  submitted: {
    type: 'dossier.submitted',
    dossierCode: 'CAHN-261120-0001',
    agencyId: 'cahn',
    channel: 'bca',
    webhookId: 'msg_01KAAAAAAAAAAAAAAAAAAAAAA2_CAHN-261120-0001',
  },
  paid: {
    type: 'dossier.submitted',
    dossierCode: 'CAHN-261120-0002',
    agencyId: 'cahn',
    webhookId: 'msg_01KAAAAAAAAAAAAAAAAAAAAAA3_CAHN-261120-0002',
  },
  supplemented: {
    type: 'dossier.supplemented',
    dossierCode: 'CAHN-261120-0001',
    agencyId: 'cahn',
    channel: 'bca',
    seq: 4,
    webhookId: 'msg_01KAAAAAAAAAAAAAAAAAAAAAA4_CAHN-261120-0001',
  },
  withdrawn: {
    type: 'dossier.withdrawn',
    dossierCode: 'CAHN-261120-0001',
    agencyId: 'cahn',
    channel: 'bca',
    webhookId: 'msg_01KAAAAAAAAAAAAAAAAAAAAAA5_CAHN-261120-0001',
  },
  redelivery: {
    type: 'dossier.supplemented',
    dossierCode: 'CAHN-261120-0001',
    agencyId: 'cahn',
    webhookId: 'msg_01KAAAAAAAAAAAAAAAAAAAAAA4_CAHN-261120-0001',
    seq: 4,
    channel: 'bca',
    redeliveryId: '01KAAAAAAAAAAAAAAAAAAAAAA6',
  },
  petition: {
    type: 'petition.created',
    petitionCode: 'PAKN-261120-0001',
    agencyId: 'sxd-01',
    channel: 'p01',
    webhookId: 'msg_01KAAAAAAAAAAAAAAAAAAAAAA7_PAKN-261120-0001',
    routing: 'reassigned',
    fromAgencyId: 'stc-01',
  },
  ticket: {
    type: 'support.handed',
    ticketCode: 'HTTT-261207-0001',
    agencyId: 'sxd-01',
    channel: 'p01',
    webhookId: 'msg_01KAAAAAAAAAAAAAAAAAAAAAA8_HTTT-261207-0001',
  },
} as const;

/** Types first written after `v` existed: no unversioned body of them was ever queued. */
const SINCE_VERSIONING = ['dossier.payment_refunded'];

describe('the agency-queue message contract', () => {
  it('reads every message queued before versioning as version 1, fields unchanged', () => {
    for (const [name, body] of Object.entries(UNVERSIONED)) {
      const parsed = parseQueueMessage(JSON.stringify(body));
      expect(parsed, name).toEqual({ ok: true, message: { ...body, v: 1 } });
    }
    // Every message type of the union has a body from before versioning above, but those added since.
    expect(new Set([...Object.values(UNVERSIONED).map((b) => b.type), ...SINCE_VERSIONING])).toEqual(
      new Set(QUEUE_MESSAGE_TYPES),
    );
  });

  it('writes a type added since versioning as v1, which v1 readers of the other types are unaffected by', () => {
    const refunded = queueMessageOf({
      type: 'dossier.payment_refunded',
      dossierCode: 'CAHN-261120-0002',
      agencyId: 'cahn',
      channel: 'bca',
      webhookId: 'msg_01KAAAAAAAAAAAAAAAAAAAAAA9_CAHN-261120-0002',
    });
    expect(refunded.v).toBe(1);
    expect(parseQueueMessage(JSON.stringify(refunded))).toEqual({ ok: true, message: refunded });
    expect(subjectOf(refunded)).toBe('CAHN-261120-0002');
    const { dossierCode: _gone, ...noCode } = refunded;
    expect(parseQueueMessage(JSON.stringify(noCode))).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('reads a v1 message, and names an unknown version, an unknown type and bad fields apart', () => {
    const v1 = { ...UNVERSIONED.submitted, v: 1 };
    expect(parseQueueMessage(JSON.stringify(v1))).toEqual({ ok: true, message: v1 });
    expect(parseQueueMessage(JSON.stringify({ ...v1, v: 2 }))).toMatchObject({
      ok: false,
      reason: 'unknown-version',
    });
    expect(parseQueueMessage(JSON.stringify({ ...v1, type: 'dossier.teleported' }))).toMatchObject({
      ok: false,
      reason: 'unknown-type',
    });
    const { dossierCode: _gone, ...noCode } = v1;
    expect(parseQueueMessage(JSON.stringify(noCode))).toMatchObject({
      ok: false,
      reason: 'malformed',
      detail: expect.stringContaining('dossierCode'),
    });
    expect(parseQueueMessage(JSON.stringify({ ...UNVERSIONED.supplemented, seq: 0 }))).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(parseQueueMessage('{not json')).toMatchObject({ ok: false, reason: 'not-json' });
    expect(parseQueueMessage('null')).toMatchObject({ ok: false, reason: 'unknown-type' });
  });

  it('builds messages with their version, and refuses to build what the dispatcher would refuse', () => {
    expect(queueMessageOf(UNVERSIONED.petition)).toEqual({ ...UNVERSIONED.petition, v: 1 });
    expect(() => queueMessageOf({ ...UNVERSIONED.petition, routing: 'teleported' as 'submitted' })).toThrow();
    expect(subjectOf(queueMessageOf(UNVERSIONED.ticket))).toBe('HTTT-261207-0001');
    expect(subjectOf(queueMessageOf(UNVERSIONED.petition))).toBe('PAKN-261120-0001');
    expect(subjectOf(queueMessageOf(UNVERSIONED.withdrawn))).toBe('CAHN-261120-0001');
  });

  it('writes outbox items whose messages carry their version and checks each message as written', () => {
    const outbox = dispatchOutbox('01KAAAAAAAAAAAAAAAAAAAAAA2', [
      { agency: { id: 'cahn', channel: 'bca' }, code: 'CAHN-261120-0001' },
    ]);
    const put = outboxPut('cong-test', outbox, '2026-11-20T03:00:00.000Z');
    expect(put.Put.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(put.Put.Item.messages).toEqual([{ ...UNVERSIONED.submitted, v: 1 }]);
    expect(put.Put.Item).not.toHaveProperty('channel');
    expect(() =>
      outboxPut(
        'cong-test',
        // A message without its agency cannot be written.
        { id: 'x', messages: [{ ...UNVERSIONED.ticket, agencyId: undefined as unknown as string }] },
        '2026-11-20T03:00:00.000Z',
      ),
    ).toThrow();
  });

  it('reads outbox items written before versioning, with the item channel as fallback', () => {
    const item = {
      pk: 'OUTBOX#01KAAAAAAAAAAAAAAAAAAAAAA3',
      sk: 'OUTBOX',
      kind: 'outbox',
      channel: 'bca',
      messages: [UNVERSIONED.paid],
      createdAt: '2026-11-20T03:00:00.000Z',
      ttl: 1_800_000_000,
    };
    expect(readOutboxItem(item)).toEqual({ channel: 'bca', messages: [{ ...UNVERSIONED.paid, v: 1 }] });
    expect(outboxItem.safeParse({ messages: [{ type: 'dossier.teleported' }] }).success).toBe(false);
  });

  it('lets a redrive pick any kind of dead letter of the agency, and none of another version', () => {
    const letter = (body: unknown) => ({ receiptHandle: 'r', sentAt: 0, body: JSON.stringify(body) });
    expect(matches(letter(UNVERSIONED.petition), { agencyId: 'sxd-01' })).toBe(true);
    expect(matches(letter(UNVERSIONED.withdrawn), { agencyId: 'cahn' })).toBe(true);
    expect(matches(letter({ ...UNVERSIONED.withdrawn, v: 1 }), { agencyId: 'cahn' })).toBe(true);
    expect(matches(letter({ ...UNVERSIONED.withdrawn, v: 9 }), { agencyId: 'cahn' })).toBe(false);
  });
});

const record = (messageId: string, body: unknown): SQSRecord => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '0',
    SenderId: 'x',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:ap-southeast-1:000000000000:cong-local-agency-x',
  awsRegion: 'ap-southeast-1',
});

describe('the dispatcher facing messages it cannot read', () => {
  it('fails an unknown type, an unknown version and a body that is not JSON as batch items, not the batch', async () => {
    const event: SQSEvent = {
      Records: [
        record('type', { ...UNVERSIONED.submitted, type: 'dossier.teleported' }),
        record('version', { ...UNVERSIONED.submitted, v: 2 }),
        record('json', '{not json'),
      ],
    };
    const out = await handler(event);
    expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['json', 'type', 'version']);
  });
});

import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { DossierRecord } from '../../functions/core/dossier.js';
import { DISPATCH } from '../../functions/core/resources.js';
import { AGENCY_HEADER, signWebhook } from '../../functions/core/webhooks.js';
import {
  deliveryPayload,
  type PaidFee,
  refundPayload,
  supplementPayload,
  withdrawalPayload,
} from '../../functions/dispatch/deliver.js';
import { petitionPayload } from '../../functions/dispatch/petition-deliver.js';
import { supportPayload } from '../../functions/dispatch/support-deliver.js';
import type { PetitionRecord } from '../../functions/petitions/model.js';
import { AGENCY_WEBHOOKS, buildOpenApi } from '../../functions/platform/openapi.js';
import { WEBHOOK_EXAMPLES } from '../../functions/platform/openapi-examples.js';
import type { TicketRecord } from '../../functions/support/model.js';
import {
  dossierDelivery,
  paymentRefundedDelivery,
  supplementDelivery,
  withdrawalDelivery,
} from '../../schemas/dossier-delivery.js';
import { petitionDelivery } from '../../schemas/petition.js';

/** A delivered body is exactly its schema: parsing keeps every field (nothing unknown is dropped). */
const exactly = (schema: z.ZodType, body: unknown) => expect(schema.parse(body)).toStrictEqual(body);

const dossier = (): DossierRecord => ({
  code: 'BHXHHN-260309-0001',
  submissionId: '01KJR6B3Z6M1W8E2Q4T5V7X9YA',
  procedureCode: '1.002758',
  procedureVersion: 1,
  procedureName: 'Cấp lại thẻ bảo hiểm y tế do bị mất, hỏng',
  agencyId: 'bhxh-hn',
  agencyName: 'Bảo hiểm xã hội thành phố Hà Nội',
  ownerSub: 'owner-sub',
  status: 'supplemented',
  version: 4,
  lastSeq: 4,
  lastHash: 'a'.repeat(64),
  submittedAt: '2026-03-09T03:00:00.000Z',
  updatedAt: '2026-03-10T03:00:00.000Z',
  dueAt: '2026-03-12T10:00:00.000Z',
  form: { fullName: 'Trần Thị Bình', citizenId: '001188000123' },
  attachments: [
    {
      documentType: 'damaged_card',
      uploadId: '01KJR6B3Z6M1W8E2Q4T5V7X9YB',
      fileName: 'the.jpg',
      contentType: 'image/jpeg',
      size: 54_321,
      key: 'dossiers/BHXHHN-260309-0001/01KJR6B3Z6M1W8E2Q4T5V7X9YB/the.jpg',
      sha256: 'c'.repeat(64),
      supplement: { seq: 4, at: '2026-03-10T03:00:00.000Z' },
    },
  ],
  bundle: { procedureCode: '1.012345', step: 2, steps: 3, previous: 'CAHN-260309-0001' },
  previousResult: {
    dossierCode: 'CAHN-260309-0001',
    procedureCode: '1.004194',
    agencyId: 'cahn',
    issuedAt: '2026-03-09T02:00:00.000Z',
    kind: 'electronic',
    fileName: 'xac-nhan.pdf',
    sha256: 'b'.repeat(64),
  },
  enterpriseTaxCode: '0101234567',
  filedBy: { sub: 'desk-sub', role: 'desk_officer', agencyId: 'ttpvhcc-01' },
});

/** The fee of the dossier, paid through the sandbox provider, with its receipt. */
const fee = (refunded = false): PaidFee => ({
  payment: {
    paymentId: '01KJR6C9E3J5L7N9Q1S3U5W7Y9',
    amount: 135_000,
    currency: 'VND',
    provider: 'sandbox',
    providerTransactionId: 'T-1',
    paidAt: '2026-03-09T02:55:00.000Z',
    status: refunded ? 'refunded' : 'succeeded',
    ...(refunded
      ? {
          refund: {
            status: 'done' as const,
            reason: 'operator' as const,
            providerTransactionId: 'T-1',
            at: '2026-03-10T07:00:00.000Z',
            refundedAt: '2026-03-10T07:00:00.000Z',
          },
        }
      : {}),
  },
  receipt: { receiptNumber: 'BL20260309-Q1S3U5W7Y9', paidAt: '2026-03-09T02:55:00.000Z' },
});

const petition = (): PetitionRecord =>
  ({
    code: 'PAKN-261120-0001',
    ownerSub: 'owner-1',
    agencyId: 'sxd-01',
    agencyName: 'Sở Xây dựng thành phố Hà Nội',
    subject: 'Cấp phép xây dựng chậm',
    content: 'Nội dung',
    procedureCode: '1.009993',
    provinceCode: '01',
    attachments: [
      {
        documentType: 'evidence',
        uploadId: 'U1',
        fileName: 'anh.pdf',
        contentType: 'application/pdf',
        size: 9,
        key: 'k',
      },
    ],
    allowPublish: true,
    status: 'received',
    version: 1,
    lastSeq: 1,
    submittedAt: '2026-11-20T02:00:00.000Z',
    updatedAt: '2026-11-20T02:00:00.000Z',
    routedAt: '2026-11-21T02:00:00.000Z',
    referralDueAt: '2026-11-26T10:00:00.000Z',
    answerDueAt: '2026-12-18T10:00:00.000Z',
    escalations: 0,
  }) as PetitionRecord;

describe("what the portal delivers to agencies' endpoints", () => {
  it('a submitted dossier is exactly its schema, with every optional part present', () => {
    const body = deliveryPayload(dossier(), undefined, fee());
    expect(body).toMatchObject({
      bundle: { step: 2 },
      filedAtDesk: { agencyId: 'ttpvhcc-01' },
      payment: {
        amount: 135_000,
        status: 'paid',
        provider: 'sandbox',
        receiptNumber: 'BL20260309-Q1S3U5W7Y9',
      },
    });
    exactly(dossierDelivery, body);
  });

  it('a refunded fee is exactly its schema; a payment never refunded by an operator announces nothing', () => {
    const body = refundPayload(dossier(), fee(true));
    expect(body).toMatchObject({
      type: 'dossier.payment_refunded',
      refundedAt: '2026-03-10T07:00:00.000Z',
      payment: {
        status: 'refunded',
        paidAt: '2026-03-09T02:55:00.000Z',
        refundedAt: '2026-03-10T07:00:00.000Z',
      },
    });
    exactly(paymentRefundedDelivery, body);
    expect(refundPayload(dossier(), fee(false))).toBeUndefined();
    // A payment that was never credited carries no payment block at all.
    const unpaid = fee();
    delete unpaid.payment.paidAt;
    delete unpaid.receipt;
    expect(deliveryPayload(dossier(), undefined, unpaid).payment).toBeUndefined();
  });

  it('a supplement and a withdrawal are exactly their schemas', () => {
    exactly(supplementDelivery, supplementPayload(dossier(), 4));
    exactly(withdrawalDelivery, withdrawalPayload(dossier()));
  });

  it('a petition handed on by escalation is exactly its schema', () => {
    const body = petitionPayload(petition(), {
      type: 'petition.created',
      petitionCode: 'PAKN-261120-0001',
      agencyId: 'sxd-01',
      webhookId: 'w1',
      routing: 'escalated',
      fromAgencyId: 'ubnd-01',
    });
    exactly(petitionDelivery, body);
  });

  it('the document describes each delivery with the schema its builder returns', () => {
    const bodies = [
      deliveryPayload(dossier()),
      supplementPayload(dossier(), 4),
      withdrawalPayload(dossier()),
      refundPayload(dossier(), fee(true))!,
      petitionPayload(petition(), {
        type: 'petition.created',
        petitionCode: 'P',
        agencyId: 'a',
        webhookId: 'w',
      }),
      supportPayload({
        code: 'HTTT-261207-0001',
        agencyId: 'bhxh-hn',
        subject: 'Thẻ bảo hiểm y tế',
        question: 'Khi nào tôi nhận được thẻ?',
        dossierCode: 'BHXHHN-261201-0001',
        updatedAt: '2026-12-07T02:00:00.000Z',
        resolutionDueAt: '2026-12-14T02:00:00.000Z',
      } as TicketRecord),
    ];
    expect(AGENCY_WEBHOOKS.map((w) => w.type)).toEqual(bodies.map((b) => b.type));
    for (const [i, body] of bodies.entries()) exactly(AGENCY_WEBHOOKS[i]!.schema, body);
  });

  it("the document's example of each delivery is exactly its schema", () => {
    expect(Object.keys(WEBHOOK_EXAMPLES)).toEqual(AGENCY_WEBHOOKS.map((w) => w.type));
    for (const w of AGENCY_WEBHOOKS) exactly(w.schema, WEBHOOK_EXAMPLES[w.type]);
  });

  it('the document names every header a delivery carries, the agency header included', () => {
    const sent = Object.keys({
      [AGENCY_HEADER]: 'bhxh-hn',
      ...signWebhook(`whsec_${'A'.repeat(44)}`, 'w', '{}', new Date()),
    });
    const hooks = buildOpenApi().webhooks as Record<
      string,
      { post: { parameters: { name: string; in: string; required: boolean }[] } }
    >;
    for (const w of AGENCY_WEBHOOKS) {
      const headers = hooks[w.type]!.post.parameters.filter((p) => p.in === 'header');
      expect(headers.map((h) => h.name).sort()).toEqual([...sent].sort());
      expect(headers.every((h) => h.required)).toBe(true);
    }
  });
});

describe('what an agency may answer a delivery, as the document describes it', () => {
  const responses = () => {
    const hooks = buildOpenApi().webhooks as Record<
      string,
      { post: { description: string; responses: Record<string, { description: string; headers?: object }> } }
    >;
    return AGENCY_WEBHOOKS.map((w) => hooks[w.type]!.post);
  };

  it('names 2xx, 410, 429 with Retry-After and the timeout, for every delivery', () => {
    for (const op of responses()) {
      expect(Object.keys(op.responses).sort()).toEqual(['2XX', '410', '429', 'default']);
      expect(op.responses['429']!.headers).toHaveProperty('Retry-After');
      expect(op.responses['410']!.description).toMatch(/pause/);
      // The timeout the dispatcher applies by default, in seconds.
      expect(op.responses.default!.description).toContain(`${DISPATCH.postTimeoutSeconds} seconds`);
      expect(op.description).toContain(`${DISPATCH.postTimeoutSeconds} seconds`);
    }
  });
});

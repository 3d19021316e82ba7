import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type AgencyEventPorts,
  type AgencyEventResult,
  handleAgencyEvent,
} from '../../functions/agencies/events.js';
import { type DossierRecord, toSubmissionView } from '../../functions/core/dossier.js';
import { formatCode } from '../../functions/core/dossier-codes.js';
import { AppError } from '../../functions/core/errors.js';
import { GENESIS_HASH, sealEvent } from '../../functions/core/timeline.js';
import { deliveryPayload, supplementPayload } from '../../functions/dispatch/deliver.js';
import { ownResultIdOf } from '../../functions/documents/agency-files.js';
import { contentDisposition, resultOf } from '../../functions/documents/result-link.js';
import type { CommitOutcome, IntakePorts, IntakeWrite } from '../../functions/intake/submit.js';
import { submitDossier } from '../../functions/intake/submit.js';
import { deriveProfileKeys } from '../../functions/pii/protect.js';
import { agencyEvent, MAX_RESULT_BYTES } from '../../schemas/agency.js';
import { dossierDelivery, supplementDelivery } from '../../schemas/dossier-delivery.js';
import { birthBundleForm } from '../support/forms.js';
import { testSigner } from '../support/result-signer.js';
import { storedScan } from '../support/scans.js';

const NOW = new Date('2026-11-20T03:00:00Z'); // Friday 10:00 in Hà Nội
const PDF = Buffer.from('%PDF-1.7 trích lục khai sinh');

/** Submits the bundle through intake with fake ports; the commit's dossiers become the table. */
async function submitBundle() {
  let n = 0;
  const commits: IntakeWrite[] = [];
  const ports: IntakePorts = {
    now: () => NOW,
    codes: { next: async (agencyCode: string) => formatCode(agencyCode, '2026-11-20', ++n) },
    findIdempotent: async () => undefined,
    profileKeys: async () => deriveProfileKeys(Buffer.alloc(32, 3)),
    findAccountByCitizenIdHash: async () => undefined,
    findUpload: async (uploadId) => ({
      uploadId,
      ownerSub: 'mother',
      key: `uploads/x/${uploadId}`,
      fileName: 'giay-chung-sinh.pdf',
      contentType: 'application/pdf',
      size: 100,
      state: 'pending',
      createdAt: NOW.toISOString(),
    }),
    inspectObject: async () => storedScan(100),
    copyObject: async () => 'a'.repeat(64),
    deleteObjects: async () => {},
    commit: async (w): Promise<CommitOutcome> => {
      commits.push(w);
      return 'committed';
    },
  };
  const res = await submitDossier(ports, 'mother', 'bundle-key-01', {
    procedureCode: '2.000986',
    form: birthBundleForm,
    attachments: [{ documentType: 'birth_certificate_medical', uploadId: '01KAAAAAAAAAAAAAAAAAAAAAA1' }],
  });
  return { res, write: commits[0]! };
}

class Table implements AgencyEventPorts {
  dossiers = new Map<string, DossierRecord>();
  recorded = new Map<string, AgencyEventResult>();
  stored = new Map<string, Buffer>();
  applied: Parameters<AgencyEventPorts['apply']>[0][] = [];
  now = () => new Date('2026-11-23T03:00:00Z'); // Monday
  findRecorded = async (a: string, id: string) => this.recorded.get(`${a}/${id}`);
  loadDossier = async (code: string) => structuredClone(this.dossiers.get(code));
  recordOnly = async () => {};
  signer = testSigner();
  loadDocument = async () => undefined;
  putResult = async (key: string, bytes: Buffer) => {
    this.stored.set(key, bytes);
  };
  apply: AgencyEventPorts['apply'] = async (change) => {
    const { dossier: read, event, dossierResult, handoff, result, agencyId } = change;
    this.applied.push(change);
    this.recorded.set(`${agencyId}/${result.eventId}`, result);
    this.dossiers.set(read.code, {
      ...read,
      status: event.status,
      version: read.version + 1,
      lastSeq: event.seq,
      lastHash: event.hash,
      ...(dossierResult ? { result: dossierResult } : {}),
    });
    if (handoff) {
      const next = this.dossiers.get(handoff.next.code)!;
      this.dossiers.set(next.code, {
        ...next,
        version: next.version + 1,
        dueAt: handoff.dueAt,
        previousResult: handoff.previousResult,
        bundle: { ...next.bundle!, handedOffAt: event.at },
      });
    }
    return 'applied';
  };
  put(d: DossierRecord, status: DossierRecord['status'] = d.status) {
    this.dossiers.set(d.code, { ...d, status });
  }
}

const electronic = (bytes = PDF) => ({
  kind: 'electronic' as const,
  fileName: 'Trích lục khai sinh.pdf',
  contentType: 'application/pdf' as const,
  contentBase64: bytes.toString('base64'),
});

const issue = (code: string, eventId: string, result: unknown) =>
  agencyEvent.parse({ type: 'dossier.result_issued', eventId, dossierCode: code, result });

describe('an interlinked bundle', () => {
  it('creates one dossier per member at its own agency, in hand-off order, and dispatches only the first', async () => {
    const { res, write } = await submitBundle();
    expect(res.body.dossiers.map((d) => d.agencyId)).toEqual(['xa-00070', 'cahn', 'bhxh-hn']);
    const records = write.dossiers.map((d) => d.record);
    expect(records.map((r) => r.procedureCode)).toEqual(['1.001193', '1.004222', '1.011723']);
    expect(records.map((r) => r.bundle)).toEqual([
      {
        procedureCode: '2.000986',
        step: 1,
        steps: 3,
        next: records[1]!.code,
        handedOffAt: NOW.toISOString(),
      },
      { procedureCode: '2.000986', step: 2, steps: 3, previous: records[0]!.code, next: records[2]!.code },
      { procedureCode: '2.000986', step: 3, steps: 3, previous: records[1]!.code },
    ]);
    // Step budgets 1, 7 and 3 working days add up along the chain.
    expect(records.map((r) => r.dueAt)).toEqual([
      '2026-11-23T10:00:00.000Z',
      '2026-12-02T10:00:00.000Z',
      '2026-12-07T10:00:00.000Z',
    ]);
    expect(write.outbox?.messages).toEqual([
      expect.objectContaining({
        type: 'dossier.submitted',
        dossierCode: records[0]!.code,
        agencyId: 'xa-00070',
      }),
    ]);
    const view = toSubmissionView(
      { submissionId: write.submissionId, createdAt: NOW.toISOString() },
      records,
      NOW,
    );
    expect(view.procedureCode).toBe('2.000986');
    expect(view.bundle).toEqual({ steps: 3, activeStep: 1, activeDossier: records[0]!.code });
    expect(view.dossiers.map((d) => d.handedOver)).toEqual([true, false, false]);
  });

  it('hands the next dossier over with the previous result when a result is issued, and stops at the last', async () => {
    const { write } = await submitBundle();
    const table = new Table();
    const [birth, residence, card] = write.dossiers.map((d) => d.record);
    table.put(birth!, 'approved');
    table.put(residence!);
    table.put(card!);
    await handleAgencyEvent(table, 'xa-00070', issue(birth!.code, 'evt-birth-result', electronic()));
    const first = table.applied[0]!;
    expect(first.handoff?.next.code).toBe(residence!.code);
    expect(first.handoff?.outbox.messages).toEqual([
      expect.objectContaining({ type: 'dossier.submitted', dossierCode: residence!.code, channel: 'bca' }),
    ]);
    // Residence's 7 working days start at the hand-off (Monday 23 Nov) → Wednesday 2 Dec.
    expect(first.handoff?.dueAt).toBe('2026-12-02T10:00:00.000Z');
    // The next dossier's own timeline records the hand-over, chained after its submission.
    expect(first.handoff?.event).toMatchObject({
      seq: residence!.lastSeq + 1,
      prevHash: residence!.lastHash,
      type: 'dossier.handed_over',
      status: 'submitted',
      actor: 'system',
      dueAt: '2026-12-02T10:00:00.000Z',
      details: { previousDossier: birth!.code },
    });
    const handed = table.dossiers.get(residence!.code)!;
    expect(handed.previousResult).toMatchObject({
      dossierCode: birth!.code,
      procedureCode: '1.001193',
      kind: 'electronic',
      fileName: 'Trích lục khai sinh.pdf',
    });
    const payload = deliveryPayload(handed);
    expect(dossierDelivery.parse(payload).previousResult?.dossierCode).toBe(birth!.code);
    expect(payload.bundle).toEqual({ procedureCode: '2.000986', step: 2, steps: 3 });

    const view = toSubmissionView({ submissionId: 'x', createdAt: NOW.toISOString() }, [
      ...table.dossiers.values(),
    ]);
    expect(view.bundle?.activeStep).toBe(2);

    table.put(
      { ...table.dossiers.get(card!.code)!, bundle: { ...card!.bundle!, handedOffAt: NOW.toISOString() } },
      'approved',
    );
    await handleAgencyEvent(
      table,
      'bhxh-hn',
      issue(card!.code, 'evt-card-result', { kind: 'pickup', method: 'post', note: 'Gửi qua bưu điện' }),
    );
    expect(table.applied[1]!.handoff).toBeUndefined();
  });
});

describe('results', () => {
  const approved = async () => {
    const { write } = await submitBundle();
    const table = new Table();
    // The last step of the bundle, handed over to its agency, which approved it.
    const last = write.dossiers[2]!.record;
    const card = { ...last, bundle: { ...last.bundle!, handedOffAt: NOW.toISOString() } };
    table.put(card, 'approved');
    return { table, card };
  };

  it('keeps an electronic result under results/<code>/ and records it without the bytes on the timeline', async () => {
    const { table, card } = await approved();
    const out = await handleAgencyEvent(table, 'bhxh-hn', issue(card.code, 'evt-result-0001', electronic()));
    expect(out.status).toBe('result_issued');
    // The agency is told the digest of what the portal keeps, to check against what it sent.
    expect(out.resultDocument).toEqual({
      // Fetched back by the issuing agency like a scan (GET href, signed).
      attachmentId: ownResultIdOf(card.code),
      href: `/v1/agency/dossiers/${card.code}/attachments/${ownResultIdOf(card.code)}`,
      fileName: 'Trích lục khai sinh.pdf',
      contentType: 'application/pdf',
      size: PDF.length,
      sha256: createHash('sha256').update(PDF).digest('hex'),
      // The signed document the citizen holds (checked at GET /v1/verify/{documentId}).
      documentId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      documentType: 'result_1_011723',
    });
    const result = table.dossiers.get(card.code)!.result!;
    expect(result).toMatchObject({ kind: 'electronic', size: PDF.length, contentType: 'application/pdf' });
    if (result.kind !== 'electronic') throw new Error('expected an electronic result');
    expect(result.key).toMatch(new RegExp(`^results/${card.code}/[0-9a-f]{24}\\.pdf$`));
    expect(table.stored.get(result.key)).toEqual(PDF);
    const event = table.applied[0]!.event;
    expect(JSON.stringify(event)).not.toContain(PDF.toString('base64'));
    expect(event.details).toEqual({
      result: { kind: 'electronic', fileName: 'Trích lục khai sinh.pdf', contentType: 'application/pdf' },
    });
  });

  it('shows an electronic result as a short-lived link, a pickup result as its note; none before issue', async () => {
    const { table, card } = await approved();
    const ports = { now: () => NOW, presign: async (key: string) => `https://s3.example/${key}?sig` };
    await expect(resultOf(ports, table.dossiers.get(card.code)!)).rejects.toMatchObject({
      code: 'RESULT_NOT_ISSUED',
    });
    await handleAgencyEvent(table, 'bhxh-hn', issue(card.code, 'evt-result-0002', electronic()));
    const view = await resultOf(ports, table.dossiers.get(card.code)!);
    expect(view).toMatchObject({ kind: 'electronic', expiresAt: '2026-11-20T03:05:00.000Z' });
    expect(view.kind === 'electronic' && view.url).toContain(`results/${card.code}/`);

    const pickup = await approved();
    await handleAgencyEvent(
      pickup.table,
      'bhxh-hn',
      issue(pickup.card.code, 'evt-result-0003', {
        kind: 'pickup',
        method: 'at_desk',
        note: 'Nhận tại bộ phận một cửa',
      }),
    );
    expect(await resultOf(ports, pickup.table.dossiers.get(pickup.card.code)!)).toMatchObject({
      kind: 'pickup',
      method: 'at_desk',
      note: 'Nhận tại bộ phận một cửa',
    });
  });

  it('refuses results that are too large, of another type, or missing', () => {
    const ok = (r: unknown) =>
      agencyEvent.safeParse({
        type: 'dossier.result_issued',
        eventId: 'evt-size-0001',
        dossierCode: 'BHXHHN-261120-0001',
        result: r,
      }).success;
    expect(ok(electronic(Buffer.alloc(MAX_RESULT_BYTES)))).toBe(true);
    expect(ok(electronic(Buffer.alloc(MAX_RESULT_BYTES + 1)))).toBe(false);
    expect(ok({ ...electronic(), contentType: 'application/x-msdownload' })).toBe(false);
    expect(ok({ ...electronic(), fileName: '../../etc/passwd' })).toBe(false);
    expect(ok({ ...electronic(), contentBase64: 'not base64!' })).toBe(false);
    expect(ok(undefined)).toBe(false);
    expect(
      ok({ kind: 'pickup', method: 'post', note: 'Gửi qua bưu điện', trackingNumber: 'EV123456789VN' }),
    ).toBe(true);
  });

  it('names the download for Vietnamese file names', () => {
    expect(contentDisposition('Trích lục khai sinh.pdf')).toBe(
      `attachment; filename="Trich luc khai sinh.pdf"; filename*=UTF-8''Tr%C3%ADch%20l%E1%BB%A5c%20khai%20sinh.pdf`,
    );
  });
});

describe('the supplement delivery', () => {
  it('carries only the documents added by the announced answer', () => {
    const first = sealEvent({
      seq: 1,
      at: NOW.toISOString(),
      type: 'dossier.submitted',
      status: 'submitted',
      actor: 'citizen',
      prevHash: GENESIS_HASH,
    });
    const base = {
      documentType: 'health_certificate',
      uploadId: '01KAAAAAAAAAAAAAAAAAAAAAA1',
      fileName: 'a.pdf',
      contentType: 'application/pdf',
      size: 10,
      key: 'k',
    };
    const d = {
      code: 'CAHN-261120-0001',
      submissionId: 's',
      procedureCode: '1.002804',
      procedureVersion: 1,
      procedureName: 'x',
      agencyId: 'cahn',
      agencyName: 'y',
      ownerSub: 'o',
      status: 'supplemented',
      version: 3,
      lastSeq: 3,
      lastHash: first.hash,
      submittedAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      dueAt: NOW.toISOString(),
      form: {},
      attachments: [
        base,
        { ...base, fileName: 'b.pdf', supplement: { seq: 3, at: '2026-11-26T03:00:00.000Z' } },
      ],
    } satisfies DossierRecord;
    const payload = supplementDelivery.parse(supplementPayload(d, 3));
    expect(payload.attachments.map((a) => a.fileName)).toEqual(['b.pdf']);
    expect(payload.supplementedAt).toBe('2026-11-26T03:00:00.000Z');
    expect(JSON.stringify(payload)).not.toContain('"key"');
  });
});

it('AppError is what the domain throws', () => {
  expect(new AppError('RESULT_NOT_ISSUED').status).toBe(409);
});

import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DossierRecord } from '../../functions/core/dossier.js';
import { GENESIS_HASH, sealEvent, type TimelineEvent, verifyChain } from '../../functions/core/timeline.js';
import type { UploadRecord } from '../../functions/documents/uploads.js';
import { type CompletionPorts, confirmResultReceived } from '../../functions/intake/complete.js';
import {
  REQUESTED_DOCUMENT,
  resumedDueAt,
  type SupplementOutcome,
  type SupplementPorts,
  type SupplementResult,
  type SupplementWrite,
  supplementDossier,
} from '../../functions/intake/supplement.js';
import type { DossierStatus } from '../../schemas/dossier.js';
import { appErrorOf } from '../support/rejections.js';
import { HTML_PAGE, storedScan } from '../support/scans.js';

const OWNER = 'citizen-a';
const CODE = 'CAHN-261120-0001';
const U1 = '01KAAAAAAAAAAAAAAAAAAAAAA1';
const U2 = '01KAAAAAAAAAAAAAAAAAAAAAA2';
// Requested Monday 23 Nov 2026 10:00; answered Thursday 26 Nov 10:00 (Hà Nội): 3 working days waited.
const REQUESTED = '2026-11-23T03:00:00.000Z';
const NOW = new Date('2026-11-26T03:00:00Z');

function timeline(status: DossierStatus, missing: string[]): TimelineEvent[] {
  const first = sealEvent({
    seq: 1,
    at: '2026-11-20T03:00:00.000Z',
    type: 'dossier.submitted',
    status: 'submitted',
    actor: 'citizen',
    prevHash: GENESIS_HASH,
  });
  if (status !== 'supplement_requested') return [first];
  const request = sealEvent({
    seq: 2,
    at: REQUESTED,
    type: 'dossier.supplement_requested',
    status: 'supplement_requested',
    actor: 'agency',
    details: { missingDocuments: missing, supplementDueAt: '2026-12-04T10:00:00.000Z' },
    prevHash: first.hash,
  });
  return [first, request];
}

function dossier(status: DossierStatus, events: TimelineEvent[]): DossierRecord {
  const last = events.at(-1)!;
  return {
    code: CODE,
    submissionId: '01KAAAAAAAAAAAAAAAAAAAAAA9',
    procedureCode: '1.002804',
    procedureVersion: 1,
    procedureName: 'Đổi giấy phép lái xe',
    agencyId: 'cahn',
    agencyName: 'Công an thành phố Hà Nội',
    ownerSub: OWNER,
    status,
    version: events.length,
    lastSeq: last.seq,
    lastHash: last.hash,
    submittedAt: '2026-11-20T03:00:00.000Z',
    updatedAt: last.at,
    dueAt: '2026-11-27T10:00:00.000Z',
    form: {},
    attachments: [],
  };
}

const upload = (id: string): UploadRecord => ({
  uploadId: id,
  ownerSub: OWNER,
  key: `uploads/x/${id}`,
  fileName: 'giay-kham-suc-khoe.pdf',
  contentType: 'application/pdf',
  size: 1000,
  state: 'pending',
  createdAt: NOW.toISOString(),
});

class Fake implements SupplementPorts, CompletionPorts {
  events = timeline('supplement_requested', ['health_certificate']);
  current = dossier('supplement_requested', this.events);
  uploads = new Map([
    [U1, upload(U1)],
    [U2, upload(U2)],
  ]);
  objects = new Map<string, ReturnType<typeof storedScan>>([
    [`uploads/x/${U1}`, storedScan(1000)],
    [`uploads/x/${U2}`, storedScan(1000)],
  ]);
  idempotent = new Map<string, { requestHash: string; response: SupplementResult }>();
  commits: SupplementWrite[] = [];
  deleted: string[] = [];
  /** Another writer changes the dossier before our next write(s). */
  interleave = 0;
  now = () => NOW;
  findUpload = async (id: string) => this.uploads.get(id);
  inspectObject = async (key: string) => this.objects.get(key);
  copyObject = async (from: string, to: string) => {
    const o = this.objects.get(from)!;
    this.objects.set(to, o);
    return createHash('sha256').update(o.head).digest('hex');
  };
  deleteObjects = async (keys: string[]) => {
    this.deleted.push(...keys);
  };
  findIdempotent = async (owner: string, key: string) => this.idempotent.get(`${owner}/${key}`);
  loadDossier = async (code: string) => (code === CODE ? structuredClone(this.current) : undefined);
  loadTimeline = async () => structuredClone(this.events);
  commit = async (w: SupplementWrite): Promise<SupplementOutcome> => {
    if (this.interleave-- > 0) {
      this.current.version++;
      return 'version-conflict';
    }
    if (w.dossier.version !== this.current.version) return 'version-conflict';
    this.idempotent.set(`${w.ownerSub}/${w.idempotencyKey}`, {
      requestHash: w.requestHash,
      response: w.response,
    });
    for (const u of w.attachedUploads)
      this.uploads.set(u.uploadId, { ...this.uploads.get(u.uploadId)!, state: 'attached' });
    this.current = {
      ...this.current,
      status: w.event.status,
      version: w.dossier.version + 1,
      lastSeq: w.event.seq,
      lastHash: w.event.hash,
      dueAt: w.dueAt,
      attachments: [...this.current.attachments, ...w.added],
    };
    this.events.push(w.event);
    this.commits.push(w);
    return 'committed';
  };
  applyStep = async (read: DossierRecord, event: TimelineEvent) => {
    if (read.version !== this.current.version) return 'version-conflict' as const;
    this.current = {
      ...this.current,
      status: event.status,
      version: read.version + 1,
      lastSeq: event.seq,
      lastHash: event.hash,
    };
    this.events.push(event);
    return 'applied' as const;
  };
}

const health = (uploadId = U1) => ({
  attachments: [{ documentType: 'health_certificate', uploadId }],
  note: 'Bổ sung giấy khám sức khỏe bản rõ nét',
});

let fake: Fake;
beforeEach(() => {
  fake = new Fake();
});

describe('answering a request to supplement', () => {
  it('moves the dossier to supplemented with the documents, restarts the clock and tells the agency', async () => {
    const res = await supplementDossier(fake, OWNER, CODE, 'supp-key-0001', health());
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('supplemented');
    // Due Fri 27 Nov; 3 working days waited (Tue, Wed, Thu) → Wed 2 Dec, 17:00 in Vietnam.
    expect(res.body.dueAt).toBe('2026-12-02T10:00:00.000Z');
    const w = fake.commits[0]!;
    expect(w.event).toMatchObject({
      type: 'dossier.supplemented',
      actor: 'citizen',
      seq: 3,
      dueAt: res.body.dueAt,
    });
    expect(w.event.details).toMatchObject({
      documents: [{ documentType: 'health_certificate', fileName: 'giay-kham-suc-khoe.pdf' }],
      waitedWorkingDays: 3,
    });
    expect(verifyChain(fake.events)).toBe(true);
    expect(w.added).toEqual([
      expect.objectContaining({
        key: `dossiers/${CODE}/health_certificate-${U1}`,
        supplement: { seq: 3, at: NOW.toISOString() },
      }),
    ]);
    expect(fake.objects.has(`dossiers/${CODE}/health_certificate-${U1}`)).toBe(true);
    expect(w.outbox.messages).toEqual([
      expect.objectContaining({
        type: 'dossier.supplemented',
        dossierCode: CODE,
        agencyId: 'cahn',
        channel: 'bca',
        seq: 3,
      }),
    ]);
    expect(fake.uploads.get(U1)?.state).toBe('attached');
    // The step the request stopped (step 1, a working day from the request on Monday 23rd, due Tuesday
    // 17:00) runs again, moved by the 3 working days waited: Friday 27th, 17:00.
    expect(w.stepClock).toMatchObject({ stepId: 'step-1', dueAt: '2026-11-27T10:00:00.000Z' });
  });

  it('replays the same key and body, and refuses the key with another body', async () => {
    const first = await supplementDossier(fake, OWNER, CODE, 'supp-key-0001', health());
    const again = await supplementDossier(fake, OWNER, CODE, 'supp-key-0001', health());
    expect(again.body).toEqual(first.body);
    expect(fake.commits).toHaveLength(1);
    const err = await appErrorOf(supplementDossier(fake, OWNER, CODE, 'supp-key-0001', health(U2)));
    expect(err.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('is refused with 409 and the current state outside supplement_requested', async () => {
    fake.events = timeline('in_progress', []);
    fake.current = { ...dossier('in_progress', fake.events), status: 'in_progress' };
    const err = await appErrorOf(supplementDossier(fake, OWNER, CODE, 'supp-key-0002', health()));
    expect(err.status).toBe(409);
    expect(err.code).toBe('ILLEGAL_TRANSITION');
    expect(err.details).toMatchObject({ currentStatus: 'in_progress' });
    expect(fake.commits).toHaveLength(0);
  });

  it('is refused with 409 once the time the agency gave to supplement has passed', async () => {
    fake.events = fake.events.map((e) =>
      e.type === 'dossier.supplement_requested' ? { ...e, dueAt: '2026-11-20T10:00:00.000Z' } : e,
    );
    const err = await appErrorOf(supplementDossier(fake, OWNER, CODE, 'supp-key-0009', health()));
    expect(err.status).toBe(409);
    expect(err.code).toBe('SUPPLEMENT_DEADLINE_PASSED');
    expect(err.details).toEqual({ supplementDueAt: '2026-11-20T10:00:00.000Z' });
    expect(fake.commits).toHaveLength(0);
    expect(fake.uploads.get(U1)?.state).not.toBe('attached');
  });

  it('answers a missing dossier with 404 (whose it is was decided by the route access rule)', async () => {
    const missing = await appErrorOf(
      supplementDossier(fake, OWNER, 'CAHN-200101-9999', 'supp-key-0003', health()),
    );
    expect(missing.status).toBe(404);
    expect(missing.code).toBe('DOSSIER_NOT_FOUND');
  });

  it('requires the document types the agency named, and only documents of the procedure', async () => {
    const other = await appErrorOf(
      supplementDossier(fake, OWNER, CODE, 'supp-key-0004', {
        attachments: [{ documentType: 'current_licence', uploadId: U1 }],
      }),
    );
    expect(other.code).toBe('DOCUMENT_NOT_ACCEPTED');
    expect(other.details).toEqual([expect.objectContaining({ code: 'missing_document' })]);
    const unknown = await appErrorOf(
      supplementDossier(fake, OWNER, CODE, 'supp-key-0005', {
        attachments: [{ documentType: 'passport', uploadId: U1 }],
      }),
    );
    expect(unknown.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'unknown_document' })]),
    );
    expect(fake.commits).toHaveLength(0);
  });

  it('takes any document of the procedure when the agency described what is missing in words', async () => {
    fake.events = timeline('supplement_requested', ['Bản chụp rõ nét hơn']);
    fake.current = dossier('supplement_requested', fake.events);
    const res = await supplementDossier(fake, OWNER, CODE, 'supp-key-0006', {
      attachments: [{ documentType: 'current_licence', uploadId: U1 }],
    });
    expect(res.body.attachments).toHaveLength(1);
  });

  it('takes a scan labelled as the paper the agency described in words, only while such a request is pending', async () => {
    fake.events = timeline('supplement_requested', ['Bản sao giấy khai sinh']);
    fake.current = dossier('supplement_requested', fake.events);
    const res = await supplementDossier(fake, OWNER, CODE, 'supp-key-0016', {
      attachments: [{ documentType: REQUESTED_DOCUMENT, uploadId: U1 }],
    });
    expect(res.body.attachments).toEqual([expect.objectContaining({ documentType: REQUESTED_DOCUMENT })]);
  });

  it('refuses that label when the agency named only documents of the procedure', async () => {
    const refused = await appErrorOf(
      supplementDossier(fake, OWNER, CODE, 'supp-key-0017', {
        attachments: [{ documentType: REQUESTED_DOCUMENT, uploadId: U1 }],
      }),
    );
    expect(refused.code).toBe('DOCUMENT_NOT_ACCEPTED');
    expect(refused.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'unknown_document' })]),
    );
    expect(fake.commits).toHaveLength(0);
  });

  it('checks uploads like intake: missing bytes are refused', async () => {
    fake.objects.delete(`uploads/x/${U1}`);
    const err = await appErrorOf(supplementDossier(fake, OWNER, CODE, 'supp-key-0007', health()));
    expect(err.code).toBe('UPLOAD_INCOMPLETE');
  });

  it('checks uploads like intake: a page declared as a PDF is refused', async () => {
    fake.objects.set(`uploads/x/${U1}`, storedScan(1000, 'application/pdf', HTML_PAGE));
    const err = await appErrorOf(supplementDossier(fake, OWNER, CODE, 'supp-key-0008', health()));
    expect(err.code).toBe('FILE_CONTENT_MISMATCH');
    expect(fake.commits).toHaveLength(0);
  });

  it('retries on a concurrent change, and gives up with CONFLICT removing its copies', async () => {
    fake.interleave = 1;
    await supplementDossier(fake, OWNER, CODE, 'supp-key-0008', health());
    expect(fake.commits).toHaveLength(1);

    const other = new Fake();
    other.interleave = 5;
    const err = await appErrorOf(supplementDossier(other, OWNER, CODE, 'supp-key-0009', health()));
    expect(err.code).toBe('CONFLICT');
    expect(other.deleted).toEqual([`dossiers/${CODE}/health_certificate-${U1}`]);
  });
});

describe('the processing clock while waiting for the citizen', () => {
  it('moves the due date by the working days waited, skipping weekends and holidays', () => {
    // Asked Friday 27 Nov, answered Monday 30 Nov: one working day (Monday).
    expect(
      resumedDueAt('2026-12-01T10:00:00.000Z', '2026-11-27T03:00:00.000Z', new Date('2026-11-30T03:00:00Z')),
    ).toBe('2026-12-02T10:00:00.000Z');
    // Answered the same day: nothing moves.
    expect(
      resumedDueAt('2026-12-01T10:00:00.000Z', '2026-11-27T03:00:00.000Z', new Date('2026-11-27T09:00:00Z')),
    ).toBe('2026-12-01T10:00:00.000Z');
    expect(resumedDueAt('2026-12-01T10:00:00.000Z', undefined, NOW)).toBe('2026-12-01T10:00:00.000Z');
  });
});

describe('confirming receipt of the result', () => {
  const issued = () => {
    fake.current = { ...fake.current, status: 'result_issued' };
  };

  it('completes the dossier by the citizen, and answers a repeat the same', async () => {
    issued();
    expect(await confirmResultReceived(fake, CODE)).toEqual({ code: CODE, status: 'completed' });
    expect(fake.events.at(-1)).toMatchObject({ type: 'dossier.completed', actor: 'citizen' });
    expect(verifyChain(fake.events)).toBe(true);
    expect(await confirmResultReceived(fake, CODE)).toEqual({ code: CODE, status: 'completed' });
    expect(fake.events.filter((e) => e.type === 'dossier.completed')).toHaveLength(1);
  });

  it('is refused before the result is issued, and for a missing dossier', async () => {
    const early = await appErrorOf(confirmResultReceived(fake, CODE));
    expect(early.status).toBe(409);
    issued();
    expect((await appErrorOf(confirmResultReceived(fake, 'CAHN-200101-9999'))).status).toBe(404);
  });
});

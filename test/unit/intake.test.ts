import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DossierRecord } from '../../functions/core/dossier.js';
import { formatCode } from '../../functions/core/dossier-codes.js';
import { onBusinessMetric } from '../../functions/core/metrics.js';
import { verifyChain } from '../../functions/core/timeline.js';
import { pendingKey, type UploadRecord } from '../../functions/documents/uploads.js';
import {
  type CommitOutcome,
  type IntakePorts,
  type IntakeWrite,
  type SubmitInput,
  type SubmitResult,
  submitDossier,
} from '../../functions/intake/submit.js';
import { deriveProfileKeys } from '../../functions/pii/protect.js';
import { licenceForm, promotionNoticeForm } from '../support/forms.js';
import { appErrorOf } from '../support/rejections.js';
import { HTML_PAGE, SCAN_HEADS, SVG_IMAGE, storedScan } from '../support/scans.js';

const OWNER = 'citizen-a';
const PROFILE_KEYS = deriveProfileKeys(Buffer.alloc(32, 7));
const NOW = new Date('2026-11-20T03:00:00Z'); // Friday 10:00 in Hà Nội

function upload(id: string, overrides: Partial<UploadRecord> = {}): UploadRecord {
  return {
    uploadId: id,
    ownerSub: OWNER,
    key: `uploads/x/${id}`,
    fileName: 'scan.pdf',
    contentType: 'application/pdf',
    size: 1000,
    state: 'pending',
    createdAt: NOW.toISOString(),
    ...overrides,
  };
}

const U1 = '01KAAAAAAAAAAAAAAAAAAAAAA1';
const U2 = '01KAAAAAAAAAAAAAAAAAAAAAA2';

class FakeIntake implements IntakePorts {
  idempotent = new Map<string, { requestHash: string; response: SubmitResult }>();
  uploads = new Map<string, UploadRecord>([
    [U1, upload(U1)],
    [U2, upload(U2)],
  ]);
  objects = new Map<string, ReturnType<typeof storedScan> & { fileName?: string; declaredSize?: number }>([
    [`uploads/x/${U1}`, storedScan(1000)],
    [`uploads/x/${U2}`, storedScan(1000)],
  ]);
  commits: IntakeWrite[] = [];
  deleted: string[] = [];
  nextOutcome: CommitOutcome | undefined;
  private n = 0;
  codes = { next: async (agencyCode: string) => formatCode(agencyCode, '2026-11-20', ++this.n) };
  now = () => NOW;
  profileKeys = async () => PROFILE_KEYS;
  accounts = new Map<string, string>();
  findAccountByCitizenIdHash = async (hash: string) => this.accounts.get(hash);
  dossiers = new Map<string, DossierRecord>();
  findDossier = async (code: string) => this.dossiers.get(code);
  findIdempotent = async (owner: string, key: string) => this.idempotent.get(`${owner}/${key}`);
  findUpload = async (id: string) => this.uploads.get(id);
  heldResultTypes?: IntakePorts['heldResultTypes'];
  inspectObject = async (key: string) => this.objects.get(key);
  copyObject = async (from: string, to: string) => {
    const o = this.objects.get(from);
    if (!o) throw new Error('copy of a missing object');
    this.objects.set(to, o);
    return createHash('sha256').update(o.head).digest('hex');
  };
  deleteObjects = async (keys: string[]) => {
    this.deleted.push(...keys);
    for (const k of keys) this.objects.delete(k);
  };
  commit = async (w: IntakeWrite): Promise<CommitOutcome> => {
    if (this.nextOutcome) return this.nextOutcome;
    const id = `${w.ownerSub}/${w.idempotencyKey}`;
    if (this.idempotent.has(id)) return 'idempotency-key-taken';
    this.idempotent.set(id, { requestHash: w.requestHash, response: w.response });
    for (const u of w.attachedUploads)
      this.uploads.set(u.uploadId, { ...this.uploads.get(u.uploadId)!, state: 'attached' });
    this.commits.push(w);
    return 'committed';
  };
}

const validInput = (): SubmitInput => ({
  procedureCode: '1.002804',
  form: { ...licenceForm },
  attachments: [
    { documentType: 'current_licence', uploadId: U1 },
    { documentType: 'health_certificate', uploadId: U2 },
  ],
});

let ports: FakeIntake;
beforeEach(() => {
  ports = new FakeIntake();
});

describe('submitting a dossier', () => {
  it('answers a retry as the request it repeats when that request committed while the retry was checked', async () => {
    const first = await submitDossier(ports, OWNER, 'key-0001', validInput());
    // The retry checked the uploads just before the first request committed and claimed them.
    for (const id of [U1, U2]) ports.uploads.set(id, { ...ports.uploads.get(id)!, state: 'pending' });
    const again = await submitDossier(ports, OWNER, 'key-0001', validInput());
    expect(again).toEqual({ status: 201, body: first.body });
    expect(ports.commits).toHaveLength(1);
    // Its own copies of the scans are removed: no dossier points at them.
    expect(ports.deleted).toHaveLength(2);
  });

  it('counts fresh scans of a type the citizen already held as a valid result (data asked twice)', async () => {
    const askedFor: string[] = [];
    ports.heldResultTypes = async (sub) => {
      askedFor.push(sub);
      return new Set(['health_certificate', 'birth_certificate']);
    };
    await submitDossier(ports, OWNER, 'key-0001', validInput());
    expect(askedFor).toEqual([OWNER]);
    expect(ports.commits[0]!.dossiers[0]!.record.documentsAskedTwice).toBe(1);

    // Nothing held of the uploaded types: nothing asked twice, and the dossier carries no figure.
    ports.heldResultTypes = async () => new Set(['birth_certificate']);
    ports.uploads.set(U1, upload(U1));
    ports.uploads.set(U2, upload(U2));
    await submitDossier(ports, OWNER, 'key-0002', validInput());
    expect(ports.commits[1]!.dossiers[0]!.record).not.toHaveProperty('documentsAskedTwice');
  });

  it('reads no idempotency record before a first commit: the commit decides, in one transaction', async () => {
    let lookups = 0;
    const find = ports.findIdempotent;
    ports.findIdempotent = async (owner, key) => {
      lookups++;
      return find(owner, key);
    };
    expect((await submitDossier(ports, OWNER, 'key-0001', validInput())).status).toBe(201);
    expect(lookups).toBe(0);
    // And the filer's draft of the procedure goes with it.
    expect(ports.commits[0]!.draft).toEqual({ sub: OWNER, procedureCode: '1.002804' });
  });

  it('reads no upload record when the stored object carries its file name: the object says it all', async () => {
    // Uploaded as the presigned POST pins them: under the owner's folder, named in the metadata.
    for (const id of [U1, U2])
      ports.objects.set(pendingKey(OWNER, id), {
        ...storedScan(1000),
        fileName: `quét ${id.slice(-1)}.pdf`,
        declaredSize: 1000,
      });
    ports.findUpload = async () => {
      throw new Error('the upload record was read');
    };
    expect((await submitDossier(ports, OWNER, 'key-0001', validInput())).status).toBe(201);
    const record = ports.commits[0]!.dossiers[0]!.record;
    expect(record.attachments.map((a) => a.fileName)).toEqual(['quét 1.pdf', 'quét 2.pdf']);
    // The declared size is checked against what storage holds, as with a record.
    ports.objects.set(pendingKey(OWNER, U1), {
      ...ports.objects.get(pendingKey(OWNER, U1))!,
      declaredSize: 999,
    });
    await appErrorOf(submitDossier(ports, OWNER, 'key-0002', validInput()), 'UPLOAD_INCOMPLETE');
    // Still claimed in the commit, so an upload joins one dossier only.
    expect(ports.commits[0]!.attachedUploads.map((u) => u.uploadId)).toEqual([U1, U2]);
  });

  it('finds no one else’s upload: the object is looked for under the caller’s own folder', async () => {
    ports.objects.set(pendingKey('someone-else', U1), {
      ...storedScan(1000),
      fileName: 'x.pdf',
      declaredSize: 1000,
    });
    ports.uploads.delete(U1);
    await appErrorOf(submitDossier(ports, OWNER, 'key-0001', validInput()), 'UPLOAD_NOT_FOUND');
  });

  it('writes the dossier and its first sealed event, holds dispatch until the fee is paid, marks uploads attached', async () => {
    const res = await submitDossier(ports, OWNER, 'key-0001', validInput());
    expect(res.status).toBe(201);
    const [d] = res.body.dossiers;
    expect(d?.code).toBe('CAHN-261120-0001');
    expect(d?.status).toBe('submitted');
    // 5 working days after Friday 20 Nov 2026 → Friday 27 Nov, 17:00 in Vietnam.
    expect(d?.dueAt).toBe('2026-11-27T10:00:00.000Z');
    const write = ports.commits[0]!;
    expect(write.dossiers[0]!.record.attachments.map((a) => a.key)).toEqual([
      `dossiers/${d?.code}/current_licence-${U1}`,
      `dossiers/${d?.code}/health_certificate-${U2}`,
    ]);
    // Each copy's SHA-256, as the copy answered it, is kept with its attachment.
    expect(write.dossiers[0]!.record.attachments.map((a) => a.sha256)).toEqual(
      write.dossiers[0]!.record.attachments.map((a) =>
        createHash('sha256').update(ports.objects.get(a.key)!.head).digest('hex'),
      ),
    );
    expect(verifyChain([write.dossiers[0]!.firstEvent])).toBe(true);
    // The licence exchange is fully online with a fee: it goes to the agency once paid, not now.
    expect(write.outbox).toBeUndefined();
    expect(write.dossiers[0]!.record.payment).toEqual({ amount: 135_000, currency: 'VND', status: 'unpaid' });
    expect(ports.uploads.get(U1)?.state).toBe('attached');
  });

  it('counts a submission once in the DossiersSubmitted metric, and not its replay', async () => {
    const seen: string[] = [];
    const stop = onBusinessMetric((name, count) => seen.push(`${name}:${count}`));
    try {
      await submitDossier(ports, OWNER, 'key-0001', validInput());
      await submitDossier(ports, OWNER, 'key-0001', validInput());
    } finally {
      stop();
    }
    expect(seen).toEqual(['DossiersSubmitted:1']);
  });

  it('answers a replay with the same key and body with the original response and no second dossier', async () => {
    const first = await submitDossier(ports, OWNER, 'key-0001', validInput());
    const again = await submitDossier(ports, OWNER, 'key-0001', validInput());
    expect(again.body).toEqual(first.body);
    expect(ports.commits).toHaveLength(1);
  });

  it('refuses the same key with a different body (422)', async () => {
    await submitDossier(ports, OWNER, 'key-0001', validInput());
    const other = validInput();
    other.form.phone = '0987654321';
    await appErrorOf(submitDossier(ports, OWNER, 'key-0001', other), 'IDEMPOTENCY_KEY_REUSED');
    expect(ports.commits).toHaveLength(1);
  });

  it('lets different citizens use the same key independently', async () => {
    ports.uploads.set(U1, upload(U1, { ownerSub: 'citizen-b' }));
    ports.uploads.set(U2, upload(U2, { ownerSub: 'citizen-b' }));
    const res = await submitDossier(ports, 'citizen-b', 'key-0001', validInput());
    expect(res.status).toBe(201);
  });

  it('refuses an unknown procedure', async () => {
    await appErrorOf(
      submitDossier(ports, OWNER, 'k-00000001', { ...validInput(), procedureCode: '9.999999' }),
      'UNKNOWN_PROCEDURE',
    );
    expect(ports.commits).toHaveLength(0);
  });

  it('refuses a procedure that is information only (no online form) before writing anything', async () => {
    // 2.002184 is a customs procedure of the national database: listed, but not filed on the portal.
    await appErrorOf(
      submitDossier(ports, OWNER, 'k-00000002', { ...validInput(), procedureCode: '2.002184' }),
      'PROCEDURE_NOT_ONLINE',
    );
    expect(ports.commits).toHaveLength(0);
  });

  it('reports every invalid form field with its path', async () => {
    const input = validInput();
    input.form = { ...licenceForm, citizenId: '123', licenceClass: 'Z', extra: 1 };
    const err = await appErrorOf(submitDossier(ports, OWNER, 'k-00000001', input), 'INVALID_FORM');
    const paths = (err.details as { path: string }[]).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['form.citizenId', 'form.licenceClass', 'form.extra']));
  });

  it("refuses someone else's upload exactly like a missing one", async () => {
    ports.uploads.set(U2, upload(U2, { ownerSub: 'citizen-b' }));
    await appErrorOf(submitDossier(ports, OWNER, 'k-00000001', validInput()), 'UPLOAD_NOT_FOUND');
    ports.uploads.delete(U2);
    await appErrorOf(submitDossier(ports, OWNER, 'k-00000002', validInput()), 'UPLOAD_NOT_FOUND');
    expect(ports.commits).toHaveLength(0);
  });

  it('refuses an upload whose stored object is missing or differs from what was declared', async () => {
    ports.objects.delete(`uploads/x/${U2}`);
    await appErrorOf(submitDossier(ports, OWNER, 'k-00000001', validInput()), 'UPLOAD_INCOMPLETE');
    ports.objects.set(`uploads/x/${U2}`, storedScan(999_999));
    await appErrorOf(submitDossier(ports, OWNER, 'k-00000002', validInput()), 'UPLOAD_INCOMPLETE');
    ports.objects.set(`uploads/x/${U2}`, storedScan(1000, 'text/html'));
    await appErrorOf(submitDossier(ports, OWNER, 'k-00000003', validInput()), 'UPLOAD_INCOMPLETE');
  });

  it('refuses a file whose content is not the type it was declared as, naming the document', async () => {
    ports.objects.set(`uploads/x/${U2}`, storedScan(1000, 'application/pdf', HTML_PAGE));
    const html = await appErrorOf(
      submitDossier(ports, OWNER, 'k-00000001', validInput()),
      'FILE_CONTENT_MISMATCH',
    );
    expect(html.status).toBe(422);
    expect(html.details).toEqual([
      expect.objectContaining({
        path: 'attachments.1.uploadId',
        code: 'content_mismatch',
        documentType: 'health_certificate',
        fileName: 'scan.pdf',
      }),
    ]);
    ports.uploads.set(U1, upload(U1, { contentType: 'image/png', fileName: 'licence.png' }));
    ports.objects.set(`uploads/x/${U1}`, storedScan(1000, 'image/png', SVG_IMAGE));
    ports.objects.set(`uploads/x/${U2}`, storedScan(1000, 'application/pdf', SCAN_HEADS['image/jpeg']));
    const both = await appErrorOf(
      submitDossier(ports, OWNER, 'k-00000002', validInput()),
      'FILE_CONTENT_MISMATCH',
    );
    expect(both.details).toHaveLength(2);
    expect(ports.commits).toHaveLength(0);
  });

  it('accepts a file whose content is the type it was declared as', async () => {
    ports.uploads.set(U1, upload(U1, { contentType: 'image/jpeg', fileName: 'licence.jpg' }));
    ports.objects.set(`uploads/x/${U1}`, storedScan(1000, 'image/jpeg'));
    ports.uploads.set(U2, upload(U2, { contentType: 'image/png', fileName: 'health.png' }));
    ports.objects.set(`uploads/x/${U2}`, storedScan(1000, 'image/png'));
    const res = await submitDossier(ports, OWNER, 'k-00000001', validInput());
    expect(res.status).toBe(201);
  });

  it('requires every required document, once, of an accepted type', async () => {
    const missing = validInput();
    missing.attachments = missing.attachments.slice(0, 1);
    const err = await appErrorOf(submitDossier(ports, OWNER, 'k-00000001', missing), 'DOCUMENT_NOT_ACCEPTED');
    expect(err.details).toEqual([expect.objectContaining({ code: 'missing_document' })]);

    const unknown = validInput();
    unknown.attachments[1] = { documentType: 'birth_certificate', uploadId: U2 };
    await appErrorOf(submitDossier(ports, OWNER, 'k-00000002', unknown), 'DOCUMENT_NOT_ACCEPTED');

    const twice = validInput();
    twice.attachments[1] = { documentType: 'health_certificate', uploadId: U1 };
    await appErrorOf(submitDossier(ports, OWNER, 'k-00000003', twice), 'DOCUMENT_NOT_ACCEPTED');

    ports.uploads.set(U2, upload(U2, { contentType: 'image/gif' }));
    await appErrorOf(submitDossier(ports, OWNER, 'k-00000004', validInput()), 'DOCUMENT_NOT_ACCEPTED');
    expect(ports.commits).toHaveLength(0);
  });

  it('refuses an upload already attached to another dossier', async () => {
    await submitDossier(ports, OWNER, 'key-0001', validInput());
    const err = await appErrorOf(
      submitDossier(ports, OWNER, 'key-0002', validInput()),
      'DOCUMENT_NOT_ACCEPTED',
    );
    expect(err.details).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'upload_used' })]));
  });

  it('refuses with 429 and removes its copies when the account’s counter, taken in the commit, is spent', async () => {
    ports.nextOutcome = 'rate-limited';
    const window = { start: Math.floor(NOW.getTime() / 1000), end: Math.floor(NOW.getTime() / 1000) + 90 };
    const claim = { limitClass: 'intake' as const, subject: `acct:${OWNER}`, window, limit: 30 };
    const err = await appErrorOf(
      submitDossier(ports, OWNER, 'key-0001', validInput(), claim),
      'RATE_LIMITED',
    );
    expect(err.headers).toEqual({ 'retry-after': '90' });
    expect(err.details).toMatchObject({ limit: 'intake', by: ['account'] });
    expect(ports.deleted).toHaveLength(2);
  });

  it('carries the account’s counter into the commit', async () => {
    const window = { start: 0, end: 3600 };
    const claim = { limitClass: 'intake' as const, subject: `acct:${OWNER}`, window, limit: 30 };
    await submitDossier(ports, OWNER, 'key-0001', validInput(), claim);
    expect(ports.commits[0]!.accountLimit).toEqual(claim);
  });

  it('answers 409 and removes its copies when concurrent filings kept the commit from landing', async () => {
    ports.nextOutcome = 'conflict';
    await appErrorOf(submitDossier(ports, OWNER, 'key-0001', validInput()), 'CONFLICT');
    expect(ports.deleted).toHaveLength(2);
  });

  it('removes its copies when the commit loses a race for the uploads', async () => {
    ports.nextOutcome = 'upload-taken';
    await appErrorOf(submitDossier(ports, OWNER, 'key-0001', validInput()), 'UPLOAD_ALREADY_USED');
    expect(ports.deleted).toHaveLength(2);
    expect([...ports.objects.keys()].some((k) => k.startsWith('dossiers/'))).toBe(false);
  });

  it('answers as the winner when a concurrent request with the same key commits first', async () => {
    const [a, b] = await Promise.all([
      submitDossier(ports, OWNER, 'key-0001', validInput()),
      submitDossier(ports, OWNER, 'key-0001', validInput()),
    ]);
    expect(a.body).toEqual(b.body);
    expect(ports.commits).toHaveLength(1);
  });

  describe('to many provinces (multi-destination)', () => {
    const notice = (destinations?: string[] | 'all'): SubmitInput => ({
      procedureCode: '2.000033',
      form: { ...promotionNoticeForm },
      attachments: [{ documentType: 'promotion_notice_form', uploadId: U1 }],
      ...(destinations ? { destinations } : {}),
    });

    it('creates one dossier per province and one outbox item for all of them', async () => {
      const res = await submitDossier(ports, OWNER, 'key-0001', notice('all'));
      expect(res.body.dossiers).toHaveLength(34);
      const agencies = new Set(res.body.dossiers.map((d) => d.agencyId));
      expect(agencies.size).toBe(34);
      const write = ports.commits[0]!;
      expect(write.outbox?.messages).toHaveLength(34);
      expect(new Set(write.outbox?.messages.map((m) => m.channel)).size).toBe(34);
      // The scan is copied once and shared by every dossier of the submission.
      const keys = new Set(write.dossiers.flatMap((d) => d.record.attachments.map((a) => a.key)));
      expect(keys.size).toBe(1);
      expect(new Set(write.dossiers.map((d) => d.record.submissionId)).size).toBe(1);
    });

    it('gives every dossier its own unguessable tracking key, on the receipt and in the record', async () => {
      const res = await submitDossier(ports, OWNER, 'k-00000001', notice('all'));
      const keys = res.body.dossiers.map((d) => d.trackingKey);
      for (const key of keys) expect(key).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
      expect(new Set(keys).size).toBe(34);
      expect(ports.commits[0]!.dossiers.map((d) => d.record.trackingKey)).toEqual(keys);
    });

    it('sends to the chosen provinces only, once each', async () => {
      const res = await submitDossier(ports, OWNER, 'key-0002', notice(['01', '79', '01']));
      expect(res.body.dossiers).toHaveLength(2);
    });

    it('refuses unknown provinces and destinations for a single-agency procedure', async () => {
      const err = await appErrorOf(
        submitDossier(ports, OWNER, 'key-0003', notice(['01', '99'])),
        'VALIDATION_FAILED',
      );
      expect(err.details).toEqual([expect.objectContaining({ path: 'body.destinations.1' })]);
      await appErrorOf(
        submitDossier(ports, OWNER, 'key-0004', { ...validInput(), destinations: ['01'] }),
        'VALIDATION_FAILED',
      );
      expect(ports.commits).toHaveLength(0);
    });
  });
});

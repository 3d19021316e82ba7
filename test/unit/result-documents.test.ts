/**
 * Electronic results as signed documents: the signature verifies offline with nothing but the published
 * JWKS, any change to the record or the file is caught, KMS's DER signatures are turned into JWS form,
 * and the issuing agency revokes or replaces a document by signed callback (the verification answer
 * changes with it). Shares expire and every opening is recorded for the holder.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type AgencyEventPorts, handleAgencyEvent } from '../../functions/agencies/events.js';
import { findProcedure } from '../../functions/catalog/catalog.js';
import type { DossierRecord } from '../../functions/core/dossier.js';
import { AppError } from '../../functions/core/errors.js';
import { GENESIS_HASH, sealEvent } from '../../functions/core/timeline.js';
import {
  type AttachmentPorts,
  checkAttachments,
  type HeldResult,
} from '../../functions/documents/attachments.js';
import {
  type AccessRecord,
  type DocumentShare,
  listMyAccessLog,
  openShare,
  type SharePorts,
  shareMyDocument,
  tokenHashOf,
} from '../../functions/documents/library.js';
import {
  type ResultDocument,
  verificationLink,
  verificationOf,
} from '../../functions/documents/result-documents.js';
import {
  canonicalRecord,
  type SignedRecord,
  signRecord,
  verifyOffline,
} from '../../functions/documents/result-record.js';
import { derToJose, pemSigner } from '../../functions/documents/result-signer.js';
import { type AccountPorts, listMyDocuments } from '../../functions/me/account.js';
import { agencyEvent } from '../../schemas/agency.js';
import { shareRequest } from '../../schemas/results.js';
import { testSigner, testSigningKey } from '../support/result-signer.js';

const CODE = 'CAHN-261120-0001';
const PDF = Buffer.from('%PDF-1.7 giấy phép lái xe');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const record: SignedRecord = {
  documentId: '01KBBBBBBBBBBBBBBBBBBBBBBB',
  dossierCode: CODE,
  procedureCode: '1.002804',
  documentType: 'current_licence',
  issuingAgency: 'cahn',
  issuedAt: '2026-11-21T02:00:00.000Z',
  sha256: sha256(PDF),
  status: 'valid',
};

describe('the signed record', () => {
  it('verifies offline with only the published JWKS, and names the file it vouches for', async () => {
    const signer = testSigner();
    const jws = await signRecord(signer, record);
    const jwks = JSON.parse(JSON.stringify(await signer.jwks()));
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const verdict = await verifyOffline(jws, jwks, { record, sha256: sha256(PDF) });
    expect(verdict).toMatchObject({ valid: true, record, keyId: await signer.keyId() });
    // The signed bytes are the canonical JSON: keys sorted, no spaces.
    expect(Buffer.from(jws.split('.')[1]!, 'base64url').toString()).toBe(canonicalRecord(record));
    expect(canonicalRecord(record).startsWith('{"documentId":')).toBe(true);
  });

  it('is refused under another key, with a changed record, or for other bytes', async () => {
    const signer = testSigner();
    const jws = await signRecord(signer, record);
    const jwks = await signer.jwks();
    expect(await verifyOffline(jws, await testSigner().jwks())).toEqual({
      valid: false,
      reason: 'bad_signature',
    });
    expect(await verifyOffline(jws, jwks, { record: { ...record, status: 'revoked' } })).toEqual({
      valid: false,
      reason: 'record_mismatch',
    });
    expect(await verifyOffline(jws, jwks, { sha256: sha256(Buffer.from('khác')) })).toEqual({
      valid: false,
      reason: 'file_mismatch',
    });
    const [h, , s] = jws.split('.');
    const forged = `${h}.${Buffer.from(canonicalRecord({ ...record, issuingAgency: 'bca' })).toString('base64url')}.${s}`;
    expect(await verifyOffline(forged, jwks)).toEqual({ valid: false, reason: 'bad_signature' });
  });

  it("turns KMS's DER ECDSA signatures into JWS form", async () => {
    const pem = testSigningKey();
    const signer = pemSigner(pem);
    for (let i = 0; i < 20; i++) {
      const data = Buffer.from(`ký số ${i}`);
      const der = sign('sha256', data, { key: pem, dsaEncoding: 'der' });
      const jose = derToJose(der);
      expect(jose).toHaveLength(64);
      const jws = await signRecord(
        { ...signer, sign: async (d) => derToJose(sign('sha256', d, pem)) },
        record,
      );
      expect((await verifyOffline(jws, await signer.jwks())).valid).toBe(true);
    }
    expect(() => derToJose(Buffer.from([0x31, 0x00]))).toThrow();
  });

  it('refuses a key that is not EC P-256', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    });
    expect(() => pemSigner(rsa.toString())).toThrow(/P-256/);
  });
});

function dossier(status: DossierRecord['status']): DossierRecord {
  const first = sealEvent({
    seq: 1,
    at: '2026-11-20T03:00:00.000Z',
    type: 'dossier.submitted',
    status: 'submitted',
    actor: 'citizen',
    prevHash: GENESIS_HASH,
  });
  return {
    code: CODE,
    submissionId: '01KAAAAAAAAAAAAAAAAAAAAAA1',
    procedureCode: '1.002804',
    procedureVersion: 1,
    procedureName: 'Đổi giấy phép lái xe',
    agencyId: 'cahn',
    agencyName: 'Công an thành phố Hà Nội',
    ownerSub: 'citizen-a',
    status,
    version: 1,
    lastSeq: 1,
    lastHash: first.hash,
    submittedAt: first.at,
    updatedAt: first.at,
    dueAt: '2026-11-27T10:00:00.000Z',
    form: {},
    attachments: [],
  };
}

class Table implements AgencyEventPorts {
  current = dossier('approved');
  docs = new Map<string, ResultDocument>();
  notices: string[] = [];
  signer = testSigner();
  now = () => new Date('2026-11-21T02:00:00Z');
  findRecorded = async () => undefined;
  loadDossier = async (code: string) => (code === CODE ? structuredClone(this.current) : undefined);
  loadDocument = async (id: string) => structuredClone(this.docs.get(id));
  putResult = async () => {};
  recordOnly = async () => {};
  apply: AgencyEventPorts['apply'] = async ({ dossier: read, event, dossierResult, documents }) => {
    if (read.version !== this.current.version) return 'version-conflict';
    for (const { document, expected } of documents ?? []) {
      const held = this.docs.get(document.documentId);
      if (expected ? held?.status !== expected : held) return 'version-conflict';
    }
    for (const { document } of documents ?? []) this.docs.set(document.documentId, document);
    this.current = {
      ...this.current,
      status: event.status,
      version: read.version + 1,
      lastSeq: event.seq,
      lastHash: event.hash,
      ...(dossierResult ? { result: dossierResult } : {}),
    };
    this.notices.push(event.type);
    return 'applied';
  };
}

const electronic = (bytes: Buffer, documentType?: string) => ({
  kind: 'electronic',
  fileName: 'GPLX.pdf',
  contentType: 'application/pdf',
  contentBase64: bytes.toString('base64'),
  ...(documentType ? { documentType } : {}),
});
const ev = (body: Record<string, unknown>) => agencyEvent.parse({ dossierCode: CODE, ...body });

async function issued() {
  const table = new Table();
  const out = await handleAgencyEvent(
    table,
    'cahn',
    ev({
      type: 'dossier.result_issued',
      eventId: 'evt-result-1',
      result: electronic(PDF, 'current_licence'),
    }),
  );
  const documentId = out.resultDocument!.documentId!;
  return { table, documentId };
}

describe('a result issued, revoked and replaced by its agency', () => {
  it('is issued as a signed document the dossier points at, verified "genuine" with non-personal facts only', async () => {
    const { table, documentId } = await issued();
    const doc = table.docs.get(documentId)!;
    expect(doc).toMatchObject({
      documentType: 'current_licence',
      sha256: sha256(PDF),
      status: 'valid',
      ownerSub: 'citizen-a',
    });
    expect(table.current.result).toMatchObject({ documentId, documentType: 'current_licence' });
    const answer = verificationOf(documentId, doc);
    expect(answer).toMatchObject({
      status: 'genuine',
      document: { documentType: 'current_licence', issuingAgency: 'cahn', issuedAt: doc.issuedAt },
    });
    // The holder, the file name and the form never reach a verifier.
    const text = JSON.stringify(answer);
    for (const personal of ['citizen-a', 'GPLX.pdf', 'ownerSub', 'fileName'])
      expect(text).not.toContain(personal);
    const verdict = await verifyOffline(answer.signature!, await table.signer.jwks(), {
      record: answer.record!,
      sha256: sha256(PDF),
    });
    expect(verdict.valid).toBe(true);
    expect(verificationOf('01KZZZZZZZZZZZZZZZZZZZZZZZ', undefined)).toEqual({
      documentId: '01KZZZZZZZZZZZZZZZZZZZZZZZ',
      status: 'unknown',
    });
  });

  it('is revoked at once: verification answers "revoked" under a fresh signature, and the holder is told', async () => {
    const { table, documentId } = await issued();
    const out = await handleAgencyEvent(
      table,
      'cahn',
      ev({ type: 'result.revoked', eventId: 'evt-revoke-1', documentId, reason: 'Cấp nhầm hạng giấy phép' }),
    );
    expect(out).toMatchObject({ applied: true, status: 'result_issued' });
    const answer = verificationOf(documentId, table.docs.get(documentId));
    expect(answer.status).toBe('revoked');
    expect(answer.record).toMatchObject({ status: 'revoked', statusAt: '2026-11-21T02:00:00.000Z' });
    expect(
      (await verifyOffline(answer.signature!, await table.signer.jwks(), { record: answer.record! })).valid,
    ).toBe(true);
    expect(table.notices).toEqual(['dossier.result_issued', 'result.revoked']);
    // Once revoked it cannot be revoked or replaced again.
    await expect(
      handleAgencyEvent(
        table,
        'cahn',
        ev({ type: 'result.revoked', eventId: 'evt-revoke-2', documentId, reason: 'Lần nữa' }),
      ),
    ).rejects.toMatchObject({ code: 'RESULT_DOCUMENT_NOT_VALID' });
  });

  it('is replaced by a new signed document: the old one says "replaced" and names its successor', async () => {
    const { table, documentId } = await issued();
    const fixed = Buffer.from('%PDF-1.7 giấy phép lái xe (đã sửa)');
    const out = await handleAgencyEvent(
      table,
      'cahn',
      ev({
        type: 'result.replaced',
        eventId: 'evt-replace-1',
        documentId,
        reason: 'Sửa ngày sinh in sai',
        result: electronic(fixed),
      }),
    );
    const next = out.resultDocument!.documentId!;
    expect(next).not.toBe(documentId);
    expect(verificationOf(documentId, table.docs.get(documentId))).toMatchObject({
      status: 'replaced',
      document: { replacedBy: next },
    });
    // The replacement keeps the document's type and now is the dossier's result.
    expect(table.docs.get(next)).toMatchObject({
      status: 'valid',
      replaces: documentId,
      documentType: 'current_licence',
      sha256: sha256(fixed),
    });
    expect(table.current.result).toMatchObject({ documentId: next, sha256: sha256(fixed) });
    expect(table.notices.at(-1)).toBe('result.replaced');
  });

  it("refuses another agency's document, an unknown one, and a dossier without a result yet", async () => {
    const { table, documentId } = await issued();
    const revoke = ev({
      type: 'result.revoked',
      eventId: 'evt-revoke-x',
      documentId,
      reason: 'Không thuộc thẩm quyền',
    });
    table.current = { ...table.current, agencyId: 'bca' };
    await expect(handleAgencyEvent(table, 'cahn', revoke)).rejects.toMatchObject({
      code: 'DOSSIER_NOT_FOUND',
    });
    table.current = { ...table.current, agencyId: 'cahn' };
    table.docs.set(documentId, { ...table.docs.get(documentId)!, issuingAgency: 'bca' });
    await expect(handleAgencyEvent(table, 'cahn', revoke)).rejects.toMatchObject({
      code: 'RESULT_DOCUMENT_NOT_FOUND',
    });
    const unknown = ev({ ...revoke, documentId: '01KZZZZZZZZZZZZZZZZZZZZZZZ' });
    await expect(handleAgencyEvent(table, 'cahn', unknown)).rejects.toBeInstanceOf(AppError);
    const early = new Table();
    await expect(handleAgencyEvent(early, 'cahn', revoke)).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
    });
  });

  it('puts the document, its dossier and procedure in the verification link', () => {
    expect(
      verificationLink(
        { documentId: '01KBBBBBBBBBBBBBBBBBBBBBBB', dossierCode: CODE, procedureCode: '1.002804' },
        'https://dichvucong.gov.vn/',
      ),
    ).toBe(`https://dichvucong.gov.vn/verify/01KBBBBBBBBBBBBBBBBBBBBBBB?dossier=${CODE}&procedure=1.002804`);
  });
});

describe('shares and the access log', () => {
  const ports = () => {
    const shares = new Map<string, DocumentShare>();
    const reads: AccessRecord[] = [];
    let now = new Date('2026-11-21T02:00:00Z');
    const doc = {
      ...record,
      fileName: 'GPLX.pdf',
      contentType: 'application/pdf',
      size: PDF.length,
      key: 'results/x.pdf',
      ownerSub: 'citizen-a',
      signature: '',
    } as unknown as ResultDocument;
    const p: SharePorts = {
      now: () => now,
      loadDossier: async () => undefined,
      loadDocument: async (id) => (id === record.documentId ? { ...doc, record } : undefined),
      presign: async (key) => `https://s3.example/${key}?sig`,
      putShare: async (s) => void shares.set(s.tokenHash, s),
      loadShare: async (h) => shares.get(h),
      recordShareRead: async (_s, r) => void reads.push(r),
    };
    return { p, shares, reads, later: (ms: number) => (now = new Date(now.getTime() + ms)) };
  };

  it('gives the holder an unguessable link that works until it expires, and records each opening', async () => {
    const { p, shares, reads, later } = ports();
    const { url, expiresAt } = await shareMyDocument(
      p,
      'citizen-a',
      record.documentId,
      24,
      'https://cong.example',
    );
    const token = url.split('/').at(-1)!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toBe('2026-11-22T02:00:00.000Z');
    // The table keeps only the token's hash.
    expect([...shares.keys()]).toEqual([tokenHashOf(token)]);
    expect(JSON.stringify([...shares.values()])).not.toContain(token);
    const opened = await openShare(p, token, 'req-1');
    expect(opened).toMatchObject({
      sha256: record.sha256,
      documentId: record.documentId,
      url: 'https://s3.example/results/x.pdf?sig',
    });
    expect(reads).toEqual([
      expect.objectContaining({
        via: 'share',
        what: 'document',
        requestId: 'req-1',
        documentId: record.documentId,
        dossierCode: CODE,
      }),
    ]);
    later(24 * 3_600_000);
    await expect(openShare(p, token, 'req-2')).rejects.toMatchObject({ code: 'SHARE_NOT_FOUND' });
    await expect(openShare(p, 'x'.repeat(43), 'req-3')).rejects.toMatchObject({ code: 'SHARE_NOT_FOUND' });
    expect(reads).toHaveLength(1);
  });

  it("shares only the holder's own documents, for at most seven days", async () => {
    const { p } = ports();
    await expect(shareMyDocument(p, 'citizen-b', record.documentId, 1)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(shareRequest.safeParse({ expiresInHours: 169 }).success).toBe(false);
    expect(shareRequest.parse({})).toEqual({ expiresInHours: 72 });
  });

  it("lists the person's log newest first and refuses another person's cursor", async () => {
    const at = '2026-11-21T02:00:00.000Z';
    const log = await listMyAccessLog(
      {
        accessPage: async (sub, q) => {
          expect(sub).toBe('citizen-a');
          expect(q.limit).toBe(1);
          return {
            items: [
              {
                at,
                via: 'agency_system',
                requestId: 'msg_1',
                agencyId: 'cahn',
                dossierCode: CODE,
                documentType: 'portrait_photo',
              },
            ],
            lastKey: {
              pk: `DOSSIER#${CODE}`,
              sk: `ACCESS#${at}#msg_1`,
              gsi1pk: 'OWNER#citizen-a',
              gsi1sk: `ACCESS#${at}#msg_1`,
            },
          };
        },
      },
      'citizen-a',
      { limit: 1 },
    );
    expect(log.items).toEqual([
      {
        at,
        via: 'agency_system',
        // A fetch recorded before reads were told apart is a file's.
        what: 'attachment',
        agencyId: 'cahn',
        agencyName: expect.any(String),
        dossierCode: CODE,
        documentType: 'portrait_photo',
      },
    ]);
    expect(log.nextCursor).toBeTruthy();
    await expect(
      listMyAccessLog({ accessPage: async () => ({ items: [] }) }, 'citizen-b', {
        limit: 1,
        cursor: log.nextCursor!,
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('a result the person holds, attached instead of a new upload', () => {
  const held: HeldResult = {
    documentId: '01KBBBBBBBBBBBBBBBBBBBBBBB',
    dossierCode: CODE,
    documentType: 'current_licence',
    status: 'valid',
    fileName: 'GPLX.pdf',
    contentType: 'application/pdf',
    size: PDF.length,
    key: `results/${CODE}/abc.pdf`,
    issuedAt: '2026-11-21T02:00:00.000Z',
    ownerSub: 'citizen-a',
  };
  const ports = (doc: HeldResult): AttachmentPorts => ({
    findUpload: async () => undefined,
    inspectObject: async (key) =>
      key === doc.key
        ? { size: doc.size, contentType: doc.contentType, head: PDF.subarray(0, 16) }
        : undefined,
    findDossier: async (code) => (code === CODE ? dossier('result_issued') : undefined),
    findResultDocument: async (id) => (id === doc.documentId ? doc : undefined),
  });
  const documents = findProcedure('1.002804')!.documents;
  const attach = (doc: HeldResult, sub = 'citizen-a', documentType = 'current_licence') =>
    checkAttachments(ports(doc), documents, sub, [{ documentType, documentId: doc.documentId }], {
      required: [],
    });

  it('is accepted while valid, for its own type, and copied from where the portal keeps it', async () => {
    const [accepted] = await attach(held);
    expect(accepted).toMatchObject({
      documentType: 'current_licence',
      upload: { key: held.key, size: PDF.length, uploadId: held.documentId },
      reusedFrom: { dossierCode: CODE, uploadId: held.documentId },
    });
  });

  it("is refused when revoked, of another type, or someone else's", async () => {
    await expect(attach({ ...held, status: 'revoked' })).rejects.toMatchObject({
      code: 'DOCUMENT_NOT_ACCEPTED',
      details: [expect.objectContaining({ code: 'document_not_valid' })],
    });
    await expect(attach(held, 'citizen-a', 'health_certificate')).rejects.toMatchObject({
      details: [expect.objectContaining({ code: 'document_type_mismatch' })],
    });
    await expect(attach(held, 'citizen-b')).rejects.toMatchObject({ code: 'DOCUMENT_NOT_FOUND' });
  });
});

describe("the person's document list", () => {
  const doc = (n: number): ResultDocument =>
    ({
      documentId: `01KBBBBBBBBBBBBBBBBBBBBBB${n}`,
      dossierCode: CODE,
      procedureCode: '1.002804',
      documentType: 'current_licence',
      issuingAgency: 'cahn',
      issuedAt: `2026-11-2${n}T02:00:00.000Z`,
      sha256: sha256(PDF),
      status: n === 1 ? 'revoked' : 'valid',
      fileName: 'GPLX.pdf',
      contentType: 'application/pdf',
      size: PDF.length,
      key: 'results/x.pdf',
      ownerSub: 'citizen-a',
    }) as ResultDocument;
  const key = (d: ResultDocument) => ({
    pk: `RESULTDOC#${d.documentId}`,
    sk: 'RESULTDOC',
    gsi1pk: 'OWNER#citizen-a',
    gsi1sk: `RESULTDOC#${d.issuedAt}#${d.documentId}`,
  });
  const withScan: DossierRecord = {
    ...dossier('result_issued'),
    attachments: [
      {
        documentType: 'health_certificate',
        uploadId: '01KCCCCCCCCCCCCCCCCCCCCCCC',
        fileName: 'sk.pdf',
        contentType: 'application/pdf',
        size: 10,
        key: 'dossiers/x',
        sha256: 'a'.repeat(64),
      },
    ],
  };
  const ports: AccountPorts = {
    now: () => new Date('2026-11-25T00:00:00Z'),
    dossier: async () => withScan,
    timeline: async () => [],
    indexedDossiers: async () => ({ items: [] }),
    ownDossiers: async () => ({
      items: [
        {
          key: { pk: `DOSSIER#${CODE}`, sk: 'DOSSIER', gsi1pk: 'OWNER#citizen-a', gsi1sk: 'DOSSIER#x' },
          dossier: withScan,
        },
      ],
    }),
    ownResults: async (_sub, q) => {
      const all = [doc(2), doc(1)];
      const from = q.after ? all.findIndex((d) => key(d).pk === q.after!.pk) + 1 : 0;
      const items = all.slice(from, from + q.limit).map((d) => ({ key: key(d), document: d }));
      const last = items.at(-1);
      return { items, ...(from + q.limit < all.length && last ? { lastKey: last.key } : {}) };
    },
    portalUrl: 'https://cong.example',
  };

  it('lists results first, with issuer, status and digest, then the scans, page by page', async () => {
    const first = await listMyDocuments(ports, 'citizen-a', { limit: 2 });
    expect(first.items.map((i) => [i.kind, i.status])).toEqual([
      ['result', 'valid'],
      ['result', 'revoked'],
    ]);
    expect(first.items[0]).toMatchObject({
      issuer: 'cahn',
      sha256: sha256(PDF),
      verifyUrl: expect.stringContaining('/verify/'),
    });
    const second = await listMyDocuments(ports, 'citizen-a', { limit: 2, cursor: first.nextCursor! });
    expect(second.items).toEqual([
      expect.objectContaining({ kind: 'scan', documentType: 'health_certificate', sha256: 'a'.repeat(64) }),
    ]);
    expect(second.nextCursor).toBeNull();
    const one = await listMyDocuments(ports, 'citizen-a', { limit: 1 });
    const next = await listMyDocuments(ports, 'citizen-a', { limit: 1, cursor: one.nextCursor! });
    expect(next.items.map((i) => i.documentId)).toEqual([doc(1).documentId]);
  });

  it("refuses a cursor of another person's results", async () => {
    const one = await listMyDocuments(ports, 'citizen-a', { limit: 1 });
    await expect(
      listMyDocuments(ports, 'citizen-b', { limit: 1, cursor: one.nextCursor! }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});

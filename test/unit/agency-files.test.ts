/**
 * Agencies fetching a dossier's files: the link only for the agency the dossier was sent to, each fetch
 * recorded once (a replayed signed request is refused), digests kept at intake or computed once for older
 * scans; the owner's list of those fetches; and the digest helpers intake's copy uses.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { CopyObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { attachmentFetchStore } from '../../functions/agencies/files-store.js';
import type { DossierRecord } from '../../functions/core/dossier.js';
import { keys } from '../../functions/core/keys.js';
import { hexFromBase64Checksum, sha256OfStream } from '../../functions/core/scan-digest.js';
import {
  ATTACHMENT_LINK_SECONDS,
  type AttachmentAccess,
  type AttachmentFetchPorts,
  attachmentIdOf,
  type FileCaller,
  fetchAttachment,
  PREVIOUS_RESULT,
  type SignedRequest,
} from '../../functions/documents/agency-files.js';
import { copyScans } from '../../functions/documents/attachments.js';
import { intakeStore } from '../../functions/intake/store.js';
import { readerOf, readerRefOf } from '../../functions/pii/read-log.js';
import { type AccessLogPorts, listAccessLog, type StoredRead } from '../../functions/tracking/access-log.js';
import { attachmentLink } from '../../schemas/dossier-delivery.js';
import { accessLogQuery } from '../../schemas/dossier-views.js';
import { mockedDocumentClient } from '../support/mocked-dynamo.js';
import { appErrorOf } from '../support/rejections.js';

const CODE = 'BHXHHN-260309-0001';
const AGENCY = 'bhxh-hn';
const SCAN = Buffer.from('%PDF-1.7 the-bhyt');
const SCAN_SHA = createHash('sha256').update(SCAN).digest('hex');
const OLD_SCAN = Buffer.from('%PDF-1.4 an older scan');
const NOW = new Date('2026-03-09T03:00:00.000Z');

const dossier = (over: Partial<DossierRecord> = {}): DossierRecord => ({
  code: CODE,
  submissionId: '01KJR6B3Z6M1W8E2Q4T5V7X9YA',
  procedureCode: '1.002758',
  procedureVersion: 1,
  procedureName: 'Cấp lại thẻ bảo hiểm y tế',
  agencyId: AGENCY,
  agencyName: 'Bảo hiểm xã hội thành phố Hà Nội',
  ownerSub: 'owner-1',
  status: 'received',
  version: 2,
  lastSeq: 2,
  lastHash: 'a'.repeat(64),
  submittedAt: '2026-03-09T02:00:00.000Z',
  updatedAt: '2026-03-09T02:30:00.000Z',
  dueAt: '2026-03-12T10:00:00.000Z',
  form: {},
  attachments: [
    {
      documentType: 'damaged_card',
      uploadId: '01KJR6B3Z6M1W8E2Q4T5V7X9Y1',
      fileName: 'thẻ bhyt.pdf',
      contentType: 'application/pdf',
      size: SCAN.length,
      key: `dossiers/${CODE}/damaged_card-01KJR6B3Z6M1W8E2Q4T5V7X9Y1`,
      sha256: SCAN_SHA,
    },
    {
      documentType: 'photo',
      uploadId: '01KJR6B3Z6M1W8E2Q4T5V7X9Y2',
      fileName: 'anh.pdf',
      contentType: 'application/pdf',
      size: OLD_SCAN.length,
      key: `dossiers/${CODE}/photo-01KJR6B3Z6M1W8E2Q4T5V7X9Y2`,
    },
  ],
  ...over,
});

const FIRST = attachmentIdOf(CODE, '01KJR6B3Z6M1W8E2Q4T5V7X9Y1');
const SECOND = attachmentIdOf(CODE, '01KJR6B3Z6M1W8E2Q4T5V7X9Y2');

class Fake implements AttachmentFetchPorts {
  record = dossier();
  objects = new Map<string, Buffer>([
    [this.record.attachments[0]!.key, SCAN],
    [this.record.attachments[1]!.key, OLD_SCAN],
  ]);
  accesses = new Map<string, AttachmentAccess>();
  digests: string[] = [];
  kept: { index: number; sha256: string }[] = [];
  links: string[] = [];
  now = () => NOW;
  loadDossier = async (code: string) => (code === CODE ? this.record : undefined);
  digestObject = async (key: string) => {
    this.digests.push(key);
    return createHash('sha256').update(this.objects.get(key)!).digest('hex');
  };
  keepDigest = async (_code: string, index: number, _id: string, sha256: string) => {
    this.kept.push({ index, sha256 });
    this.record.attachments[index]!.sha256 = sha256;
  };
  answered = new Set<string>();
  recordAccess = async (code: string, a: AttachmentAccess) => {
    const guard = keys.signedRequest(a.reader, a.requestId).pk;
    if (a.via === 'agency_system' && this.answered.has(guard)) return false;
    this.answered.add(guard);
    this.accesses.set(keys.dossierRead(code, a.at, a.requestId).sk, a);
    return true;
  };
  presign = async (key: string) => {
    // A link is only ever handed out after its fetch was recorded.
    expect(this.accesses.size).toBeGreaterThan(0);
    this.links.push(key);
    return `https://s3.example/${key}?X-Amz-Expires=${ATTACHMENT_LINK_SECONDS}`;
  };
}

let n = 0;
const signed = () => ({ webhookId: `msg_${++n}`, timestamp: String(Math.floor(NOW.getTime() / 1000)) });
/** The agency's system, by a signed request. */
const sys = (agencyId: string, request: SignedRequest): FileCaller => ({
  kind: 'agency_system',
  agencyId,
  request,
});

describe('an agency fetching a file of a dossier', () => {
  let ports: Fake;
  beforeEach(() => {
    ports = new Fake();
  });

  it('gets a five-minute link with the digest kept at intake, and the fetch is recorded', async () => {
    const link = await fetchAttachment(ports, sys(AGENCY, signed()), CODE, FIRST);
    expect(attachmentLink.parse(link)).toEqual(link);
    expect(link).toMatchObject({
      attachmentId: FIRST,
      documentType: 'damaged_card',
      fileName: 'thẻ bhyt.pdf',
      contentType: 'application/pdf',
      size: SCAN.length,
      sha256: SCAN_SHA,
      expiresAt: '2026-03-09T03:05:00.000Z',
    });
    expect(ATTACHMENT_LINK_SECONDS).toBeLessThanOrEqual(15 * 60);
    expect(ports.digests).toEqual([]);
    expect([...ports.accesses.values()]).toEqual([
      {
        at: NOW.toISOString(),
        requestId: `msg_${n}`,
        dossierCode: CODE,
        via: 'agency_system',
        reader: AGENCY,
        agencyId: AGENCY,
        what: 'attachment',
        attachmentId: FIRST,
        documentType: 'damaged_card',
        signedAt: NOW.toISOString(),
      },
    ]);
  });

  it('computes the digest of a scan stored before digests were kept once, and keeps it', async () => {
    const first = await fetchAttachment(ports, sys(AGENCY, signed()), CODE, SECOND);
    expect(first.sha256).toBe(createHash('sha256').update(OLD_SCAN).digest('hex'));
    expect(ports.kept).toEqual([{ index: 1, sha256: first.sha256 }]);
    const again = await fetchAttachment(ports, sys(AGENCY, signed()), CODE, SECOND);
    expect(again.sha256).toBe(first.sha256);
    expect(ports.digests).toHaveLength(1);
    expect(ports.accesses.size).toBe(2);
  });

  it('records every fetch, each under its own signed request', async () => {
    await Promise.all([1, 2, 3].map(() => fetchAttachment(ports, sys(AGENCY, signed()), CODE, FIRST)));
    expect(ports.accesses.size).toBe(3);
  });

  it('refuses a replayed signed request, and hands out no link for it', async () => {
    const request = signed();
    await fetchAttachment(ports, sys(AGENCY, request), CODE, FIRST);
    const err = await appErrorOf(
      fetchAttachment(ports, sys(AGENCY, request), CODE, FIRST),
      'SIGNATURE_REPLAYED',
    );
    expect(err.status).toBe(401);
    expect(ports.links).toHaveLength(1);
  });

  it('answers another agency, and a dossier not yet sent, exactly as a missing dossier', async () => {
    const other = await appErrorOf(
      fetchAttachment(ports, sys('cahn', signed()), CODE, FIRST),
      'DOSSIER_NOT_FOUND',
    );
    expect(other.status).toBe(404);
    await appErrorOf(
      fetchAttachment(ports, sys(AGENCY, signed()), 'BHXHHN-260309-0002', FIRST),
      'DOSSIER_NOT_FOUND',
    );
    ports.record = dossier({ payment: { amount: 30_000, currency: 'VND', status: 'unpaid' } });
    await appErrorOf(fetchAttachment(ports, sys(AGENCY, signed()), CODE, FIRST), 'DOSSIER_NOT_FOUND');
    expect(ports.accesses.size).toBe(0);
    expect(ports.links).toEqual([]);
  });

  it('answers 404 for a file the dossier does not have, including its upload id', async () => {
    const unknown = await appErrorOf(
      fetchAttachment(ports, sys(AGENCY, signed()), CODE, attachmentIdOf(CODE, '01KJR6B3Z6M1W8E2Q4T5V7X9Y9')),
      'ATTACHMENT_NOT_FOUND',
    );
    expect(unknown.status).toBe(404);
    // A file of the same upload in another dossier has another id.
    expect(attachmentIdOf('BHXHHN-260309-0002', '01KJR6B3Z6M1W8E2Q4T5V7X9Y1')).not.toBe(FIRST);
    await appErrorOf(
      fetchAttachment(ports, sys(AGENCY, signed()), CODE, '01KJR6B3Z6M1W8E2Q4T5V7X9Y1'),
      'ATTACHMENT_NOT_FOUND',
    );
    expect(ports.accesses.size).toBe(0);
  });
});

describe("in a bundle, the previous agency's result", () => {
  const PREVIOUS = 'UBX00070-260309-0001';
  const EXTRACT = Buffer.from('%PDF-1.7 trích lục khai sinh');

  it('is a file of the next dossier, fetched with the digest the result was issued with', async () => {
    const ports = new Fake();
    ports.record = dossier({
      previousResult: {
        dossierCode: PREVIOUS,
        procedureCode: '1.001193',
        agencyId: 'xa-00070',
        issuedAt: NOW.toISOString(),
        kind: 'electronic',
        fileName: 'trích lục.pdf',
        sha256: createHash('sha256').update(EXTRACT).digest('hex'),
      },
    });
    const next = ports.record;
    const previous = dossier({
      code: PREVIOUS,
      agencyId: 'xa-00070',
      result: {
        kind: 'electronic',
        issuedAt: NOW.toISOString(),
        fileName: 'trích lục.pdf',
        contentType: 'application/pdf',
        size: EXTRACT.length,
        sha256: createHash('sha256').update(EXTRACT).digest('hex'),
        key: `results/${PREVIOUS}/abc.pdf`,
      },
    });
    ports.loadDossier = async (code: string) => ({ [CODE]: next, [PREVIOUS]: previous })[code];
    const id = attachmentIdOf(CODE, PREVIOUS_RESULT);
    const link = await fetchAttachment(ports, sys(AGENCY, signed()), CODE, id);
    expect(link).toMatchObject({
      attachmentId: id,
      documentType: PREVIOUS_RESULT,
      fileName: 'trích lục.pdf',
      size: EXTRACT.length,
      sha256: next.previousResult!.sha256,
    });
    expect(ports.links).toEqual([`results/${PREVIOUS}/abc.pdf`]);
    // Recorded on the dossier the agency holds; the owner's list names the file.
    const log = await listAccessLog(
      { accessPage: async () => ({ items: [...ports.accesses.values()] }) },
      next,
      { limit: 20 },
    );
    expect(log.items[0]?.attachment).toEqual({
      attachmentId: id,
      documentType: PREVIOUS_RESULT,
      fileName: 'trích lục.pdf',
    });
    // Without a previous result, the id names nothing.
    ports.record = dossier();
    ports.loadDossier = async (code: string) => (code === CODE ? ports.record : undefined);
    await appErrorOf(fetchAttachment(ports, sys(AGENCY, signed()), CODE, id), 'ATTACHMENT_NOT_FOUND');
  });
});

describe('a person fetching a file of a dossier they may reach', () => {
  it("records an officer's fetch under the agency, without naming the officer", async () => {
    const ports = new Fake();
    const reader = readerOf({ sub: 'officer-sub-1', agencyId: AGENCY }, 'agency');
    expect(reader).toEqual({ via: 'agency_officer', reader: readerRefOf('officer-sub-1'), agencyId: AGENCY });
    const link = await fetchAttachment(
      ports,
      { kind: 'reader', reader: reader!, requestId: '01KJR6B3Z6M1W8E2Q4T5V7X9Z0' },
      CODE,
      FIRST,
    );
    expect(link.sha256).toBe(SCAN_SHA);
    expect([...ports.accesses.values()]).toEqual([
      {
        at: NOW.toISOString(),
        requestId: '01KJR6B3Z6M1W8E2Q4T5V7X9Z0',
        dossierCode: CODE,
        via: 'agency_officer',
        reader: readerRefOf('officer-sub-1'),
        agencyId: AGENCY,
        what: 'attachment',
        attachmentId: FIRST,
        documentType: 'damaged_card',
      },
    ]);
    expect(JSON.stringify([...ports.accesses.values()])).not.toContain('officer-sub-1');
  });

  it('keeps the reason a reader gives, and names a desk officer by their office', async () => {
    const ports = new Fake();
    const reader = readerOf({ sub: 'desk-sub-1', agencyId: 'ttpvhcc-01' }, 'filer')!;
    await fetchAttachment(
      ports,
      { kind: 'reader', reader, requestId: 'req-7', reason: 'Bổ sung bản chụp' },
      CODE,
      FIRST,
    );
    expect([...ports.accesses.values()]).toEqual([
      expect.objectContaining({
        via: 'desk_officer',
        agencyId: 'ttpvhcc-01',
        what: 'attachment',
        reason: 'Bổ sung bản chụp',
        requestId: 'req-7',
      }),
    ]);
  });

  it("gives the dossier's own side its files without recording a reading of their own data", async () => {
    const ports = new Fake();
    ports.presign = async (key: string) => `https://s3.example/${key}`;
    const link = await fetchAttachment(ports, { kind: 'owner' }, CODE, SECOND);
    expect(link.fileName).toBe('anh.pdf');
    expect(ports.accesses.size).toBe(0);
    await appErrorOf(fetchAttachment(ports, { kind: 'owner' }, CODE, '0'.repeat(32)), 'ATTACHMENT_NOT_FOUND');
  });
});

describe("the owner's list of fetches", () => {
  /** A fetch as recorded before reads were told apart: no `what`, no `reader`. */
  const entry = (at: string, attachmentId: string): StoredRead => ({
    at,
    agencyId: AGENCY,
    via: 'agency_system',
    attachmentId,
    documentType: attachmentId === FIRST ? 'damaged_card' : 'photo',
    signedAt: at,
    requestId: `msg_${at}`,
  });
  const ports = (items: StoredRead[]): AccessLogPorts & { asked: unknown[] } => {
    const asked: unknown[] = [];
    return {
      asked,
      accessPage: async (_code, q) => {
        asked.push(q);
        return { items, lastKey: { pk: keys.dossierPartition(CODE), sk: 'ACCESS#x' } };
      },
    };
  };

  it('names the agency and the file of each fetch, newest first as stored', async () => {
    const p = ports([entry('2026-03-09T04:00:00.000Z', SECOND), entry('2026-03-09T03:00:00.000Z', FIRST)]);
    const page = await listAccessLog(p, dossier(), { limit: 2 });
    expect(page.items).toEqual([
      {
        at: '2026-03-09T04:00:00.000Z',
        agencyId: AGENCY,
        agencyName: 'Bảo hiểm xã hội thành phố Hà Nội',
        via: 'agency_system',
        what: 'attachment',
        attachment: { attachmentId: SECOND, documentType: 'photo', fileName: 'anh.pdf' },
      },
      {
        at: '2026-03-09T03:00:00.000Z',
        agencyId: AGENCY,
        agencyName: 'Bảo hiểm xã hội thành phố Hà Nội',
        via: 'agency_system',
        what: 'attachment',
        attachment: { attachmentId: FIRST, documentType: 'damaged_card', fileName: 'thẻ bhyt.pdf' },
      },
    ]);
    const next = await listAccessLog(p, dossier(), { limit: 2, cursor: page.nextCursor! });
    expect(p.asked[1]).toEqual({ after: { pk: `DOSSIER#${CODE}`, sk: 'ACCESS#x' }, limit: 2 });
    expect(next.items).toHaveLength(2);
  });

  it('refuses a malformed cursor with the query, before any dossier is read', () => {
    const key = (k: unknown) => Buffer.from(JSON.stringify(k)).toString('base64url');
    const ok = key({ pk: `DOSSIER#${CODE}`, sk: 'ACCESS#2026-03-09T03:00:00.000Z#msg_1' });
    expect(accessLogQuery.parse({ cursor: ok }).cursor).toBe(ok);
    expect(accessLogQuery.parse({ cursor: '' }).limit).toBe(20);
    for (const bad of [
      'not-a-cursor',
      key({ pk: `DOSSIER#${CODE}`, sk: 'EVENT#00001' }),
      key({ pk: `DOSSIER#${CODE}`, sk: 'ACCESS#x', gsi1pk: 'x' }),
      key(['DOSSIER#x', 'ACCESS#x']),
      key({ pk: 7, sk: 'ACCESS#x' }),
    ])
      expect(accessLogQuery.safeParse({ cursor: bad }).success, bad).toBe(false);
  });

  it("refuses a cursor of another dossier's list", async () => {
    const cursor = Buffer.from(JSON.stringify({ pk: 'DOSSIER#CAHN-260309-0001', sk: 'ACCESS#x' })).toString(
      'base64url',
    );
    await appErrorOf(listAccessLog(ports([]), dossier(), { limit: 20, cursor }), 'VALIDATION_FAILED');
    const timeline = Buffer.from(JSON.stringify({ pk: `DOSSIER#${CODE}`, sk: 'EVENT#00001' })).toString(
      'base64url',
    );
    await appErrorOf(
      listAccessLog(ports([]), dossier(), { limit: 20, cursor: timeline }),
      'VALIDATION_FAILED',
    );
  });
});

describe('digests of stored scans', () => {
  it("reads S3's base64 SHA-256 as hex, and nothing else as a digest", () => {
    const digest = createHash('sha256').update(SCAN).digest();
    expect(hexFromBase64Checksum(digest.toString('base64'))).toBe(SCAN_SHA);
    expect(hexFromBase64Checksum(Buffer.alloc(4).toString('base64'))).toBeUndefined();
    expect(hexFromBase64Checksum(undefined)).toBeUndefined();
  });

  it('hashes a body as it streams', async () => {
    const chunks = [SCAN.subarray(0, 5), SCAN.subarray(5)];
    expect(await sha256OfStream(Readable.from(chunks))).toBe(SCAN_SHA);
  });

  it('records the digest of each copy on its attachment', async () => {
    const copied: string[][] = [];
    const stored = dossier().attachments.map(({ sha256: _s, ...a }) => a);
    const accepted = stored.map((a) => ({
      documentType: a.documentType,
      upload: {
        uploadId: a.uploadId,
        ownerSub: 'owner-1',
        key: `uploads/x/${a.uploadId}`,
        fileName: a.fileName,
        contentType: a.contentType,
        size: a.size,
        state: 'pending' as const,
        createdAt: NOW.toISOString(),
      },
    }));
    const out = await copyScans(
      async (from, to) => {
        copied.push([from, to]);
        return createHash('sha256').update(from).digest('hex');
      },
      accepted,
      stored,
    );
    expect(copied).toEqual(stored.map((a) => [`uploads/x/${a.uploadId}`, a.key]));
    expect(out.map((a) => a.sha256)).toEqual(
      copied.map(([from]) => createHash('sha256').update(from!).digest('hex')),
    );
  });
});

describe('the stores over DynamoDB and S3', () => {
  const ddb = mockedDocumentClient();
  const s3 = mockClient(S3Client);
  beforeEach(() => s3.reset());
  // The SDK's body is a Node stream; the store only iterates it.
  const body = (bytes: Buffer) => Readable.from([bytes]);

  it('asks S3 for the SHA-256 of the copy and takes its answer', async () => {
    const digest = createHash('sha256').update(SCAN).digest('base64');
    s3.on(CopyObjectCommand).resolves({
      CopyObjectResult: { ChecksumSHA256: digest, ChecksumType: 'FULL_OBJECT' },
    });
    expect(await intakeStore().copyObject('uploads/a/1', 'dossiers/X/1')).toBe(SCAN_SHA);
    expect(s3.commandCalls(CopyObjectCommand)[0]!.args[0].input).toMatchObject({
      Key: 'dossiers/X/1',
      CopySource: 'cong-test-uploads/uploads/a/1',
      ChecksumAlgorithm: 'SHA256',
    });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('hashes the source itself when the store keeps no checksums (the local S3)', async () => {
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"x"' } });
    s3.on(GetObjectCommand).resolves({ Body: body(SCAN) as never });
    expect(await intakeStore().copyObject('uploads/a/1', 'dossiers/X/1')).toBe(SCAN_SHA);
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).toMatchObject({ Key: 'uploads/a/1' });
  });

  const access = (via: AttachmentAccess['via']): AttachmentAccess => ({
    at: NOW.toISOString(),
    requestId: 'msg_1',
    dossierCode: CODE,
    via,
    reader: via === 'agency_system' ? AGENCY : readerRefOf('officer-sub-1'),
    agencyId: AGENCY,
    what: 'attachment',
    attachmentId: FIRST,
    documentType: 'damaged_card',
    signedAt: NOW.toISOString(),
  });

  it("writes an agency system's fetch with its request guard in one transaction; a replay records nothing", async () => {
    ddb
      .on(TransactWriteCommand)
      .resolvesOnce({})
      .rejectsOnce(
        new TransactionCanceledException({
          message: 'cancelled',
          $metadata: {},
          CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
        }),
      );
    expect(await attachmentFetchStore().recordAccess(CODE, access('agency_system'), 'owner-1')).toBe(true);
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.map((i) => [i.Put?.Item?.pk, i.Put?.Item?.sk, i.Put?.ConditionExpression])).toEqual([
      [`SIGNEDREQ#${AGENCY}#msg_1`, 'SIGNEDREQ', 'attribute_not_exists(pk)'],
      [`DOSSIER#${CODE}`, `ACCESS#${NOW.toISOString()}#msg_1`, 'attribute_not_exists(pk)'],
    ]);
    expect(await attachmentFetchStore().recordAccess(CODE, access('agency_system'), 'owner-1')).toBe(false);
  });

  it("writes an officer's fetch alone", async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await attachmentFetchStore().recordAccess(CODE, access('agency_officer'), 'owner-1')).toBe(true);
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.map((i) => i.Put?.Item?.sk)).toEqual([`ACCESS#${NOW.toISOString()}#msg_1`]);
    // The same item is on the owner's own access log, across all their dossiers.
    expect(items[0]!.Put?.Item).toMatchObject({
      gsi1pk: 'OWNER#owner-1',
      gsi1sk: `ACCESS#${NOW.toISOString()}#msg_1`,
      dossierCode: CODE,
    });
  });
});

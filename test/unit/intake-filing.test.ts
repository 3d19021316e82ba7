/**
 * Filing for others and reusing scans at intake: a business representative's dossiers carry the
 * enterprise's tax code from the token; a one-stop desk officer files for a citizen found by the keyed
 * hash of their saved profile (or is told the citizen has no account); only desk officers may name
 * someone else; an earlier scan of the caller's is copied server-side, someone else's is refused.
 * And the sealing of citizen ID and phone numbers in the stored form.
 */
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { reachOf } from '../../functions/core/access.js';
import { type DossierRecord, toOwnerView } from '../../functions/core/dossier.js';
import { formatCode } from '../../functions/core/dossier-codes.js';
import { type DeliveryPorts, deliver } from '../../functions/dispatch/deliver.js';
import { documentIdOf } from '../../functions/documents/attachments.js';
import type { UploadRecord } from '../../functions/documents/uploads.js';
import { receivedAtDesk } from '../../functions/intake/desk.js';
import {
  type CommitOutcome,
  type Filer,
  type IntakePorts,
  type IntakeWrite,
  type SubmitInput,
  type SubmitResult,
  submitDossier,
} from '../../functions/intake/submit.js';
import { type AccountPorts, listIndexedDossiers } from '../../functions/me/account.js';
import { citizenIdHash, deriveProfileKeys, open } from '../../functions/pii/protect.js';
import {
  formFieldContext,
  maskedForm,
  openForm,
  sealForm,
  withOpenForm,
} from '../../functions/pii/sealed-form.js';
import { submitDossierRequest } from '../../schemas/dossier.js';
import { licenceForm, promotionNoticeForm } from '../support/forms.js';
import { appErrorOf } from '../support/rejections.js';
import { storedScan } from '../support/scans.js';

const NOW = new Date('2026-11-20T03:00:00Z');
const KEYS = deriveProfileKeys(Buffer.alloc(32, 9));
const CITIZEN: Filer = { sub: 'citizen-an', role: 'citizen' };
const DESK: Filer = { sub: 'officer-1', role: 'desk_officer', agencyId: 'ttpvhcc-01' };
const REP: Filer = { sub: 'rep-1', role: 'business', taxCode: '0101234567' };

const U1 = '01KAAAAAAAAAAAAAAAAAAAAAA1';
const U2 = '01KAAAAAAAAAAAAAAAAAAAAAA2';
const U9 = '01KAAAAAAAAAAAAAAAAAAAAAA9';

const upload = (id: string, ownerSub: string): UploadRecord => ({
  uploadId: id,
  ownerSub,
  key: `uploads/x/${id}`,
  fileName: 'scan.pdf',
  contentType: 'application/pdf',
  size: 1000,
  state: 'pending',
  createdAt: NOW.toISOString(),
});

/** An earlier dossier of `ownerSub` holding one scan (U9) under its own prefix. */
const earlier = (code: string, ownerSub: string): DossierRecord =>
  ({
    code,
    ownerSub,
    procedureCode: '1.002804',
    procedureVersion: 1,
    submittedAt: '2026-10-01T02:00:00.000Z',
    form: {},
    attachments: [
      {
        documentType: 'current_licence',
        uploadId: U9,
        fileName: 'giay-phep-lai-xe.pdf',
        contentType: 'application/pdf',
        size: 2048,
        key: `dossiers/${code}/current_licence-${U9}`,
      },
    ],
  }) as unknown as DossierRecord;

class Fake implements IntakePorts {
  uploads = new Map<string, UploadRecord>();
  objects = new Map<string, ReturnType<typeof storedScan>>();
  dossiers = new Map<string, DossierRecord>();
  accounts = new Map<string, string>();
  idempotent = new Map<string, { requestHash: string; response: SubmitResult }>();
  commits: IntakeWrite[] = [];
  copies: [string, string][] = [];
  private n = 0;
  codes = { next: async (agencyCode: string) => formatCode(agencyCode, '2026-11-20', ++this.n) };
  now = () => NOW;
  profileKeys = async () => KEYS;
  findAccountByCitizenIdHash = async (hash: string) => this.accounts.get(hash);
  findDossier = async (code: string) => this.dossiers.get(code);
  findIdempotent = async (owner: string, key: string) => this.idempotent.get(`${owner}/${key}`);
  findUpload = async (id: string) => this.uploads.get(id);
  inspectObject = async (key: string) => this.objects.get(key);
  copyObject = async (from: string, to: string) => {
    const o = this.objects.get(from);
    if (!o) throw new Error('copy of a missing object');
    this.copies.push([from, to]);
    this.objects.set(to, o);
    return createHash('sha256').update(o.head).digest('hex');
  };
  deleteObjects = async () => {};
  commit = async (w: IntakeWrite): Promise<CommitOutcome> => {
    this.idempotent.set(`${w.filerSub ?? w.ownerSub}/${w.idempotencyKey}`, {
      requestHash: w.requestHash,
      response: w.response,
    });
    this.commits.push(w);
    return 'committed';
  };

  /** Two fresh uploads of `ownerSub`, present in S3. */
  withUploads(ownerSub: string) {
    for (const id of [U1, U2]) {
      this.uploads.set(id, upload(id, ownerSub));
      this.objects.set(`uploads/x/${id}`, storedScan(1000));
    }
    return this;
  }

  withEarlier(code: string, ownerSub: string) {
    const d = earlier(code, ownerSub);
    this.dossiers.set(code, d);
    this.objects.set(d.attachments[0]!.key, storedScan(2048));
    return d;
  }
}

const licenceInput = (extra: Partial<SubmitInput> = {}): SubmitInput => ({
  procedureCode: '1.002804',
  form: { ...licenceForm },
  attachments: [
    { documentType: 'current_licence', uploadId: U1 },
    { documentType: 'health_certificate', uploadId: U2 },
  ],
  ...extra,
});

/** The licence exchange with an earlier document as the current licence and a new health certificate. */
const reusingLicence = (documentId: string) =>
  licenceInput({
    attachments: [
      { documentType: 'current_licence', documentId },
      { documentType: 'health_certificate', uploadId: U2 },
    ],
  });

let ports: Fake;
beforeEach(() => {
  ports = new Fake();
});

describe('a citizen filing for themselves', () => {
  const verified: Filer = { ...CITIZEN, citizenId: licenceForm.citizenId };

  it('files when the form names the citizen ID of the verified sign-in', async () => {
    ports.withUploads(CITIZEN.sub);
    const res = await submitDossier(ports, verified, 'self-0001', licenceInput());
    expect(res.status).toBe(201);
    expect(ports.commits).toHaveLength(1);
  });

  it('refuses a form whose applicant is someone else, naming form.citizenId', async () => {
    ports.withUploads(CITIZEN.sub);
    const someoneElse: Filer = { ...CITIZEN, citizenId: '001090000999' };
    const err = await appErrorOf(
      submitDossier(ports, someoneElse, 'self-0002', licenceInput()),
      'INVALID_FORM',
    );
    expect(err.details).toEqual([
      expect.objectContaining({
        path: 'form.citizenId',
        code: 'applicant_mismatch',
        messageVi: expect.stringContaining('chính bạn'),
      }),
    ]);
    expect(ports.commits).toHaveLength(0);
  });
});

describe('a one-stop desk officer filing for a citizen', () => {
  const onBehalfOf = { citizenId: licenceForm.citizenId };

  it("puts the dossier in the citizen's account and records the office that filed it", async () => {
    ports.withUploads(DESK.sub);
    ports.accounts.set(citizenIdHash(KEYS.lookup, licenceForm.citizenId), CITIZEN.sub);
    const res = await submitDossier(ports, DESK, 'desk-0001', licenceInput({ onBehalfOf }));
    expect(res.status).toBe(201);
    const write = ports.commits[0]!;
    const { record, firstEvent } = write.dossiers[0]!;
    expect(record.ownerSub).toBe(CITIZEN.sub);
    expect(record.filedBy).toEqual({ sub: DESK.sub, role: 'desk_officer', agencyId: 'ttpvhcc-01' });
    expect(write.ownerSub).toBe(CITIZEN.sub);
    expect(write.filedBy).toEqual(record.filedBy);
    // The officer's request: their Idempotency-Key scope, their uploads claimed.
    expect(write.filerSub).toBe(DESK.sub);
    expect(write.attachedUploads.map((u) => u.uploadId)).toEqual([U1, U2]);
    // The timeline names the office, never the officer.
    expect(firstEvent.source).toBe('ttpvhcc-01');
    expect(firstEvent.note).toMatch(/bộ phận một cửa Trung tâm Phục vụ hành chính công thành phố Hà Nội/);
    expect(JSON.stringify(firstEvent)).not.toContain(DESK.sub);
  });

  it('answers 422 CITIZEN_ACCOUNT_NOT_FOUND, pointing to VNeID sign-in, when the citizen has no account', async () => {
    ports.withUploads(DESK.sub);
    const err = await appErrorOf(
      submitDossier(ports, DESK, 'desk-0002', licenceInput({ onBehalfOf })),
      'CITIZEN_ACCOUNT_NOT_FOUND',
    );
    expect(err.status).toBe(422);
    expect(err.message).toMatch(/VNeID/);
    expect(err.messageVi).toMatch(/VNeID/);
    expect(err.details).toEqual([{ path: 'body.onBehalfOf.citizenId' }]);
    expect(ports.commits).toHaveLength(0);
  });

  it('refuses a form whose applicant is not the citizen named', async () => {
    ports.withUploads(DESK.sub);
    ports.accounts.set(citizenIdHash(KEYS.lookup, '001090000999'), CITIZEN.sub);
    const err = await appErrorOf(
      submitDossier(ports, DESK, 'desk-0003', licenceInput({ onBehalfOf: { citizenId: '001090000999' } })),
      'INVALID_FORM',
    );
    expect(JSON.stringify(err.details)).toContain('form.citizenId');
  });

  it('requires the citizen to be named, and the officer to belong to a known office', async () => {
    ports.withUploads(DESK.sub);
    const missing = await appErrorOf(
      submitDossier(ports, DESK, 'desk-0004', licenceInput()),
      'VALIDATION_FAILED',
    );
    expect(JSON.stringify(missing.details)).toContain('body.onBehalfOf');
    const noOffice = { ...DESK, agencyId: undefined };
    await appErrorOf(submitDossier(ports, noOffice, 'desk-0005', licenceInput({ onBehalfOf })), 'FORBIDDEN');
  });

  it('is the only role that may name someone else (403 ON_BEHALF_NOT_ALLOWED)', async () => {
    ports.accounts.set(citizenIdHash(KEYS.lookup, licenceForm.citizenId), 'someone-else');
    for (const filer of [CITIZEN, REP, { sub: 'ao', role: 'agency_officer', agencyId: 'bca' } as Filer]) {
      ports.withUploads(filer.sub);
      const err = await appErrorOf(
        submitDossier(ports, filer, `x-${filer.sub}`, licenceInput({ onBehalfOf })),
        'ON_BEHALF_NOT_ALLOWED',
      );
      expect(err.status).toBe(403);
    }
    expect(ports.commits).toHaveLength(0);
  });

  it('accepts onBehalfOf in the request schema, strictly', () => {
    const body = { ...licenceInput(), onBehalfOf };
    expect(submitDossierRequest.safeParse(body).success).toBe(true);
    const extra = { ...body, onBehalfOf: { ...onBehalfOf, sub: 'x' } };
    expect(submitDossierRequest.safeParse(extra).success).toBe(false);
    // Ownership fields are server-owned: a body naming them is refused outright.
    expect(submitDossierRequest.safeParse({ ...body, enterpriseTaxCode: '0101234567' }).success).toBe(false);
    expect(submitDossierRequest.safeParse({ ...body, ownerSub: 'x' }).success).toBe(false);
  });
});

describe('a business representative filing for the enterprise', () => {
  it('records the tax code from the token on the dossier and the submission write', async () => {
    ports.withUploads(REP.sub);
    // A promotion notice to two provinces: one dossier each, both the enterprise's.
    const input: SubmitInput = {
      procedureCode: '2.000033',
      form: { ...promotionNoticeForm },
      attachments: [{ documentType: 'promotion_notice_form', uploadId: U1 }],
      destinations: ['01', '79'],
    };
    const res = await submitDossier(ports, REP, 'rep-0001', input);
    expect(res.status).toBe(201);
    const write = ports.commits[0]!;
    expect(write.enterpriseTaxCode).toBe('0101234567');
    expect(write.dossiers).toHaveLength(2);
    expect(write.dossiers.every((d) => d.record.enterpriseTaxCode === '0101234567')).toBe(true);
    expect(write.dossiers[0]!.record.ownerSub).toBe(REP.sub);
    expect(write.filedBy).toBeUndefined();
  });

  it('leaves a citizen’s dossier without enterprise or filer', async () => {
    ports.withUploads(CITIZEN.sub);
    await submitDossier(ports, CITIZEN, 'c-0001', licenceInput());
    const { record } = ports.commits[0]!.dossiers[0]!;
    expect(record.enterpriseTaxCode).toBeUndefined();
    expect(record.filedBy).toBeUndefined();
  });
});

describe('reusing a scan from an earlier dossier', () => {
  it('copies the earlier scan server-side and records its name, type and size; claims no upload for it', async () => {
    ports.withUploads(CITIZEN.sub);
    const before = ports.withEarlier('CAHN-261001-0007', CITIZEN.sub);
    const res = await submitDossier(
      ports,
      CITIZEN,
      'reuse-0001',
      reusingLicence(documentIdOf(before.code, U9)),
    );
    const code = res.body.dossiers[0]!.code;
    const [reused, fresh] = ports.commits[0]!.dossiers[0]!.record.attachments;
    expect(reused).toMatchObject({
      documentType: 'current_licence',
      uploadId: U9,
      fileName: 'giay-phep-lai-xe.pdf',
      size: 2048,
      key: `dossiers/${code}/current_licence-${U9}`,
      reusedFrom: { dossierCode: before.code, uploadId: U9 },
    });
    expect(fresh?.uploadId).toBe(U2);
    expect(ports.copies[0]).toEqual([before.attachments[0]!.key, reused!.key]);
    expect(ports.commits[0]!.attachedUploads.map((u) => u.uploadId)).toEqual([U2]);
  });

  it("refuses someone else's earlier document with 422 and the attachment's path", async () => {
    ports.withUploads(CITIZEN.sub);
    const foreign = ports.withEarlier('CAHN-261001-0008', 'citizen-other');
    for (const documentId of [documentIdOf(foreign.code, U9), documentIdOf('CAHN-261001-0404', U9)]) {
      const err = await appErrorOf(
        submitDossier(
          ports,
          CITIZEN,
          `reuse-${documentId}`,
          licenceInput({
            attachments: [
              { documentType: 'health_certificate', uploadId: U2 },
              { documentType: 'current_licence', documentId },
            ],
          }),
        ),
        'DOCUMENT_NOT_FOUND',
      );
      expect(err.status).toBe(422);
      expect(err.details).toEqual([{ path: 'attachments.1.documentId' }]);
    }
    expect(ports.copies).toHaveLength(0);
    expect(ports.commits).toHaveLength(0);
  });

  it('lets another representative of the same enterprise reuse its scans', async () => {
    ports.withUploads(REP.sub);
    const d = ports.withEarlier('CAHN-261001-0009', 'rep-2');
    d.enterpriseTaxCode = REP.taxCode;
    const res = await submitDossier(ports, REP, 'reuse-rep', reusingLicence(documentIdOf(d.code, U9)));
    expect(res.status).toBe(201);
  });
});

describe('sealing citizen ID and phone numbers in dossier forms', () => {
  const pii = new Map([
    ['citizenId', 'citizenId'],
    ['phone', 'phone'],
  ] as const);

  it('stores identifiers only sealed (with a mask and a keyed hash), and opens them for the same dossier', () => {
    const sealed = sealForm(KEYS, 'CAHN-261120-0001', { ...licenceForm }, pii);
    expect(sealed.form.citizenId).toBeUndefined();
    expect(sealed.form.phone).toBeUndefined();
    expect(sealed.form.fullName).toBe(licenceForm.fullName);
    expect(JSON.stringify(sealed)).not.toContain(licenceForm.citizenId);
    expect(JSON.stringify(sealed)).not.toContain(licenceForm.phone);
    expect(sealed.formSealed?.citizenId?.masked).toBe('0010******01');
    expect(sealed.formSealed?.phone?.masked).toBe('09******78');
    expect(sealed.formHashes).toEqual({ citizenId: citizenIdHash(KEYS.lookup, licenceForm.citizenId) });
    const d = { code: 'CAHN-261120-0001', ...sealed };
    expect(openForm(d, KEYS)).toEqual(licenceForm);
  });

  it('binds each value to its dossier and field: moved elsewhere it does not open', () => {
    const sealed = sealForm(KEYS, 'CAHN-261120-0001', { ...licenceForm }, pii);
    const value = sealed.formSealed!.citizenId!.sealed;
    expect(() => open(KEYS.encryption, value, formFieldContext('CAHN-261120-0002', 'citizenId'))).toThrow();
    expect(() => open(KEYS.encryption, value, formFieldContext('CAHN-261120-0001', 'phone'))).toThrow();
    expect(() => openForm({ code: 'CAHN-261120-0002', ...sealed }, KEYS)).toThrow();
    expect(() => openForm({ code: 'CAHN-261120-0001', ...sealed }, undefined)).toThrow(/no key/);
  });

  it('seals at submission by the form schema’s field types (not by names)', async () => {
    ports.withUploads(CITIZEN.sub);
    await submitDossier(ports, CITIZEN, 'seal-0001', licenceInput());
    const { record } = ports.commits[0]!.dossiers[0]!;
    expect(Object.keys(record.formSealed ?? {}).sort()).toEqual(['citizenId', 'phone']);
    expect(JSON.stringify(record)).not.toContain(licenceForm.citizenId);
    expect(JSON.stringify(record)).not.toContain(licenceForm.phone);
    expect((await withOpenForm(record, async () => KEYS)).form).toEqual(licenceForm);
  });

  it('masks both shapes for everyday views: sealed dossiers and those written before sealing', () => {
    const sealed = sealForm(KEYS, 'CAHN-261120-0001', { ...licenceForm }, pii);
    const fresh = { code: 'CAHN-261120-0001', procedureCode: '1.002804', procedureVersion: 1, ...sealed };
    const old = {
      code: 'CAHN-251120-0001',
      procedureCode: '1.002804',
      procedureVersion: 1,
      form: licenceForm,
    };
    for (const d of [fresh, old]) {
      const masked = maskedForm(d);
      expect(masked.citizenId).toBe('0010******01');
      expect(masked.phone).toBe('09******78');
      expect(masked.fullName).toBe(licenceForm.fullName);
    }
    // An old dossier opens as it is: nothing sealed, nothing to open.
    expect(openForm(old, undefined)).toEqual(licenceForm);
  });
});

describe('who reaches an owned object', () => {
  const owned = {
    ownerSub: CITIZEN.sub,
    filedBy: { sub: DESK.sub, role: 'desk_officer' as const, agencyId: 'ttpvhcc-01' },
  };
  const mayReachOwned = (person: Parameters<typeof reachOf>[0], o: Parameters<typeof reachOf>[1]) =>
    reachOf(person, o, false) !== undefined;
  it('the owner, the desk officer who filed it, and representatives of its enterprise', () => {
    expect(mayReachOwned(CITIZEN, owned)).toBe(true);
    expect(mayReachOwned(DESK, owned)).toBe(true);
    expect(mayReachOwned({ ...DESK, sub: 'officer-2' }, owned)).toBe(false);
    expect(mayReachOwned({ sub: DESK.sub, role: 'citizen' }, owned)).toBe(false);
    const enterprise = { ownerSub: 'rep-2', enterpriseTaxCode: '0101234567' };
    expect(mayReachOwned(REP, enterprise)).toBe(true);
    expect(mayReachOwned({ ...REP, taxCode: '0109999999' }, enterprise)).toBe(false);
    expect(mayReachOwned({ sub: 'c', role: 'citizen', taxCode: '0101234567' }, enterprise)).toBe(false);
  });
});

describe('the agency receives the identifiers in clear', () => {
  const sealedDossier = (): DossierRecord => {
    const code = 'CAHN-261120-0001';
    const sealed = sealForm(
      KEYS,
      code,
      { ...licenceForm },
      new Map([
        ['citizenId', 'citizenId'],
        ['phone', 'phone'],
      ] as const),
    );
    return {
      ...earlier(code, CITIZEN.sub),
      submissionId: '01KAAAAAAAAAAAAAAAAAAAAAAS',
      agencyId: 'bca',
      dueAt: NOW.toISOString(),
      filedBy: { sub: DESK.sub, role: 'desk_officer', agencyId: 'ttpvhcc-01' },
      ...sealed,
    };
  };

  function deliveryPorts(withKey: boolean) {
    const posted: string[] = [];
    const ports: DeliveryPorts = {
      now: () => NOW,
      loadDossier: async () => sealedDossier(),
      isDelivered: async () => false,
      markDelivered: async () => {},
      isPaused: async () => false,
      pauseAgency: async () => true,
      recordAttempt: async () => {},
      endpointFor: () => 'https://agency.example/hook',
      secretsFor: async () => ['whsec_dGVzdC1zZWNyZXQtdGVzdC1zZWNyZXQ='],
      post: async (_url, _headers, body) => {
        posted.push(body);
        return { status: 200 };
      },
      ...(withKey ? { profileKeys: async () => KEYS } : {}),
    };
    return { ports, posted };
  }
  const message = {
    type: 'dossier.submitted' as const,
    dossierCode: 'CAHN-261120-0001',
    agencyId: 'bca',
    webhookId: 'msg_1',
  };

  it('opens the sealed fields inside the signed payload, and names the desk that filed it', async () => {
    const { ports, posted } = deliveryPorts(true);
    await deliver(ports, message, 1);
    const payload = JSON.parse(posted[0]!) as { form: Record<string, unknown>; filedAtDesk?: unknown };
    expect(payload.form.citizenId).toBe(licenceForm.citizenId);
    expect(payload.form.phone).toBe(licenceForm.phone);
    expect(payload.filedAtDesk).toEqual({ agencyId: 'ttpvhcc-01' });
    expect(posted[0]).not.toContain(DESK.sub);
  });

  it('never sends a form missing its identifiers: without the key nothing is posted', async () => {
    const { ports, posted } = deliveryPorts(false);
    await expect(deliver(ports, message, 1)).rejects.toThrow(/profile key/);
    expect(posted).toHaveLength(0);
  });
});

describe("lists of dossiers filed for someone (an enterprise's, a desk officer's)", () => {
  const dossier = (code: string, status: DossierRecord['status']): DossierRecord =>
    ({
      ...earlier(code, 'rep-2'),
      procedureName: 'Đổi giấy phép lái xe',
      agencyId: 'bca',
      agencyName: 'Bộ Công an',
      status,
      dueAt: '2026-12-01T10:00:00.000Z',
      enterpriseTaxCode: '0101234567',
    }) as DossierRecord;
  const PARTITION = 'ENTERPRISE#0101234567';
  const all = [
    dossier('CAHN-261120-0003', 'submitted'),
    dossier('CAHN-261120-0002', 'completed'),
    dossier('CAHN-261120-0001', 'submitted'),
  ];
  const keyOf = (d: DossierRecord) => ({
    pk: `DOSSIER#${d.code}`,
    sk: 'DOSSIER',
    gsi3pk: PARTITION,
    gsi3sk: `DOSSIER#${d.code}`,
  });
  const account = (): AccountPorts => ({
    now: () => NOW,
    ownDossiers: async () => ({ items: [] }),
    dossier: async () => undefined,
    timeline: async () => [],
    indexedDossiers: async (partition, q) => {
      expect(partition).toBe(PARTITION);
      const start = q.after ? all.findIndex((d) => keyOf(d).gsi3sk === q.after!.gsi3sk) + 1 : 0;
      const page = all.slice(start, start + q.limit);
      const more = start + q.limit < all.length;
      return {
        items: page.map((d) => ({ key: keyOf(d), dossier: d })),
        ...(more ? { lastKey: keyOf(page.at(-1)!) } : {}),
      };
    },
  });

  it('pages through the partition, filters by status, and shows the enterprise', async () => {
    const first = await listIndexedDossiers(account(), PARTITION, { limit: 2 });
    expect(first.items.map((d) => d.code)).toEqual(['CAHN-261120-0003', 'CAHN-261120-0002']);
    expect(first.items[0]?.enterpriseTaxCode).toBe('0101234567');
    const second = await listIndexedDossiers(account(), PARTITION, { limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((d) => d.code)).toEqual(['CAHN-261120-0001']);
    expect(second.nextCursor).toBeNull();
    const open = await listIndexedDossiers(account(), PARTITION, { limit: 5, status: 'submitted' });
    expect(open.items.map((d) => d.code)).toEqual(['CAHN-261120-0003', 'CAHN-261120-0001']);
  });

  it("refuses a cursor of another enterprise's list", async () => {
    const first = await listIndexedDossiers(account(), PARTITION, { limit: 1 });
    const other = listIndexedDossiers(account(), 'ENTERPRISE#0109999999', {
      limit: 1,
      cursor: first.nextCursor!,
    });
    await appErrorOf(other, 'VALIDATION_FAILED');
  });

  it('shows the desk office that filed a dossier by agency and name, never the officer', () => {
    const view = toOwnerView(
      { ...sealedLike(), filedBy: { sub: DESK.sub, role: 'desk_officer', agencyId: 'ttpvhcc-01' } },
      [],
      NOW,
    );
    expect(view.filedBy).toEqual({
      role: 'desk_officer',
      agencyId: 'ttpvhcc-01',
      agencyName: 'Trung tâm Phục vụ hành chính công thành phố Hà Nội',
    });
    expect(JSON.stringify(view)).not.toContain(DESK.sub);
  });

  const sealedLike = () => dossier('CAHN-261120-0009', 'submitted');
});

describe("the agency's receipt of a desk-filed dossier", () => {
  const filedBy = { sub: DESK.sub, role: 'desk_officer' as const, agencyId: 'ttpvhcc-01' };
  it('names the desk in details and in the note, after the agency’s own', () => {
    expect(receivedAtDesk({ filedBy }, 'dossier.received', undefined)).toEqual({
      note: expect.stringContaining('Trung tâm Phục vụ hành chính công thành phố Hà Nội'),
      details: { filedAtDesk: { agencyId: 'ttpvhcc-01' } },
    });
    expect(receivedAtDesk({ filedBy }, 'dossier.received', 'Hẹn trả 01/12')).toEqual({
      note: expect.stringMatching(/^Hẹn trả 01\/12 — Nộp tại bộ phận một cửa Trung tâm/),
      details: { filedAtDesk: { agencyId: 'ttpvhcc-01' } },
    });
    expect(receivedAtDesk({ filedBy }, 'dossier.in_progress', undefined)).toEqual({});
    expect(receivedAtDesk({}, 'dossier.received', undefined)).toEqual({});
  });
});

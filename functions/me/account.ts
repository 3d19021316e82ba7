/**
 * A person's own dossiers and the scans they have already submitted, newest first, from the owner
 * index (gsi1); and the export of everything the portal holds for the account. A business
 * representative's list is the enterprise's (every representative of the tax code sees the same), a
 * one-stop desk officer's is what they filed on citizens' behalf; both from gsi3
 * (keys.enterpriseIndex, keys.filedByIndex).
 */
import type * as z from 'zod';
import type { DossierStatus } from '../../schemas/dossier.js';
import type { myDocument, myDocumentsQuery, myDossierItem, myDossiersQuery } from '../../schemas/me.js';
import { decodeCursor, encodeCursor, invalidCursor } from '../core/cursor.js';
import { type DossierRecord, dossierSummary, filedByView, toOwnerView } from '../core/dossier.js';
import { keys } from '../core/keys.js';
import type { TimelineEvent } from '../core/timeline.js';
import { documentIdOf } from '../documents/attachments.js';
import { type ResultDocument, verificationLink } from '../documents/result-documents.js';
import { maskedForm } from '../pii/sealed-form.js';
import { findAgency } from '../registry/agencies.js';

/** A dossier's position in the owner index: the last item shown, where the next page starts. */
export interface OwnerIndexKey {
  pk: string;
  sk: string;
  gsi1pk: string;
  gsi1sk: string;
}

export type DossierFields = 'summary' | 'attachments' | 'full';

export interface OwnDossierQuery {
  after?: OwnerIndexKey;
  status?: DossierStatus;
  procedureCode?: string;
  /** Index items to read (DynamoDB counts them before the filters). */
  limit: number;
  fields: DossierFields;
}

export interface AccountPorts {
  now(): Date;
  ownDossiers(
    sub: string,
    q: OwnDossierQuery,
  ): Promise<{ items: { key: OwnerIndexKey; dossier: DossierRecord }[]; lastKey?: OwnerIndexKey }>;
  dossier(code: string): Promise<DossierRecord | undefined>;
  timeline(code: string): Promise<TimelineEvent[]>;
  /** One page of a gsi3 partition (an enterprise's, a desk officer's dossiers), newest first. */
  indexedDossiers(
    partition: string,
    q: { after?: IndexItemKey; limit: number },
  ): Promise<{ items: { key: IndexItemKey; dossier: DossierRecord }[]; lastKey?: IndexItemKey }>;
  /** The profile key, to export the account's own dossiers with their identifiers in full. */
  openForm?(d: DossierRecord): Promise<Record<string, unknown>>;
  /** The person's electronic results, newest first (owner index, `RESULTDOC#…`). */
  ownResults?(
    sub: string,
    q: { after?: OwnerIndexKey; limit: number },
  ): Promise<{ items: { key: OwnerIndexKey; document: ResultDocument }[]; lastKey?: OwnerIndexKey }>;
  /** The portal's address, for results' verification links. */
  portalUrl?: string;
}

/** A dossier's position in gsi3 (an enterprise's or a desk officer's list). */
export interface IndexItemKey {
  pk: string;
  sk: string;
  gsi3pk: string;
  gsi3sk: string;
}

/**
 * Where a list stopped. The documents list reads the person's results first (`l: 'results'`, the last
 * result shown) and then their dossiers' scans (`l: 'documents'`; without `k`, from the newest dossier).
 */
type Cursor = { l: 'dossiers' | 'documents'; k: OwnerIndexKey; s?: number };
type DocumentsCursor =
  | Cursor
  | { l: 'documents'; k?: undefined; s?: undefined }
  | { l: 'results'; k: OwnerIndexKey };

const encode = (c: DocumentsCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

/** A result's position in the owner index, as a documents cursor may name it (the person's own only). */
function isResultKey(k: Partial<OwnerIndexKey> | undefined, sub: string): k is OwnerIndexKey {
  return (
    !!k &&
    Object.keys(k).length === 4 &&
    k.gsi1pk === keys.ownerIndex(sub, 'RESULTDOC', '').gsi1pk &&
    typeof k.gsi1sk === 'string' &&
    k.gsi1sk.startsWith(keys.resultDocumentIndexPrefix) &&
    typeof k.pk === 'string' &&
    k.pk.startsWith(keys.resultDocument('').pk) &&
    k.sk === keys.resultDocument('').sk
  );
}

function decodeDocuments(cursor: string | undefined, sub: string): DocumentsCursor | undefined {
  if (!cursor) return undefined;
  let c: Partial<DocumentsCursor> | undefined;
  try {
    c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<DocumentsCursor>;
  } catch {
    throw invalidCursor();
  }
  if (c?.l === 'results') {
    if (Object.keys(c).length === 2 && isResultKey(c.k, sub)) return c as DocumentsCursor;
    throw invalidCursor();
  }
  if (c?.l === 'documents' && Object.keys(c).length === 1) return { l: 'documents' };
  return decode(cursor, 'documents', sub);
}

/** Only a cursor of this list and this person is accepted: a forged one cannot reach another's index. */
function decode(cursor: string | undefined, list: Cursor['l'], sub: string): Cursor | undefined {
  if (!cursor) return undefined;
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Cursor>;
    const k = c.k as Partial<OwnerIndexKey> | undefined;
    const owner = keys.ownerIndex(sub, 'DOSSIER', '').gsi1pk;
    if (
      c.l === list &&
      k &&
      Object.keys(k).length === 4 &&
      k.gsi1pk === owner &&
      typeof k.gsi1sk === 'string' &&
      k.gsi1sk.startsWith('DOSSIER#') &&
      typeof k.pk === 'string' &&
      k.pk.startsWith(keys.dossierPartition('')) &&
      k.sk === keys.dossier('').sk &&
      (c.s === undefined || (Number.isInteger(c.s) && c.s >= 0 && c.s <= 100))
    )
      return c as Cursor;
  } catch {
    // Unreadable: answered below like a cursor of another list.
  }
  throw invalidCursor();
}

export type MyDossier = z.infer<typeof myDossierItem>;

const summary = (d: DossierRecord, now: Date): MyDossier => ({
  ...dossierSummary(d, now),
  ...(d.enterpriseTaxCode ? { enterpriseTaxCode: d.enterpriseTaxCode } : {}),
  ...(d.filedBy ? { filedBy: filedByView(d.filedBy) } : {}),
});

export async function listMyDossiers(
  ports: AccountPorts,
  sub: string,
  q: z.output<typeof myDossiersQuery>,
): Promise<{ items: MyDossier[]; nextCursor: string | null }> {
  const now = ports.now();
  const items: MyDossier[] = [];
  let after = decode(q.cursor, 'dossiers', sub)?.k;
  for (;;) {
    const page = await ports.ownDossiers(sub, {
      after,
      status: q.status,
      procedureCode: q.procedure,
      limit: q.limit - items.length,
      fields: 'summary',
    });
    for (const { dossier } of page.items) items.push(summary(dossier, now));
    const last = page.items.at(-1);
    if (items.length >= q.limit && last) {
      return { items, nextCursor: page.lastKey ? encode({ l: 'dossiers', k: last.key }) : null };
    }
    if (!page.lastKey) return { items, nextCursor: null };
    after = page.lastKey;
  }
}

/**
 * The dossiers of an index partition, newest first, filtered by status and procedure: an enterprise's
 * (for its representatives) or a desk officer's filings. The cursor is the last index item returned.
 */
export async function listIndexedDossiers(
  ports: AccountPorts,
  partition: string,
  q: z.output<typeof myDossiersQuery>,
): Promise<{ items: MyDossier[]; nextCursor: string | null }> {
  const now = ports.now();
  const items: MyDossier[] = [];
  let after = decodeCursor(
    q.cursor,
    ['pk', 'sk', 'gsi3pk', 'gsi3sk'],
    { gsi3pk: partition },
    { gsi3sk: 'DOSSIER#' },
  ) as IndexItemKey | undefined;
  for (;;) {
    const page = await ports.indexedDossiers(partition, { after, limit: q.limit - items.length });
    for (const { dossier } of page.items) {
      if (q.status && dossier.status !== q.status) continue;
      if (q.procedure && dossier.procedureCode !== q.procedure) continue;
      items.push(summary(dossier, now));
    }
    if (!page.lastKey) return { items, nextCursor: null };
    if (items.length >= q.limit) return { items, nextCursor: encodeCursor({ ...page.lastKey }) };
    after = page.lastKey;
  }
}

export type MyDocument = z.infer<typeof myDocument>;

const document = (d: DossierRecord, i: number): MyDocument => {
  const a = d.attachments[i]!;
  return {
    kind: 'scan',
    ...(a.sha256 ? { sha256: a.sha256 } : {}),
    documentType: a.documentType,
    fileName: a.fileName,
    contentType: a.contentType,
    size: a.size,
    dossierCode: d.code,
    uploadedAt: a.supplement?.at ?? d.submittedAt,
    documentId: documentIdOf(d.code, a.uploadId),
  };
};

/** Dossiers read per index page while collecting documents. */
const DOSSIERS_PER_PAGE = 25;

/** A result the person holds, as the documents list shows it. */
const heldResult = (doc: ResultDocument, portalUrl?: string): MyDocument => ({
  kind: 'result',
  documentType: doc.documentType,
  fileName: doc.fileName,
  contentType: doc.contentType,
  size: doc.size,
  dossierCode: doc.dossierCode,
  uploadedAt: doc.issuedAt,
  documentId: doc.documentId,
  sha256: doc.sha256,
  issuedAt: doc.issuedAt,
  issuer: doc.issuingAgency,
  issuerName: findAgency(doc.issuingAgency)?.name ?? doc.issuingAgency,
  status: doc.status,
  verifyUrl: verificationLink(doc, portalUrl),
});

/**
 * The person's documents: the results issued to them, newest first, then the scans in their dossiers,
 * newest dossier first, in the order they were attached.
 */
export async function listMyDocuments(
  ports: AccountPorts,
  sub: string,
  q: z.output<typeof myDocumentsQuery>,
): Promise<{ items: MyDocument[]; nextCursor: string | null }> {
  const items: MyDocument[] = [];
  const start = decodeDocuments(q.cursor, sub);

  if (ports.ownResults && (!start || start.l === 'results')) {
    let after = start?.l === 'results' ? start.k : undefined;
    for (;;) {
      const page = await ports.ownResults(sub, { after, limit: q.limit - items.length });
      for (const { document: doc } of page.items) items.push(heldResult(doc, ports.portalUrl));
      const last = page.items.at(-1);
      if (items.length >= q.limit && last)
        return {
          items,
          nextCursor: encode(page.lastKey ? { l: 'results', k: last.key } : { l: 'documents' }),
        };
      if (!page.lastKey) break;
      after = page.lastKey;
    }
  }
  const cursor = start?.l === 'documents' && start.k ? (start as Cursor) : undefined;

  // Finish the dossier the previous page stopped in the middle of.
  if (cursor?.s) {
    const code = cursor.k.pk.slice(keys.dossierPartition('').length);
    const d = await ports.dossier(code);
    if (d && d.ownerSub === sub) {
      for (let i = cursor.s; i < d.attachments.length; i++) {
        items.push(document(d, i));
        if (items.length === q.limit) {
          const more = i + 1 < d.attachments.length;
          return { items, nextCursor: encode({ l: 'documents', k: cursor.k, s: more ? i + 1 : 0 }) };
        }
      }
    }
  }

  let after = cursor?.k;
  for (;;) {
    const page = await ports.ownDossiers(sub, { after, limit: DOSSIERS_PER_PAGE, fields: 'attachments' });
    for (const [n, { key, dossier }] of page.items.entries()) {
      for (let i = 0; i < dossier.attachments.length; i++) {
        items.push(document(dossier, i));
        if (items.length === q.limit) {
          const restHere = i + 1 < dossier.attachments.length;
          const more = restHere || n + 1 < page.items.length || Boolean(page.lastKey);
          return {
            items,
            nextCursor: more ? encode({ l: 'documents', k: key, s: restHere ? i + 1 : 0 }) : null,
          };
        }
      }
    }
    if (!page.lastKey) return { items, nextCursor: null };
    after = page.lastKey;
  }
}

/** Timelines are read a few dossiers at a time so a large account does not flood the table. */
const EXPORT_CONCURRENCY = 8;

/** Every dossier of the account, as its owner sees it (form, attachments, full timeline, payment). */
export async function exportDossiers(ports: AccountPorts, sub: string) {
  const now = ports.now();
  const records: DossierRecord[] = [];
  let after: OwnerIndexKey | undefined;
  do {
    const page = await ports.ownDossiers(sub, { after, limit: 100, fields: 'full' });
    for (const { dossier } of page.items) records.push(dossier);
    after = page.lastKey;
  } while (after);
  const views: ReturnType<typeof toOwnerView>[] = [];
  for (let i = 0; i < records.length; i += EXPORT_CONCURRENCY) {
    const batch = records.slice(i, i + EXPORT_CONCURRENCY);
    const timelines = await Promise.all(batch.map((d) => ports.timeline(d.code)));
    // The account's own data in full: sealed identifiers opened (masked if no key is at hand).
    const forms = await Promise.all(batch.map((d) => (ports.openForm ? ports.openForm(d) : maskedForm(d))));
    for (const [j, d] of batch.entries())
      views.push(toOwnerView({ ...d, form: forms[j]! }, timelines[j]!, now));
  }
  return views;
}

/** Result-document items as stored, parsed by kind; one that does not match is an internal error (core/items.ts). */
import * as z from 'zod';
import { readerKind, readWhat } from '../../schemas/reads.js';
import { itemParser, present } from '../core/items.js';
import type { AccessRecord, DocumentShare } from './library.js';
import type { ResultDocument } from './result-documents.js';

const text = z.string();

export const parseResultDocument = itemParser<ResultDocument>('resultDocument', {
  documentId: text,
  dossierCode: present(text),
  issuedAt: present(text),
  sha256: present(text),
  status: z.enum(['valid', 'revoked', 'replaced']),
});

export const parseShare = itemParser<DocumentShare>('documentShare', {
  tokenHash: text,
  documentId: text,
  ownerSub: present(text),
  expiresAt: text,
});

/** Any `ACCESS#` item of the owner index: a dossier's read record (`dossierRead`) or a share's opening. */
export const parseAccessRecord = itemParser<AccessRecord>('accessRecord', {
  at: text,
  via: present(z.enum([...readerKind.options, 'share'])),
  what: present(readWhat),
  requestId: present(text),
});

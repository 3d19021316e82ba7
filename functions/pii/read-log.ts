/**
 * Who read my data: every read of a dossier's personal data by someone other than its owner — an
 * agency's system or officer fetching a file, an officer or the filing desk opening the dossier, a reveal
 * of its sealed identifiers — is recorded here, in one place, before the data is handed out. The record is
 * its own item beside the dossier and on its owner's access log (the owner index), put only if absent and
 * never updated or deleted: no route or code path changes one (test/unit/read-log.test.ts checks the
 * table's builders of these keys are used nowhere else).
 *
 * A reader is named by role and a pseudonym, never by name; nothing of the citizen is in the record
 * beyond the dossier's code. The reader's reason is free text shown to the citizen and never logged.
 */
import { createHash } from 'node:crypto';
import { type ReaderKind, type ReadWhat, readReason } from '../../schemas/reads.js';
import type { Reach } from '../core/access.js';
import { AppError } from '../core/errors.js';
import { logger } from '../core/logger.js';

/** One read, as kept beside the dossier and on its owner's access log. */
export interface DataRead {
  /** When the portal answered it. */
  at: string;
  /**
   * The request it answered (the API's request id; an agency system's webhook-id): with `at`, the record's
   * identity, so writing the same record again keeps one item.
   */
  requestId: string;
  dossierCode: string;
  /** The reader's role. */
  via: ReaderKind;
  /** A pseudonym of the reader (readerRefOf), or for an agency's system its agency id. */
  reader: string;
  /** The agency the reader acts for (a desk officer's: their one-stop office). */
  agencyId?: string;
  what: ReadWhat;
  /** Why, in the reader's words (schemas/reads.ts `readReason`): shown to the citizen, never logged. */
  reason?: string;
  /** For a file: which one, and its type. */
  attachmentId?: string;
  documentType?: string;
  /** For an agency system's signed request: when it signed it. */
  signedAt?: string;
}

/**
 * A stable pseudonym of a signed-in reader: the same account always gives the same one, the agency can
 * compute it for its own officers, and it tells the citizen nothing about who the person is.
 */
export const readerRefOf = (sub: string) =>
  `r_${createHash('sha256').update(`cong-reader:${sub}`).digest('hex').slice(0, 16)}`;

/** Who reads, as far as the record needs: role, pseudonym, agency. */
export type Reader = Pick<DataRead, 'via' | 'reader' | 'agencyId'>;

/**
 * The reader a signed-in person is, by how the access rule let them reach the dossier; undefined for its
 * owner, whose own reads are not recorded.
 *
 * A business representative other than the one who filed (`enterprise`) counts as someone else: the
 * enterprise's dossier holds the filing representative's own details (name, citizen ID, phone), and the
 * log is about any reader who is not the owner. The desk officer who filed on a citizen's behalf (`filer`)
 * reads another person's data too.
 */
export function readerOf(
  person: { sub: string; agencyId?: string | undefined },
  reach: Reach | undefined,
): Reader | undefined {
  const reader = readerRefOf(person.sub);
  switch (reach) {
    case 'agency':
      return { via: 'agency_officer', reader, ...(person.agencyId ? { agencyId: person.agencyId } : {}) };
    case 'filer':
      return { via: 'desk_officer', reader, ...(person.agencyId ? { agencyId: person.agencyId } : {}) };
    case 'enterprise':
      return { via: 'representative', reader };
    case 'support':
      return { via: 'support_agent', reader };
    default:
      return undefined;
  }
}

export interface ReadLogPort {
  /**
   * Puts the record beside the dossier and on the owner's access log, only if absent; the same record
   * already there counts as written.
   */
  putRead(read: DataRead, ownerSub: string): Promise<void>;
}

/**
 * Records a read before the data is answered. A read that cannot be recorded is not answered: the caller
 * gets 503 READ_NOT_RECORDED and tries again, rather than the citizen missing a read of their data.
 */
export async function recordRead(port: ReadLogPort, read: DataRead, ownerSub: string): Promise<void> {
  // The reason is bounded and normalised here too, for callers that did not come through a route's query.
  const reason = read.reason === undefined ? undefined : readReason.safeParse(read.reason);
  if (reason && !reason.success)
    throw new AppError('VALIDATION_FAILED', [{ path: 'query.reason', message: 'expected 3–200 characters' }]);
  const record = { ...read, ...(reason ? { reason: reason.data } : {}) };
  try {
    await port.putRead(record, ownerSub);
  } catch (err) {
    // Which read failed to be recorded; never the reason or anything of the citizen.
    logger.error('read not recorded', {
      dossierCode: read.dossierCode,
      via: read.via,
      what: read.what,
      requestId: read.requestId,
      error: err instanceof Error ? err.name : 'unknown',
    });
    throw new AppError('READ_NOT_RECORDED');
  }
}

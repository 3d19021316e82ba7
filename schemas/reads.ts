/**
 * Reads of a person's data by someone other than its owner, as the access logs show them
 * (GET /v1/me/access-log, GET /v1/dossiers/{code}/access-log): who read, in which role, what, and why
 * when they said.
 */
import * as z from 'zod';
import { nfcText } from './common.js';

/**
 * Who read, by role: an agency's system (its signed request), an officer of the agency processing the
 * dossier, the one-stop desk officer who filed it, another representative of the enterprise it was
 * filed for, a support agent, an operator.
 */
export const readerKind = z.enum([
  'agency_system',
  'agency_officer',
  'desk_officer',
  'representative',
  'support_agent',
  'operator',
]);
export type ReaderKind = z.infer<typeof readerKind>;

/**
 * What was read: the dossier as its processors see it (form masked), its sealed identifiers in full
 * (citizen ID and phone numbers), one of its files, its result, the receipt of its fee (it names the
 * payer); `document` is a shared document opened.
 */
export const readWhat = z.enum(['dossier', 'sealed_fields', 'attachment', 'result', 'receipt', 'document']);
export type ReadWhat = z.infer<typeof readWhat>;

/**
 * Why the reader opened it, in their own words: free text from an officer, shown to the citizen. It may
 * name people or numbers, so it is never logged (nor put in a URL's log: edge and API logs leave out
 * query strings).
 */
export const readReason = nfcText(200, 3).meta({
  description:
    'Why the reader opened the data, in their own words (3–200 characters). Shown to the citizen in the ' +
    'access log; free text from an officer, so the portal never logs it.',
});

/** A reader as the citizen sees it: a pseudonym, never a name or an account id. */
export const readerRef = z.string().meta({
  description:
    'A stable pseudonym of the reader (the same officer always has the same one; for an agency’s system, ' +
    'the agency’s id). The agency can tell which of its officers it is; the citizen can cite it.',
});

/** The query of a read by someone other than the owner: the reason they may give. */
export const readQuery = z.object({ reason: readReason.optional() });

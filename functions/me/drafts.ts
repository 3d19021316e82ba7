/**
 * Drafts: a filing not yet sent, kept on the server for its author so that a closed tab, a dead phone or
 * another device loses nothing. One draft per person and procedure, replaced as a whole and conditional
 * on the version last read (like the profile), so two devices cannot silently overwrite each other.
 * A form holds the citizen ID and phone numbers, so the draft's content is stored only sealed with the
 * profile key, bound to its owner and procedure. Untouched drafts expire after DRAFT_TTL_DAYS.
 */
import type * as z from 'zod';
import { DRAFT_TTL_DAYS, type DraftInput, type draftSummary, type draftView } from '../../schemas/me.js';
import { AppError } from '../core/errors.js';
import { open, type ProfileKeys, seal } from '../pii/protect.js';
import { etagOf, parseIfMatch } from './profile.js';

export interface StoredDraft {
  ownerSub: string;
  procedureCode: string;
  version: number;
  /** `{ form, attachments }` as JSON, AES-256-GCM sealed (functions/pii/protect.ts). */
  sealed: string;
  savedAt: string;
  expiresAt: string;
}

export interface DraftPorts {
  now(): Date;
  keys(): Promise<ProfileKeys>;
  /** The stored draft, expired or not (the table's TTL removes expired ones late). */
  load(sub: string, procedureCode: string): Promise<StoredDraft | undefined>;
  /**
   * Writes if the stored draft is still version `expected`, or (undefined) if there is none or only an
   * expired one; false if not.
   */
  save(draft: StoredDraft, expected: number | undefined): Promise<boolean>;
  /** One page of the person's drafts, by procedure code. */
  list(sub: string, limit: number, after?: string): Promise<{ items: StoredDraft[]; last?: string }>;
  remove(sub: string, procedureCode: string): Promise<boolean>;
}

export type DraftView = z.infer<typeof draftView>;
export type DraftSummary = z.infer<typeof draftSummary>;

const context = (sub: string, code: string) => `draft:${code}:${sub}`;
const DAY_MS = 86_400_000;

const live = (d: StoredDraft | undefined, now: Date) =>
  d && d.expiresAt > now.toISOString() ? d : undefined;

function toView(d: StoredDraft, keys: ProfileKeys): DraftView {
  const content = JSON.parse(
    open(keys.encryption, d.sealed, context(d.ownerSub, d.procedureCode)),
  ) as DraftInput;
  return {
    procedureCode: d.procedureCode,
    form: content.form,
    attachments: content.attachments,
    version: d.version,
    savedAt: d.savedAt,
    expiresAt: d.expiresAt,
  };
}

export async function readDraft(ports: DraftPorts, sub: string, code: string): Promise<DraftView> {
  const stored = live(await ports.load(sub, code), ports.now());
  if (!stored) throw new AppError('NOT_FOUND');
  return toView(stored, await ports.keys());
}

/**
 * Full replacement. An existing draft needs If-Match (428 without it, 412 when it names another
 * version); a new one is created without it (201). Every save pushes the expiry back.
 */
export async function saveDraft(
  ports: DraftPorts,
  sub: string,
  code: string,
  input: DraftInput,
  ifMatch: string | undefined,
): Promise<{ view: DraftView; created: boolean }> {
  const expected = parseIfMatch(ifMatch);
  const now = ports.now();
  const [current, keys] = await Promise.all([ports.load(sub, code).then((d) => live(d, now)), ports.keys()]);
  if (current) {
    if (expected === undefined) throw new AppError('PRECONDITION_REQUIRED');
    if (expected !== current.version) throw new AppError('PRECONDITION_FAILED');
  } else if (expected !== undefined) {
    throw new AppError('PRECONDITION_FAILED');
  }
  const next: StoredDraft = {
    ownerSub: sub,
    procedureCode: code,
    version: (current?.version ?? 0) + 1,
    sealed: seal(
      keys.encryption,
      JSON.stringify({ form: input.form, attachments: input.attachments }),
      context(sub, code),
    ),
    savedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + DRAFT_TTL_DAYS * DAY_MS).toISOString(),
  };
  if (!(await ports.save(next, current?.version))) throw new AppError('PRECONDITION_FAILED');
  return { view: toView(next, keys), created: !current };
}

export async function listDrafts(
  ports: DraftPorts,
  sub: string,
  q: { limit: number; cursor?: string },
  nameOf: (code: string) => string | undefined,
): Promise<{ items: DraftSummary[]; nextCursor: string | null }> {
  const now = ports.now();
  const page = await ports.list(sub, q.limit, q.cursor);
  return {
    items: page.items
      .filter((d) => live(d, now))
      .map((d) => ({
        procedureCode: d.procedureCode,
        procedureName: nameOf(d.procedureCode) ?? null,
        version: d.version,
        savedAt: d.savedAt,
        expiresAt: d.expiresAt,
      })),
    nextCursor: page.last ?? null,
  };
}

/** Idempotent: deleting a draft that is not there answers `deleted: false`. */
export async function deleteDraft(ports: DraftPorts, sub: string, code: string) {
  return { procedureCode: code, deleted: await ports.remove(sub, code) };
}

export { etagOf };

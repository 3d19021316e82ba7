import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../functions/core/errors.js';
import { deleteDraft, listDrafts, readDraft, saveDraft } from '../../functions/me/drafts.js';
import { deriveProfileKeys } from '../../functions/pii/protect.js';
import { DRAFT_MAX_BYTES, draftInput } from '../../schemas/me.js';
import { memoryDrafts } from '../support/fakes/drafts.js';

const keys = deriveProfileKeys(randomBytes(32));
const CODE = '1.002758';
const form = { fullName: 'Nguyễn Thị Bình', citizenId: '001188000123', phone: '0912345678', hasCard: true };

const memoryPorts = (start?: Date) => memoryDrafts(keys, start);

const code = (err: unknown) => (err instanceof AppError ? err.code : String(err));

describe('drafts', () => {
  it('are created, read back, and stored only sealed', async () => {
    const { ports, items } = memoryPorts();
    const saved = await saveDraft(ports, 'a', CODE, draftInput.parse({ form }), undefined);
    expect(saved.created).toBe(true);
    expect(saved.view).toMatchObject({ procedureCode: CODE, form, version: 1, attachments: [] });
    expect(saved.view.expiresAt).toBe('2027-01-05T03:00:00.000Z');
    const raw = JSON.stringify([...items.values()]);
    expect(raw).not.toContain('001188000123');
    expect(raw).not.toContain('Bình');
    expect(await readDraft(ports, 'a', CODE)).toEqual(saved.view);
  });

  it('need If-Match once they exist and refuse another version', async () => {
    const { ports } = memoryPorts();
    await saveDraft(ports, 'a', CODE, draftInput.parse({ form }), undefined);
    const again = draftInput.parse({ form: { ...form, fullName: 'Trần Văn An' } });
    expect(code(await saveDraft(ports, 'a', CODE, again, undefined).catch((e) => e))).toBe(
      'PRECONDITION_REQUIRED',
    );
    expect(code(await saveDraft(ports, 'a', CODE, again, '"7"').catch((e) => e))).toBe('PRECONDITION_FAILED');
    const second = await saveDraft(ports, 'a', CODE, again, '"1"');
    expect(second).toMatchObject({ created: false, view: { version: 2, form: { fullName: 'Trần Văn An' } } });
    // The first device still holds version 1: its save is refused, not silently applied.
    expect(code(await saveDraft(ports, 'a', CODE, again, '"1"').catch((e) => e))).toBe('PRECONDITION_FAILED');
    // No draft yet, but the page believes it has one: refused too.
    expect(code(await saveDraft(ports, 'a', '1.000001', again, '"1"').catch((e) => e))).toBe(
      'PRECONDITION_FAILED',
    );
  });

  it('belong to one person: another reads nothing', async () => {
    const { ports } = memoryPorts();
    await saveDraft(ports, 'a', CODE, draftInput.parse({ form }), undefined);
    expect(code(await readDraft(ports, 'b', CODE).catch((e) => e))).toBe('NOT_FOUND');
    expect((await listDrafts(ports, 'b', { limit: 20 }, () => undefined)).items).toEqual([]);
  });

  it('expire after 30 days untouched: unseen, and a new one replaces it', async () => {
    const { ports, clock } = memoryPorts();
    await saveDraft(ports, 'a', CODE, draftInput.parse({ form }), undefined);
    clock.now = new Date('2027-01-05T03:00:01Z');
    expect(code(await readDraft(ports, 'a', CODE).catch((e) => e))).toBe('NOT_FOUND');
    expect((await listDrafts(ports, 'a', { limit: 20 }, () => 'x')).items).toEqual([]);
    const fresh = await saveDraft(ports, 'a', CODE, draftInput.parse({ form }), undefined);
    expect(fresh).toMatchObject({ created: true, view: { version: 1 } });
  });

  it('are listed with the procedure name and deleted idempotently', async () => {
    const { ports } = memoryPorts();
    await saveDraft(ports, 'a', CODE, draftInput.parse({ form }), undefined);
    const list = await listDrafts(ports, 'a', { limit: 20 }, (c) =>
      c === CODE ? 'Cấp lại thẻ BHYT' : undefined,
    );
    expect(list).toEqual({
      items: [
        expect.objectContaining({ procedureCode: CODE, procedureName: 'Cấp lại thẻ BHYT', version: 1 }),
      ],
      nextCursor: null,
    });
    expect(await deleteDraft(ports, 'a', CODE)).toEqual({ procedureCode: CODE, deleted: true });
    expect(await deleteDraft(ports, 'a', CODE)).toEqual({ procedureCode: CODE, deleted: false });
  });
});

describe('draft schema', () => {
  it('takes text, yes/no, numbers, lists and scans', () => {
    const ok = draftInput.safeParse({
      form: { a: 'x', b: true, c: 3, d: ['1', '2'], e: null },
      attachments: [
        { documentType: 'damaged_card', uploadId: '01JD0000000000000000000000', fileName: 'the.pdf' },
      ],
    });
    expect(ok.success).toBe(true);
  });
  it('refuses unknown fields, odd field names and objects', () => {
    expect(draftInput.safeParse({ form: {}, ownerSub: 'x' }).success).toBe(false);
    expect(draftInput.safeParse({ form: { 'a.b': 'x' } }).success).toBe(false);
    expect(draftInput.safeParse({ form: { a: { nested: 1 } } }).success).toBe(false);
  });
  it('refuses a draft over the size bound, and takes one just under it', () => {
    const fields = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, 'x'.repeat(4000)]));
    const big = draftInput.safeParse({ form: fields(9) });
    expect(big.success).toBe(false);
    expect(big.error?.issues[0]).toMatchObject({ code: 'too_big', maximum: DRAFT_MAX_BYTES });
    expect(draftInput.safeParse({ form: fields(7) }).success).toBe(true);
  });
});

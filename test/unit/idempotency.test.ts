/**
 * The Idempotency-Key helper (functions/dossiers/idempotency.ts): a repeated request gets the first
 * answer, another request under the same key is refused with 422, and the record is put only if absent.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../functions/core/errors.js';
import {
  AGENCY_EVENT_DAYS,
  agencyEventPut,
  IDEMPOTENCY_DAYS,
  idempotencyPut,
  replay,
  requestHashOf,
  sameRequest,
} from '../../functions/dossiers/idempotency.js';
import {
  findAgencyEventResult,
  findIdempotencyRecord,
  idempotencyReader,
} from '../../functions/dossiers/idempotency-store.js';
import { mockedDocumentClient } from '../support/mocked-dynamo.js';

const ddb = mockedDocumentClient();

const body = { procedureCode: '1.002804', form: { fullName: 'Nguyễn Văn A' } };
const hash = requestHashOf(body);
const stored = { requestHash: hash, response: { submissionId: '01KAAAAAAAAAAAAAAAAAAAAAA1' } };

describe('the Idempotency-Key helper', () => {
  it('hashes a body the same whatever the order of its keys, and differently for another body', () => {
    expect(requestHashOf({ form: { fullName: 'Nguyễn Văn A' }, procedureCode: '1.002804' })).toBe(hash);
    expect(requestHashOf({ ...body, procedureCode: '1.002805' })).not.toBe(hash);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers a repeated request as the first, a new key with nothing, another body with 422', async () => {
    const ports = {
      findIdempotent: async (owner: string, key: string) =>
        owner === 'a' && key === 'k' ? stored : undefined,
    };
    expect(await replay(ports, 'a', 'k', hash)).toEqual(stored.response);
    expect(await replay(ports, 'a', 'other', hash)).toBeUndefined();
    expect(await replay(ports, 'b', 'k', hash)).toBeUndefined();
    const refused = await replay(ports, 'a', 'k', requestHashOf({ ...body, form: {} })).catch((e) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', status: 422 });
  });

  it('checks a record of another shape (a redelivery claim) the same way', () => {
    const claim = { requestHash: hash, redeliveryId: 'r1' };
    expect(sameRequest(claim, hash)).toBe(claim);
    expect(sameRequest(undefined, hash)).toBeUndefined();
    expect(() => sameRequest(claim, 'other')).toThrow(AppError);
  });

  it('puts the record only if the key is unused, scoped by kind and owner, kept for a week', () => {
    const before = Math.floor(Date.now() / 1000);
    const put = idempotencyPut(
      'cong-test',
      { scope: 'dossiers', owner: 'a', key: 'k', ...stored },
      '2026-11-20T03:00:00.000Z',
    );
    expect(put.Put.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(put.Put.Item).toMatchObject({ ...stored, createdAt: '2026-11-20T03:00:00.000Z' });
    expect(put.Put.Item.pk).toContain('dossiers');
    expect(put.Put.Item.ttl).toBeGreaterThanOrEqual(before + IDEMPOTENCY_DAYS * 86_400);
    const other = idempotencyPut('cong-test', { scope: 'petitions', owner: 'a', key: 'k', ...stored }, 'x');
    expect({ pk: other.Put.Item.pk, sk: other.Put.Item.sk }).not.toEqual({
      pk: put.Put.Item.pk,
      sk: put.Put.Item.sk,
    });
  });

  it('reads the record consistently under the same key it is put', async () => {
    ddb.on(GetCommand).resolves({ Item: stored });
    expect(await findIdempotencyRecord('cong-test', 'dossiers', 'a', 'k')).toEqual(stored);
    const get = ddb.commandCalls(GetCommand)[0]!.args[0].input;
    const put = idempotencyPut('cong-test', { scope: 'dossiers', owner: 'a', key: 'k', ...stored }, 'x');
    expect(get).toEqual({
      TableName: 'cong-test',
      Key: { pk: put.Put.Item.pk, sk: put.Put.Item.sk },
      ConsistentRead: true,
    });
    ddb.on(GetCommand).resolves({});
    expect(await idempotencyReader('cong-test', 'dossiers')('a', 'k')).toBeUndefined();
  });

  it('records an agency callback under its event id, once, and reads the answer back by it', async () => {
    const result = { eventId: 'evt_1', dossierCode: 'CAHN-261120-0001', applied: true };
    const put = agencyEventPut('cong-test', 'cahn', result, '2026-11-20T03:00:00.000Z');
    expect(put.Put.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(put.Put.Item).toMatchObject({ kind: 'agency-event', result, at: '2026-11-20T03:00:00.000Z' });
    expect(put.Put.Item.ttl).toBeGreaterThanOrEqual(
      Math.floor(Date.now() / 1000) + AGENCY_EVENT_DAYS * 86_400 - 5,
    );
    ddb.on(GetCommand).resolves({ Item: put.Put.Item });
    expect(await findAgencyEventResult('cong-test', 'cahn', 'evt_1')).toEqual(result);
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: 'cong-test',
      Key: { pk: put.Put.Item.pk, sk: put.Put.Item.sk },
      ConsistentRead: true,
    });
  });
});

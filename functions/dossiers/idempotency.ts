/**
 * Idempotency-Key: a write that creates something is answered once. Its record (the request's hash and
 * the response) is put inside the same transaction as the write, conditioned on being absent, so the
 * commit itself decides which of two racing requests wins; a repeated request is then answered from the
 * record — the original response for the same body, 422 IDEMPOTENCY_KEY_REUSED for another body.
 * Intake, supplements, petitions, support tickets and payments share this; the read of the record is the
 * store's (idempotency-store.ts), so domain code stays free of the AWS SDK.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../core/errors.js';
import { keys, ttlAfterDays } from '../core/keys.js';
import { canonical } from '../core/timeline.js';

/** How long an Idempotency-Key answers with the original response. */
export const IDEMPOTENCY_DAYS = 7;

/** What a key remembers: the hash of the request it was first used with, and the answer given. */
export interface IdempotencyRecord<R> {
  requestHash: string;
  response: R;
}

/** The port a replay reads through: the record under an owner's key, if any. */
export interface IdempotencyPorts<R> {
  findIdempotent(owner: string, key: string): Promise<IdempotencyRecord<R> | undefined>;
}

/** A record to put with the commit: whose key (scope and owner) and what it answers. */
export interface IdempotencyClaim<R = unknown> extends IdempotencyRecord<R> {
  /** The kind of write (`dossiers`, `petitions`, …): the same key may serve one request of each. */
  scope: string;
  owner: string;
  key: string;
}

/** The hash two requests must share to be the same request: of the body in canonical JSON. */
export const requestHashOf = (input: unknown) => createHash('sha256').update(canonical(input)).digest('hex');

/** The earlier request under a key, if it was this one; another body under the same key is refused. */
export function sameRequest<T extends { requestHash: string }>(
  earlier: T | undefined,
  requestHash: string,
): T | undefined {
  if (earlier && earlier.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
  return earlier;
}

/** The stored answer when this key was seen with this request; undefined when the key is new. */
export async function replay<R>(
  ports: IdempotencyPorts<R>,
  owner: string,
  key: string,
  requestHash: string,
): Promise<R | undefined> {
  return sameRequest(await ports.findIdempotent(owner, key), requestHash)?.response;
}

/** The record's Put, for the commit's TransactWriteItems (or alone): only if the key is unused. */
export function idempotencyPut<R>(TableName: string, claim: IdempotencyClaim<R>, at: string) {
  return {
    Put: {
      TableName,
      Item: {
        ...keys.idempotency(claim.scope, claim.owner, claim.key),
        requestHash: claim.requestHash,
        response: claim.response,
        createdAt: at,
        ttl: ttlAfterDays(IDEMPOTENCY_DAYS),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Agencies may replay a signed callback for this long and still get the original answer. */
export const AGENCY_EVENT_DAYS = 30;

/**
 * An agency callback's record: its event id is its idempotency key, and the answer given is kept, so a
 * replayed callback (dossier, petition or ticket event) is answered as the first was. Put only if absent.
 */
export function agencyEventPut(TableName: string, agencyId: string, result: { eventId: string }, at: string) {
  return {
    Put: {
      TableName,
      Item: {
        ...keys.agencyEvent(agencyId, result.eventId),
        kind: 'agency-event',
        result,
        at,
        ttl: ttlAfterDays(AGENCY_EVENT_DAYS),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

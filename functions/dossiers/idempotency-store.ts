/** Reading an Idempotency-Key's record from the table (idempotency.ts says what it holds). */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { keys } from '../core/keys.js';
import type { IdempotencyPorts, IdempotencyRecord } from './idempotency.js';

/** The record under `scope`'s key of `owner`, read consistently: a retry must see its first request's commit. */
export async function findIdempotencyRecord<R>(
  TableName: string,
  scope: string,
  owner: string,
  key: string,
): Promise<IdempotencyRecord<R> | undefined> {
  const out = await dynamo().send(
    new GetCommand({ TableName, Key: keys.idempotency(scope, owner, key), ConsistentRead: true }),
  );
  return out.Item as IdempotencyRecord<R> | undefined;
}

/** The replay port of one kind of write. */
export const idempotencyReader =
  <R>(TableName: string, scope: string): IdempotencyPorts<R>['findIdempotent'] =>
  (owner, key) =>
    findIdempotencyRecord<R>(TableName, scope, owner, key);

/** The answer recorded for an agency's callback event, if it was seen (of any kind: the caller checks which). */
export async function findAgencyEventResult(TableName: string, agencyId: string, eventId: string) {
  const out = await dynamo().send(
    new GetCommand({ TableName, Key: keys.agencyEvent(agencyId, eventId), ConsistentRead: true }),
  );
  return out.Item?.result as unknown;
}

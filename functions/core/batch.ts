/**
 * Several items read or written in one call: a delivery's marker, breaker state and dossier, or every
 * upload a submission names. DynamoDB may leave part of a batch unprocessed under load; that part is
 * sent again with jittered backoff, so callers see all or an error, as with single calls.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from './clients.js';
import { config } from './config.js';

type Key = { pk: string; sk: string };
type Item = Record<string, unknown>;

const MAX_ROUNDS = 7;
const pause = (round: number) =>
  new Promise((r) => setTimeout(r, Math.random() * Math.min(1000, 50 * 2 ** round)));
const id = (k: { pk?: unknown; sk?: unknown }) => `${String(k.pk)}\u0000${String(k.sk)}`;

/** The items at `keys` (at most 100), read consistently; undefined where there is none, in key order. */
export async function getItems(
  keys: readonly Key[],
  db: DynamoDBDocumentClient = dynamo(),
  TableName = config().TABLE_NAME,
): Promise<(Item | undefined)[]> {
  if (keys.length > 100) throw new Error('at most 100 keys per batch');
  const found = new Map<string, Item>();
  // The same key twice is one read (DynamoDB refuses duplicates in a batch).
  let pending: Key[] | undefined = [...new Map(keys.map((k) => [id(k), k])).values()];
  for (let round = 0; pending?.length; round++) {
    if (round >= MAX_ROUNDS) throw new Error('items could not be read; try again');
    if (round > 0) await pause(round);
    const out: BatchGetCommandOutput = await db.send(
      new BatchGetCommand({ RequestItems: { [TableName]: { Keys: pending, ConsistentRead: true } } }),
    );
    for (const item of out.Responses?.[TableName] ?? []) found.set(id(item), item);
    pending = out.UnprocessedKeys?.[TableName]?.Keys as Key[] | undefined;
  }
  return keys.map((k) => found.get(id(k)));
}

/** Puts `items` (at most 25, unconditionally) in one call, retrying what DynamoDB leaves unprocessed. */
export async function putItems(
  items: readonly Item[],
  db: DynamoDBDocumentClient = dynamo(),
  TableName = config().TABLE_NAME,
): Promise<void> {
  if (items.length > 25) throw new Error('at most 25 items per batch');
  let pending = items.map((Item) => ({ PutRequest: { Item } }));
  for (let round = 0; pending.length; round++) {
    if (round >= MAX_ROUNDS) throw new Error('items could not be written; try again');
    if (round > 0) await pause(round);
    const out = await db.send(new BatchWriteCommand({ RequestItems: { [TableName]: pending } }));
    pending = (out.UnprocessedItems?.[TableName] ?? []) as typeof pending;
  }
}

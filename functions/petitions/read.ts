/** Reads one petition (consistent): the petition desk's store and the notification relay, which needs no more. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { keys } from '../core/keys.js';
import { parsePetition } from './items.js';
import type { PetitionRecord } from './model.js';

export async function loadPetition(code: string): Promise<PetitionRecord | undefined> {
  const out = await dynamo().send(
    new GetCommand({ TableName: config().TABLE_NAME, Key: keys.petition(code), ConsistentRead: true }),
  );
  return out.Item ? parsePetition(out.Item) : undefined;
}

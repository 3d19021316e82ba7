/** Reads one support ticket (consistent), for the notification relay and the dispatcher. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { keys } from '../core/keys.js';
import { parseTicket } from './items.js';
import type { TicketRecord } from './model.js';

export async function loadTicket(code: string): Promise<TicketRecord | undefined> {
  const out = await dynamo().send(
    new GetCommand({ TableName: config().TABLE_NAME, Key: keys.supportTicket(code), ConsistentRead: true }),
  );
  return out.Item ? parseTicket(out.Item) : undefined;
}

/**
 * The transactional outbox: an item written in the same transaction as the change it announces, so
 * there is never a change without its message nor a message without its change. The table stream hands
 * each new item to the outbox relay (functions/dispatch/outbox-relay.ts), which parses it with the same
 * contract (messages.ts) and sends its messages to their channels' queues.
 */

import { keys, ttlAfterDays } from '../core/keys.js';
import { OUTBOX } from '../core/resources.js';
import type { Agency } from '../registry/agencies.js';
import { type Outbox, outboxItem, outboxWebhookId, queueMessage, queueMessageOf } from './messages.js';

/**
 * The outbox item's Put, for a TransactWriteItems list; a fresh id, so it never overwrites one. Every
 * message is checked against the contract here, the one door every producer's messages pass through.
 */
export function outboxPut(TableName: string, outbox: Outbox, at: string) {
  return {
    Put: {
      TableName,
      Item: {
        ...keys.outbox(outbox.id),
        kind: 'outbox',
        ...(outbox.channel ? { channel: outbox.channel } : {}),
        messages: outbox.messages.map((m) => queueMessage.parse(m)),
        createdAt: at,
        ttl: ttlAfterDays(OUTBOX.ttlDays),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** An outbox item as the stream hands it over (keys and bookkeeping ignored), checked against the contract. */
export const readOutboxItem = (item: unknown) => outboxItem.parse(item);

/**
 * The outbox item that sends dossiers to their agencies: one item for the whole submission, each
 * message naming its agency's channel, so a notice to every province is still one write.
 */
export function dispatchOutbox(
  outboxId: string,
  targets: readonly { agency: Pick<Agency, 'id' | 'channel'>; code: string }[],
): Outbox {
  return {
    id: outboxId,
    messages: targets.map(({ agency, code }) =>
      queueMessageOf({
        type: 'dossier.submitted',
        dossierCode: code,
        agencyId: agency.id,
        channel: agency.channel,
        webhookId: outboxWebhookId(outboxId, code),
      }),
    ),
  };
}

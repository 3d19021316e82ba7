/** Reconciliation work over DynamoDB: payments waiting on a partner, and bills confirmed to their biller. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LanePage } from '../core/drain.js';
import { keys } from '../core/keys.js';
import { queries } from '../core/queries.js';
import { PAYMENTS } from '../core/resources.js';
import type { PaymentTable } from './store-common.js';

/** Where the next page of a shard's waiting payments starts (the index's last evaluated key). */
export type WaitingCursor = Readonly<Record<string, string>>;

export interface ReconcileWorkPorts {
  /** Shards of each waiting queue's index partition. */
  workShards: number;
  /** One page of a shard's payment ids waiting on a partner, created before `before`, oldest first. */
  listWaiting(
    queue: 'pending' | 'biller',
    shard: number,
    before: string,
    after?: WaitingCursor,
  ): Promise<LanePage<string, WaitingCursor>>;
  markBillerConfirmed(paymentId: string): Promise<void>;
}

export function reconcileWorkPorts({ TableName, db }: PaymentTable): ReconcileWorkPorts {
  return {
    workShards: PAYMENTS.workShards,
    async listWaiting(queue, shard, before, after) {
      const page = await queries.paymentWork(queue, shard, before, { limit: PAYMENTS.reconcilePage, after });
      return { entries: page.items.map((i) => i.value), ...(page.lastKey ? { next: page.lastKey } : {}) };
    },

    async markBillerConfirmed(paymentId) {
      try {
        await db.send(
          new UpdateCommand({
            TableName,
            Key: keys.payment(paymentId),
            UpdateExpression: 'SET billerStatus = :done REMOVE gsi2pk, gsi2sk',
            ConditionExpression: 'billerStatus = :pending',
            ExpressionAttributeValues: { ':done': 'confirmed', ':pending': 'pending' },
          }),
        );
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    },
  };
}

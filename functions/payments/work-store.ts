/** Reconciliation work over DynamoDB: payments waiting on a partner, and bills confirmed to their biller. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../core/keys.js';
import { queries } from '../core/queries.js';
import { PAYMENTS } from '../core/resources.js';
import type { PaymentTable } from './store-common.js';

export interface ReconcileWorkPorts {
  /** Payment ids waiting on a partner, created before `before`, oldest first. */
  listWaiting(queue: 'pending' | 'biller', before: string, limit: number): Promise<string[]>;
  markBillerConfirmed(paymentId: string): Promise<void>;
}

export function reconcileWorkPorts({ TableName, db }: PaymentTable): ReconcileWorkPorts {
  return {
    async listWaiting(queue, before, limit) {
      const ids: string[] = [];
      for (let shard = 0; shard < PAYMENTS.workShards && ids.length < limit; shard++) {
        ids.push(...(await queries.paymentWork(queue, shard, before, limit - ids.length)));
      }
      return ids;
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

/** Payment anomalies over DynamoDB: recorded with the write that finds them, listed until dealt with. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../core/keys.js';
import { queries } from '../core/queries.js';
import { parseAnomaly } from './items.js';
import type { RefundPorts } from './refunds.js';
import { type PaymentTable, paymentAnomalies } from './store-common.js';

type AnomalyPorts = Pick<RefundPorts, 'loadAnomaly' | 'resolveAnomaly' | 'listAnomalies'>;

export function anomalyPorts({ TableName, db }: PaymentTable): AnomalyPorts {
  return {
    async loadAnomaly(paymentId, at) {
      // Money owed back recorded at that instant sits beside a mismatch; the mismatch is the one an
      // operator can close by a note, so it answers first.
      const found = (await paymentAnomalies(paymentId, `ANOMALY#${at}`)).filter((a) => a.at === at);
      return found.find((a) => a.type === 'amount_mismatch') ?? found[0];
    },

    async resolveAnomaly(paymentId, at, resolution) {
      try {
        await db.send(
          new UpdateCommand({
            TableName,
            Key: keys.paymentAnomaly(paymentId, at),
            UpdateExpression: 'SET resolution = :resolution REMOVE gsi2pk, gsi2sk',
            ConditionExpression:
              'attribute_exists(pk) AND attribute_not_exists(resolution) AND #type = :mismatch',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: { ':resolution': resolution, ':mismatch': 'amount_mismatch' },
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },

    listAnomalies: (limit: number, cursor: string | undefined) =>
      queries.paymentAnomalies()({ limit, cursor }, parseAnomaly),
  };
}

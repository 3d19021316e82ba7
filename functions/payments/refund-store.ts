/** The refund port over DynamoDB: an operator's refund held, then committed or let go. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { loadDossier } from '../core/dossier-store.js';
import { cancellationOf } from '../core/dynamo-errors.js';
import { keys } from '../core/keys.js';
import { advanceDossier } from '../dossiers/advance.js';
import { idempotencyPut } from '../dossiers/idempotency.js';
import { idempotencyReader } from '../dossiers/idempotency-store.js';
import { outboxPut } from '../dossiers/outbox.js';
import { findAgency } from '../registry/agencies.js';
import { anomalyPorts } from './anomaly-store.js';
import type { PaymentView, RefundPorts } from './refunds.js';
import { anomalyKey, orderKey, type PaymentTable, paymentReads, type TransactItems } from './store-common.js';

const REFUND_SCOPE = 'payment-refunds';

export function refundPorts(t: PaymentTable): RefundPorts {
  const { TableName, db } = t;
  return {
    now: () => new Date(),
    loadDossier,
    agencyChannel: (agencyId) => findAgency(agencyId)?.channel,
    ...paymentReads(t),
    ...anomalyPorts(t),

    findRefundReplay: idempotencyReader<PaymentView>(TableName, REFUND_SCOPE),

    async saveRefundReplay(operatorSub, key, requestHash, response, at) {
      try {
        await db.send(
          new PutCommand(
            idempotencyPut(
              TableName,
              { scope: REFUND_SCOPE, owner: operatorSub, key, requestHash, response },
              at,
            ).Put,
          ),
        );
      } catch (err) {
        // The key already answers another request: the first answer stands.
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    },

    async holdRefund(p, hold) {
      try {
        await db.send(
          new UpdateCommand({
            TableName,
            Key: keys.payment(p.paymentId),
            UpdateExpression: 'SET refunding = :hold',
            ConditionExpression: p.refunding
              ? '#v = :v AND refunding.#at = :heldAt'
              : '#v = :v AND attribute_not_exists(refunding)',
            ExpressionAttributeNames: { '#v': 'version', ...(p.refunding ? { '#at': 'at' } : {}) },
            ExpressionAttributeValues: {
              ':hold': hold,
              ':v': p.version,
              ...(p.refunding ? { ':heldAt': p.refunding.at } : {}),
            },
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },

    async releaseRefund(paymentId, holdId) {
      try {
        await db.send(
          new UpdateCommand({
            TableName,
            Key: keys.payment(paymentId),
            UpdateExpression: 'REMOVE refunding',
            ConditionExpression: 'refunding.holdId = :hold',
            ExpressionAttributeValues: { ':hold': holdId },
          }),
        );
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    },

    async commitRefund(w) {
      const p = w.payment;
      const items: TransactItems = [
        {
          Update: {
            TableName,
            Key: keys.payment(p.paymentId),
            UpdateExpression: 'SET #st = :to, #v = :next, refund = :refund, updatedAt = :at REMOVE refunding',
            ConditionExpression: '#v = :v AND refunding.holdId = :hold',
            ExpressionAttributeNames: { '#st': 'status', '#v': 'version' },
            ExpressionAttributeValues: {
              ':to': w.to,
              ':v': p.version,
              ':next': p.version + 1,
              ':refund': w.refund,
              ':at': w.at,
              ':hold': w.holdId,
            },
          },
        },
      ];
      if (w.owed) {
        items.push({
          Update: {
            TableName,
            Key: anomalyKey(w.owed),
            UpdateExpression: 'SET resolution = :resolution REMOVE gsi2pk, gsi2sk',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(resolution)',
            ExpressionAttributeValues: {
              ':resolution': {
                at: w.at,
                by: 'refund',
                ...(w.refund.providerRefundId ? { providerRefundId: w.refund.providerRefundId } : {}),
              },
            },
          },
        });
      }
      if (w.dossier) {
        const d = w.dossier;
        items.push(
          ...advanceDossier(TableName, {
            dossier: { code: d.code, version: d.expectedVersion },
            event: d.event,
            moveStatus: false,
            at: w.at,
            ...(w.updateOrder
              ? { set: { 'payment.status': 'refunded' }, expect: { 'payment.paymentId': p.paymentId } }
              : {}),
          }),
        );
        // Committed with the refund: the agency is told of every refund recorded, and of no other.
        if (d.outbox) items.push(outboxPut(TableName, d.outbox, w.at));
      } else if (w.updateOrder) {
        items.push({
          Update: {
            TableName,
            Key: orderKey(p.order),
            UpdateExpression: 'SET payment.#st = :refunded, updatedAt = :at',
            ConditionExpression: 'payment.paymentId = :id',
            ExpressionAttributeNames: { '#st': 'status' },
            ExpressionAttributeValues: { ':refunded': 'refunded', ':at': w.at, ':id': p.paymentId },
          },
        });
      }
      if (w.receiptNote) {
        items.push({
          Update: {
            TableName,
            Key: keys.receipt(p.paymentId),
            UpdateExpression: 'SET refund = :note',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':note': w.receiptNote },
          },
        });
      }
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
        return 'committed';
      } catch (err) {
        cancellationOf(err);
        return 'conflict';
      }
    },
  };
}

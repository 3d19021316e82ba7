/** The payment port over DynamoDB: starting a payment and settling it, each a conditional transaction. */
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderPayment } from '../core/dossier.js';
import { loadDossier } from '../core/dossier-store.js';
import { cancellationOf } from '../core/dynamo-errors.js';
import { keys, ttlAfterDays } from '../core/keys.js';
import { outboxPut } from '../intake/store.js';
import { findAgency } from '../registry/agencies.js';
import { orderRef } from './model.js';
import type { PaymentPorts } from './payments.js';
import {
  anomalyItem,
  IDEMPOTENCY_DAYS,
  orderKey,
  type PaymentTable,
  paymentReads,
  type TransactItems,
} from './store-common.js';

const SCOPE = 'payments';

export function paymentPorts(t: PaymentTable): PaymentPorts {
  const { TableName, db, work, txnPut, orderStatusUpdate } = t;
  return {
    now: () => new Date(),
    loadDossier,
    agencyChannel: (agencyId) => findAgency(agencyId)?.channel,
    ...paymentReads(t),

    async findIdempotent(ownerSub, key) {
      const out = await db.send(
        new GetCommand({ TableName, Key: keys.idempotency(SCOPE, ownerSub, key), ConsistentRead: true }),
      );
      return out.Item as Awaited<ReturnType<PaymentPorts['findIdempotent']>>;
    },

    async createPayment(w) {
      const p = w.payment;
      const mirror: OrderPayment = {
        amount: p.amount,
        currency: 'VND',
        status: 'pending',
        paymentId: p.paymentId,
      };
      const order = w.newBill
        ? {
            Put: {
              TableName,
              Item: { ...orderKey(p.order), kind: 'bill', ...w.newBill, payment: mirror, createdAt: w.at },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          }
        : {
            Update: {
              TableName,
              Key: orderKey(p.order),
              UpdateExpression: 'SET payment = :mirror, updatedAt = :at',
              ConditionExpression: [
                w.previous?.paymentId
                  ? 'payment.#st = :prevStatus AND payment.paymentId = :prevId'
                  : 'payment.#st = :prevStatus AND attribute_not_exists(payment.paymentId)',
                // The dossier still waits for its fee (not withdrawn or refused since it was read).
                ...(w.dossierStatus ? ['#st = :dossierStatus'] : []),
              ].join(' AND '),
              ExpressionAttributeNames: { '#st': 'status' },
              ExpressionAttributeValues: {
                ':mirror': mirror,
                ':at': w.at,
                ':prevStatus': w.previous?.status ?? 'unpaid',
                ...(w.previous?.paymentId ? { ':prevId': w.previous.paymentId } : {}),
                ...(w.dossierStatus ? { ':dossierStatus': w.dossierStatus } : {}),
              },
            },
          };
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName,
                  Item: {
                    ...keys.idempotency(SCOPE, w.idempotency.ownerSub, w.idempotency.key),
                    requestHash: w.idempotency.requestHash,
                    response: w.idempotency.response,
                    createdAt: w.at,
                    ttl: ttlAfterDays(IDEMPOTENCY_DAYS),
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName,
                  Item: { ...keys.payment(p.paymentId), kind: 'payment', ...work('pending', p), ...p },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              order,
            ],
          }),
        );
        return 'committed';
      } catch (err) {
        const failed = cancellationOf(err);
        return failed.failed(0) ? 'idempotency-key-taken' : 'order-changed';
      }
    },

    async commitSuccess(w) {
      const p = w.payment;
      const bill = p.order.kind === 'bill';
      const items: TransactItems = [
        txnPut(p.provider, w.transactionId, p.paymentId, w.at),
        {
          Put: {
            TableName,
            Item: {
              ...keys.paymentSuccess(orderRef(p.order)),
              kind: 'payment-success',
              paymentId: p.paymentId,
              at: w.at,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Update: {
            TableName,
            Key: keys.payment(p.paymentId),
            UpdateExpression: bill
              ? 'SET #st = :ok, #v = :next, providerTransactionId = :txn, paidAt = :paid, updatedAt = :at, billerStatus = :bp, gsi2pk = :wpk, gsi2sk = :wsk'
              : 'SET #st = :ok, #v = :next, providerTransactionId = :txn, paidAt = :paid, updatedAt = :at REMOVE gsi2pk, gsi2sk',
            ConditionExpression: '#st = :pending AND #v = :v',
            ExpressionAttributeNames: { '#st': 'status', '#v': 'version' },
            ExpressionAttributeValues: {
              ':ok': 'succeeded',
              ':pending': 'pending',
              ':v': p.version,
              ':next': p.version + 1,
              ':txn': w.transactionId,
              ':paid': w.paidAt,
              ':at': w.at,
              ...(bill
                ? (() => {
                    const k = work('biller', p);
                    return { ':bp': 'pending', ':wpk': k.gsi2pk, ':wsk': k.gsi2sk };
                  })()
                : {}),
            },
          },
        },
        { Put: { TableName, Item: { ...keys.receipt(p.paymentId), kind: 'receipt', ...w.receipt } } },
      ];
      if (w.dossier) {
        const d = w.dossier;
        items.push(
          {
            Update: {
              TableName,
              Key: keys.dossier(d.code),
              UpdateExpression:
                'SET payment.#st = :ok, #v = :next, lastSeq = :seq, lastHash = :hash, updatedAt = :at',
              ConditionExpression: '#v = :expected AND payment.paymentId = :id',
              ExpressionAttributeNames: { '#st': 'status', '#v': 'version' },
              ExpressionAttributeValues: {
                ':ok': 'succeeded',
                ':next': d.expectedVersion + 1,
                ':expected': d.expectedVersion,
                ':seq': d.event.seq,
                ':hash': d.event.hash,
                ':at': w.at,
                ':id': p.paymentId,
              },
            },
          },
          {
            Put: {
              TableName,
              Item: { ...keys.timelineEvent(d.code, d.event.seq), kind: 'event', ...d.event },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          outboxPut(TableName, d.outbox, w.at),
        );
      } else {
        items.push({
          Update: {
            TableName,
            Key: orderKey(p.order),
            UpdateExpression: 'SET payment.#st = :ok, updatedAt = :at',
            ConditionExpression: 'payment.paymentId = :id',
            ExpressionAttributeNames: { '#st': 'status' },
            ExpressionAttributeValues: { ':ok': 'succeeded', ':at': w.at, ':id': p.paymentId },
          },
        });
      }
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
        return 'committed';
      } catch (err) {
        const failed = cancellationOf(err);
        if (failed.failed(0)) return 'transaction-seen';
        if (failed.failed(1)) return 'order-already-paid';
        return 'conflict';
      }
    },

    async commitClose(w) {
      const p = w.payment;
      const leaving = p.status === 'pending' && w.to !== 'pending';
      const sets = ['#st = :to', '#v = :next', 'updatedAt = :at'];
      const values: Record<string, unknown> = {
        ':to': w.to,
        ':v': p.version,
        ':next': p.version + 1,
        ':at': w.at,
      };
      if (w.transactionId && !p.providerTransactionId) {
        sets.push('providerTransactionId = :txn');
        values[':txn'] = w.transactionId;
      }
      const items: TransactItems = [
        {
          Update: {
            TableName,
            Key: keys.payment(p.paymentId),
            UpdateExpression: `SET ${sets.join(', ')}${leaving ? ' REMOVE gsi2pk, gsi2sk' : ''}`,
            ConditionExpression: '#v = :v',
            ExpressionAttributeNames: { '#st': 'status', '#v': 'version' },
            ExpressionAttributeValues: values,
          },
        },
      ];
      if (w.transactionId) items.push(txnPut(p.provider, w.transactionId, p.paymentId, w.at));
      if (w.updateOrder) {
        items.push(orderStatusUpdate(p, w.to, w.at));
      }
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
        return 'committed';
      } catch (err) {
        return w.transactionId && cancellationOf(err).failed(1) ? 'transaction-seen' : 'conflict';
      }
    },

    async commitFlag(w) {
      const p = w.payment;
      const items: TransactItems = [
        // Once per provider transaction: a repeated notice of the same charge is not owed twice.
        txnPut(p.provider, w.transactionId, p.paymentId, w.at),
        {
          // Listed for operators from the same write that records it, so none is ever missed.
          Put: {
            TableName,
            Item: anomalyItem({
              paymentId: p.paymentId,
              type: 'refund_due',
              at: w.at,
              provider: p.provider,
              amount: p.amount,
              currency: p.currency,
              order: p.order,
              transactionId: w.transactionId,
              refundReason: w.reason,
            }),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ];
      if (w.close) {
        items.push({
          Update: {
            TableName,
            Key: keys.payment(p.paymentId),
            UpdateExpression: 'SET #st = :to, #v = :next, updatedAt = :at REMOVE gsi2pk, gsi2sk',
            ConditionExpression: '#st = :pending AND #v = :v',
            ExpressionAttributeNames: { '#st': 'status', '#v': 'version' },
            ExpressionAttributeValues: {
              ':to': w.close.to,
              ':pending': 'pending',
              ':v': p.version,
              ':next': p.version + 1,
              ':at': w.at,
            },
          },
        });
        if (w.close.updateOrder) {
          items.push(orderStatusUpdate(p, w.close.to, w.at));
        }
      }
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
        return 'committed';
      } catch (err) {
        return cancellationOf(err).failed(0) ? 'transaction-seen' : 'conflict';
      }
    },

    async recordAnomaly(anomaly) {
      await db.send(new PutCommand({ TableName, Item: anomalyItem(anomaly) }));
    },
  };
}

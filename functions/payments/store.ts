/** The payment ports over DynamoDB: every state change is a conditional write or transaction. */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { decodeCursor, encodeCursor } from '../core/cursor.js';
import type { OrderPayment } from '../core/dossier.js';
import { loadDossier, readPrefix } from '../core/dossier-store.js';
import { keys, recordOf, ttlAfterDays } from '../core/keys.js';
import { PAYMENTS } from '../core/resources.js';
import { outboxPut } from '../intake/store.js';
import { findAgency } from '../registry/agencies.js';
import {
  type AnomalyRecord,
  type Order,
  orderRef,
  type PaymentRecord,
  type ReceiptRecord,
  workShard,
} from './model.js';
import type { PaymentPorts } from './payments.js';
import type { RefundPorts } from './refunds.js';

const IDEMPOTENCY_DAYS = 7;
const SCOPE = 'payments';
const REFUND_SCOPE = 'payment-refunds';
const ANOMALY_INDEX = 'PAYMENT_ANOMALY';

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/** Money owed back is keyed by its provider transaction too, so concurrent charges never overwrite. */
const anomalyKey = (a: AnomalyRecord) =>
  keys.paymentAnomaly(a.paymentId, a.at, a.type === 'refund_due' ? a.transactionId : undefined);

const anomalyItem = (a: AnomalyRecord) => ({
  ...anomalyKey(a),
  ...keys.paymentAnomalyIndex(a.at, a.paymentId),
  kind: 'payment-anomaly',
  ...a,
});

const orderKey = (o: Order) => (o.kind === 'dossier' ? keys.dossier(o.code) : keys.bill(o.biller, o.billId));

const strip = <T>(item: Record<string, unknown> | undefined): T | undefined =>
  item ? recordOf<T>(item) : undefined;

export interface PaymentStore extends PaymentPorts, RefundPorts {
  /** Payment ids waiting on a partner, created before `before`, oldest first. */
  listWaiting(queue: 'pending' | 'biller', before: string, limit: number): Promise<string[]>;
  markBillerConfirmed(paymentId: string): Promise<void>;
}

export function paymentStore(): PaymentStore {
  const TableName = config().TABLE_NAME;
  const db = dynamo();
  const cancelled = (err: unknown) => {
    if (!(err instanceof TransactionCanceledException)) throw err;
    return (err.CancellationReasons ?? []).map((r) => r.Code === 'ConditionalCheckFailed');
  };
  const work = (queue: 'pending' | 'biller', p: PaymentRecord) =>
    keys.paymentWork(queue, workShard(p.paymentId, PAYMENTS.workShards), p.createdAt, p.paymentId);
  const txnPut = (provider: string, txnId: string, paymentId: string, at: string) => ({
    Put: {
      TableName,
      Item: { ...keys.providerTransaction(provider, txnId), kind: 'provider-transaction', paymentId, at },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  });

  /** The order's copy of its payment's status, moved only while it still names this payment. */
  const orderStatusUpdate = (p: { order: Order; paymentId: string }, to: string, at: string) => ({
    Update: {
      TableName,
      Key: orderKey(p.order),
      UpdateExpression: 'SET payment.#st = :to, updatedAt = :at',
      ConditionExpression: 'payment.paymentId = :id',
      ExpressionAttributeNames: { '#st': 'status' },
      ExpressionAttributeValues: { ':to': to, ':at': at, ':id': p.paymentId },
    },
  });

  /** A payment's anomalies whose sort key starts with `prefix` (one small partition). */
  const paymentAnomalies = (paymentId: string, prefix: string) =>
    readPrefix<AnomalyRecord>(keys.payment(paymentId).pk, prefix);

  return {
    now: () => new Date(),
    loadDossier,
    agencyChannel: (agencyId) => findAgency(agencyId)?.channel,

    async loadOrder(order) {
      const out = await db.send(new GetCommand({ TableName, Key: orderKey(order), ConsistentRead: true }));
      return out.Item?.payment as OrderPayment | undefined;
    },

    async loadPayment(paymentId) {
      const out = await db.send(
        new GetCommand({ TableName, Key: keys.payment(paymentId), ConsistentRead: true }),
      );
      return strip<PaymentRecord>(out.Item);
    },

    async loadReceipt(paymentId) {
      const out = await db.send(
        new GetCommand({ TableName, Key: keys.receipt(paymentId), ConsistentRead: true }),
      );
      return strip<ReceiptRecord>(out.Item);
    },

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
        const failed = cancelled(err);
        return failed[0] ? 'idempotency-key-taken' : 'order-changed';
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
        const failed = cancelled(err);
        if (failed[0]) return 'transaction-seen';
        if (failed[1]) return 'order-already-paid';
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
        const failed = cancelled(err);
        return w.transactionId && failed[1] ? 'transaction-seen' : 'conflict';
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
        return cancelled(err)[0] ? 'transaction-seen' : 'conflict';
      }
    },

    async loadOwed(paymentId) {
      const anomalies = await paymentAnomalies(paymentId, 'ANOMALY#');
      return anomalies
        .filter((a) => a.type === 'refund_due' && !a.resolution)
        .sort(
          (a, b) => a.at.localeCompare(b.at) || (a.transactionId ?? '').localeCompare(b.transactionId ?? ''),
        );
    },

    async recordAnomaly(anomaly) {
      await db.send(new PutCommand({ TableName, Item: anomalyItem(anomaly) }));
    },

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

    async listAnomalies(limit, cursor) {
      const out = await db.send(
        new QueryCommand({
          TableName,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': ANOMALY_INDEX },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: decodeCursor(cursor, ['pk', 'sk', 'gsi2pk', 'gsi2sk'], {
            gsi2pk: ANOMALY_INDEX,
          }),
        }),
      );
      return {
        items: (out.Items ?? []).map((item) => strip<AnomalyRecord>(item)!),
        nextCursor: encodeCursor(out.LastEvaluatedKey),
      };
    },

    async findRefundReplay(operatorSub, key) {
      const out = await db.send(
        new GetCommand({
          TableName,
          Key: keys.idempotency(REFUND_SCOPE, operatorSub, key),
          ConsistentRead: true,
        }),
      );
      return out.Item as Awaited<ReturnType<RefundPorts['findRefundReplay']>>;
    },

    async saveRefundReplay(operatorSub, key, requestHash, response, at) {
      try {
        await db.send(
          new PutCommand({
            TableName,
            Item: {
              ...keys.idempotency(REFUND_SCOPE, operatorSub, key),
              requestHash,
              response,
              createdAt: at,
              ttl: ttlAfterDays(IDEMPOTENCY_DAYS),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
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
          {
            Update: {
              TableName,
              Key: keys.dossier(d.code),
              UpdateExpression: `SET #v = :next, lastSeq = :seq, lastHash = :hash, updatedAt = :at${
                w.updateOrder ? ', payment.#st = :refunded' : ''
              }`,
              ConditionExpression: w.updateOrder
                ? '#v = :expected AND payment.paymentId = :id'
                : '#v = :expected',
              ExpressionAttributeNames: { '#v': 'version', ...(w.updateOrder ? { '#st': 'status' } : {}) },
              ExpressionAttributeValues: {
                ':next': d.expectedVersion + 1,
                ':expected': d.expectedVersion,
                ':seq': d.event.seq,
                ':hash': d.event.hash,
                ':at': w.at,
                ...(w.updateOrder ? { ':refunded': 'refunded', ':id': p.paymentId } : {}),
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
        );
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
        cancelled(err);
        return 'conflict';
      }
    },

    async listWaiting(queue, before, limit) {
      const ids: string[] = [];
      for (let shard = 0; shard < PAYMENTS.workShards && ids.length < limit; shard++) {
        let ExclusiveStartKey: Record<string, unknown> | undefined;
        do {
          const out = await db.send(
            new QueryCommand({
              TableName,
              IndexName: 'gsi2',
              KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :before',
              ExpressionAttributeValues: { ':pk': `PAYMENTS#${queue}#${shard}`, ':before': before },
              ProjectionExpression: 'paymentId',
              Limit: limit - ids.length,
              ExclusiveStartKey,
            }),
          );
          for (const item of out.Items ?? []) ids.push(item.paymentId as string);
          ExclusiveStartKey = out.LastEvaluatedKey;
        } while (ExclusiveStartKey && ids.length < limit);
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

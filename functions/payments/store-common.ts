/** What the payment stores share: the table, the order and anomaly items, and the reads both ports make. */
import { GetCommand, type TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { readPrefix } from '../core/dossier-store.js';
import { keys } from '../core/keys.js';
import { PAYMENTS } from '../core/resources.js';
import { parseAnomaly, parseOrderPayment, parsePayment, parseReceipt } from './items.js';
import { type AnomalyRecord, type Order, type PaymentRecord, workShard } from './model.js';

export const IDEMPOTENCY_DAYS = 7;

export type TransactItems = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
>;

/** Money owed back is keyed by its provider transaction too, so concurrent charges never overwrite. */
export const anomalyKey = (a: AnomalyRecord) =>
  keys.paymentAnomaly(a.paymentId, a.at, a.type === 'refund_due' ? a.transactionId : undefined);

export const anomalyItem = (a: AnomalyRecord) => ({
  ...anomalyKey(a),
  ...keys.paymentAnomalyIndex(a.at, a.paymentId),
  kind: 'payment-anomaly',
  ...a,
});

export const orderKey = (o: Order) =>
  o.kind === 'dossier' ? keys.dossier(o.code) : keys.bill(o.biller, o.billId);

/** The table and the write pieces every payment store builds its transactions from. */
export function paymentTable() {
  const TableName = config().TABLE_NAME;
  const db = dynamo();
  return {
    TableName,
    db,
    /** The payment's place in a queue of payments waiting on a partner. */
    work: (queue: 'pending' | 'biller', p: PaymentRecord) =>
      keys.paymentWork(queue, workShardOf(p.paymentId), p.createdAt, p.paymentId),
    txnPut: (provider: string, txnId: string, paymentId: string, at: string) => ({
      Put: {
        TableName,
        Item: { ...keys.providerTransaction(provider, txnId), kind: 'provider-transaction', paymentId, at },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }),
    /** The order's copy of its payment's status, moved only while it still names this payment. */
    orderStatusUpdate: (p: { order: Order; paymentId: string }, to: string, at: string) => ({
      Update: {
        TableName,
        Key: orderKey(p.order),
        UpdateExpression: 'SET payment.#st = :to, updatedAt = :at',
        ConditionExpression: 'payment.paymentId = :id',
        ExpressionAttributeNames: { '#st': 'status' },
        ExpressionAttributeValues: { ':to': to, ':at': at, ':id': p.paymentId },
      },
    }),
  };
}

export type PaymentTable = ReturnType<typeof paymentTable>;

const workShardOf = (paymentId: string) => workShard(paymentId, PAYMENTS.workShards);

/** A payment's anomalies whose sort key starts with `prefix` (one small partition). */
export const paymentAnomalies = (paymentId: string, prefix: string) =>
  readPrefix(keys.payment(paymentId).pk, prefix, parseAnomaly);

/** The reads both ports make: an order's payment state, a payment, its receipt, money still owed back. */
export function paymentReads({ TableName, db }: PaymentTable) {
  const get = async (Key: Record<string, string>) =>
    (await db.send(new GetCommand({ TableName, Key, ConsistentRead: true }))).Item;
  return {
    async loadOrder(order: Order) {
      const payment = (await get(orderKey(order)))?.payment;
      return payment === undefined ? undefined : parseOrderPayment(payment);
    },
    async loadPayment(paymentId: string) {
      const item = await get(keys.payment(paymentId));
      return item ? parsePayment(item) : undefined;
    },
    async loadReceipt(paymentId: string) {
      const item = await get(keys.receipt(paymentId));
      return item ? parseReceipt(item) : undefined;
    },
    async loadOwed(paymentId: string) {
      const anomalies = await paymentAnomalies(paymentId, 'ANOMALY#');
      return anomalies
        .filter((a) => a.type === 'refund_due' && !a.resolution)
        .sort(
          (a, b) => a.at.localeCompare(b.at) || (a.transactionId ?? '').localeCompare(b.transactionId ?? ''),
        );
    },
  };
}

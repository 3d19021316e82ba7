/** The agency's delivery log and redelivery requests over the table and the agency queues. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { dynamo, sqsClient } from '../core/clients.js';
import { config } from '../core/config.js';
import { keys, ttlAfterDays } from '../core/keys.js';
import { sendJsonMessages } from '../core/queue-send.js';
import { type ReadShard, type RowKey, readMerged } from '../core/sharded-list.js';
import { INDEX } from '../core/table.js';
import { redrive } from '../dispatch/redrive.js';
import { sqsChannelQueues } from '../dispatch/redrive-sqs.js';
import { agencyDeliveryStates } from '../dispatch/store.js';
import { queueMessageOf } from '../dossiers/messages.js';
import { findAgency } from '../registry/agencies.js';
import {
  AGENCY_LOG_CURSOR,
  type AttemptRecord,
  DOSSIER_LOG_CURSOR,
  type LogKey,
  type LogRead,
  type RedeliveryPorts,
} from './deliveries.js';

/** How long a redelivery's Idempotency-Key answers with the original response. */
const IDEMPOTENCY_DAYS = 7;
const SCOPE = 'redelivery';
/** Dead letters one request looks at: a request answers within the function's timeout. */
const MAX_DEAD_LETTERS = 1000;

const keyOf = (item: Record<string, unknown>, attributes: readonly string[]): LogKey =>
  Object.fromEntries(attributes.map((a) => [a, String(item[a])]));
const rowKey = (k: LogKey): RowKey => ({ pk: k.pk!, sk: k.sk!, ipk: k.gsi2pk!, isk: k.gsi2sk! });
const fromRow = (k: RowKey): LogKey => ({ pk: k.pk, sk: k.sk, gsi2pk: k.ipk, gsi2sk: k.isk });

/** The filter expression parts for a log read (outcome or waiting, and `at` for a dossier's partition). */
function filterOf(q: LogRead, names: Record<string, string>, values: Record<string, unknown>) {
  const parts: string[] = [];
  if (q.status === 'waiting') {
    names['#outcome'] = 'outcome';
    names['#next'] = 'nextRetryAt';
    values[':delivered'] = 'delivered';
    parts.push('#outcome <> :delivered AND attribute_exists(#next)');
  } else if (q.status) {
    names['#outcome'] = 'outcome';
    values[':outcome'] = q.status;
    parts.push('#outcome = :outcome');
  }
  if ((q.dossierCode || q.petitionCode) && (q.from || q.to)) {
    names['#at'] = 'at';
    values[':from'] = q.from ?? '';
    values[':to'] = q.to ?? '~';
    parts.push('#at BETWEEN :from AND :to');
  }
  return parts.length ? { FilterExpression: parts.join(' AND ') } : {};
}

export function deliveriesStore(): RedeliveryPorts {
  const cfg = config();
  const TableName = cfg.TABLE_NAME;
  const db = dynamo();

  /**
   * The agency's log over its shards, merged newest first. Rows are read without the status filter
   * (the log filters them), so a page reads a bounded number of rows whatever the filter.
   */
  const readAgencyLog = async (q: LogRead) => {
    const prefix = keys.agencyDeliveryIndexPrefix;
    const lo = `${prefix}${q.from ?? ''}`;
    // `~` sorts after every character of an ISO instant and a ULID.
    const hi = `${prefix}${q.to ?? ''}~`;
    const read: ReadShard<AttemptRecord, LogKey> = async (partition, page) => {
      const out = await db.send(
        new QueryCommand({
          TableName,
          IndexName: INDEX.work.name,
          KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: {
            ':pk': partition,
            ':lo': lo,
            ':hi': page.atMost && page.atMost < hi ? page.atMost : hi,
          },
          ScanIndexForward: false,
          Limit: page.limit,
          ...(page.after ? { ExclusiveStartKey: page.after } : {}),
        }),
      );
      return {
        rows: (out.Items ?? []).map((item) => ({
          key: rowKey(keyOf(item, AGENCY_LOG_CURSOR)),
          value: item as unknown as AttemptRecord,
        })),
        ...(out.LastEvaluatedKey ? { lastKey: keyOf(out.LastEvaluatedKey, AGENCY_LOG_CURSOR) } : {}),
      };
    };
    const { rows, more } = await readMerged(
      read,
      keys.agencyDeliveryPartitions(q.agencyId),
      q.after && rowKey(q.after),
      q.limit,
    );
    const last = rows.at(-1);
    return {
      items: rows.map((r) => ({ key: fromRow(r.key), attempt: r.value })),
      ...(more && last ? { lastKey: fromRow(last.key) } : {}),
    };
  };
  const idempotencyKey = (agencyId: string, key: string) => keys.idempotency(SCOPE, agencyId, key);

  const channelOf = (agencyId: string) => {
    const channel = findAgency(agencyId)?.channel;
    const queueUrl = channel ? cfg.AGENCY_QUEUE_URLS[channel] : undefined;
    if (!channel || !queueUrl) throw new Error(`no queue for agency ${agencyId}`);
    return { channel, queueUrl };
  };

  return {
    now: () => new Date(),

    async readLog(q) {
      if (!q.dossierCode && !q.petitionCode) return readAgencyLog(q);
      // One dossier's (or petition's) own partition.
      const names: Record<string, string> = { '#pk': 'pk', '#sk': 'sk' };
      const values: Record<string, unknown> = q.dossierCode
        ? {
            ':pk': keys.dossierPartition(q.dossierCode),
            ':prefix': keys.deliveryAttempt(q.dossierCode, '').sk,
          }
        : {
            ':pk': keys.petitionPartition(q.petitionCode!),
            ':prefix': keys.petitionDeliveryAttempt(q.petitionCode!, '').sk,
          };
      const filter = filterOf(q, names, values);
      const out = await db.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ...filter,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: q.limit,
          ...(q.after ? { ExclusiveStartKey: q.after } : {}),
        }),
      );
      return {
        items: (out.Items ?? []).map((item) => ({
          key: keyOf(item, DOSSIER_LOG_CURSOR),
          attempt: item as unknown as AttemptRecord,
        })),
        ...(out.LastEvaluatedKey ? { lastKey: keyOf(out.LastEvaluatedKey, DOSSIER_LOG_CURSOR) } : {}),
      };
    },

    async dossierAgency(code) {
      const out = await db.send(
        new GetCommand({ TableName, Key: keys.dossier(code), ProjectionExpression: 'agencyId' }),
      );
      return out.Item?.agencyId as string | undefined;
    },

    async petitionAgency(code) {
      const out = await db.send(
        new GetCommand({ TableName, Key: keys.petition(code), ProjectionExpression: 'agencyId' }),
      );
      return out.Item?.agencyId as string | undefined;
    },

    deliveryState: (agencyId) => agencyDeliveryStates(db, TableName).get(agencyId),

    newId: () => ulid(),

    async findRequest(agencyId, key) {
      const out = await db.send(
        new GetCommand({ TableName, Key: idempotencyKey(agencyId, key), ConsistentRead: true }),
      );
      if (!out.Item) return undefined;
      const { requestHash, redeliveryId, response } = out.Item;
      return { requestHash, redeliveryId, ...(response ? { response } : {}) };
    },

    async claimRequest(agencyId, key, requestHash, redeliveryId) {
      try {
        await db.send(
          new PutCommand({
            TableName,
            Item: {
              ...idempotencyKey(agencyId, key),
              kind: 'redelivery-request',
              agencyId,
              requestHash,
              redeliveryId,
              createdAt: new Date().toISOString(),
              ttl: ttlAfterDays(IDEMPOTENCY_DAYS),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },

    async completeRequest(agencyId, key, response) {
      await db.send(
        new UpdateCommand({
          TableName,
          Key: idempotencyKey(agencyId, key),
          UpdateExpression: 'SET #response = :response',
          ExpressionAttributeNames: { '#response': 'response' },
          ExpressionAttributeValues: { ':response': response },
        }),
      );
    },

    async enqueue(agencyId, redeliveryId, messages) {
      if (messages.length === 0) return 0;
      const { channel, queueUrl } = channelOf(agencyId);
      await sendJsonMessages(
        queueUrl,
        messages.map((m) => queueMessageOf({ ...m, channel, redeliveryId })),
        channel,
      );
      return messages.length;
    },

    async redriveDeadLetters(agencyId) {
      const { channel, queueUrl } = channelOf(agencyId);
      const report = await redrive(
        {
          now: () => new Date(),
          // A short long-poll: AWS may answer an empty short poll while messages wait.
          queues: sqsChannelQueues(sqsClient(), { queueUrl, waitSeconds: cfg.STAGE === 'local' ? 0 : 1 }),
          // Never used without `resume` or `resend`: an agency cannot lift a 410 pause or mint webhook ids.
          resume: async () => false,
          dossierAgency: async () => undefined,
          newWebhookId: () => {
            throw new Error('not used');
          },
        },
        { agencyId, channel, maxMessages: MAX_DEAD_LETTERS },
      );
      return report.redriven;
    },
  };
}

/** Redrive ports over SQS (a channel's queue and its DLQ) and the dossier table. */
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { keys } from '../core/keys.js';
import { type ChannelQueues, dlqUrlOf, type RedrivePorts } from './redrive.js';
import { agencyDeliveryStates } from './store.js';

export interface ChannelQueueOptions {
  queueUrl: string;
  /**
   * Long-poll seconds per DLQ receive. In AWS a short poll samples only some servers and can come back
   * empty with messages waiting, which would end a pass early; the local emulator answers fully at once.
   */
  waitSeconds: number;
}

export function sqsChannelQueues(
  sqs: SQSClient,
  { queueUrl, waitSeconds }: ChannelQueueOptions,
): ChannelQueues {
  const dlqUrl = dlqUrlOf(queueUrl);
  const entries = (handles: readonly string[]) =>
    handles.map((ReceiptHandle, i) => ({ Id: String(i), ReceiptHandle }));
  return {
    async receiveDead(holdSeconds) {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: dlqUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: holdSeconds,
          WaitTimeSeconds: waitSeconds,
          // The local emulator returns attributes only for the legacy parameter.
          AttributeNames: ['All'],
          MessageSystemAttributeNames: ['SentTimestamp'],
        }),
      );
      return (out.Messages ?? []).map((m) => ({
        receiptHandle: m.ReceiptHandle ?? '',
        body: m.Body ?? '',
        sentAt: Number(m.Attributes?.SentTimestamp ?? 0),
      }));
    },
    async send(bodies) {
      if (bodies.length === 0) return [];
      const out = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: bodies.map((MessageBody, i) => ({ Id: String(i), MessageBody })),
        }),
      );
      return (out.Failed ?? []).map((f) => Number(f.Id));
    },
    async deleteDead(handles) {
      for (let i = 0; i < handles.length; i += 10) {
        const out = await sqs.send(
          new DeleteMessageBatchCommand({ QueueUrl: dlqUrl, Entries: entries(handles.slice(i, i + 10)) }),
        );
        // Sent but not deleted: the agency may get it twice, and the delivered marker drops the second.
        if (out.Failed?.length) throw new Error(`${out.Failed.length} redriven messages stayed in ${dlqUrl}`);
      }
    },
    async releaseDead(handles) {
      if (handles.length === 0) return;
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: dlqUrl,
          Entries: entries(handles).map((e) => ({ ...e, VisibilityTimeout: 0 })),
        }),
      );
    },
  };
}

export function redrivePorts(options: {
  sqs: SQSClient;
  db: DynamoDBDocumentClient;
  tableName: string;
  queue: ChannelQueueOptions;
}): RedrivePorts {
  const { db, tableName: TableName } = options;
  const states = agencyDeliveryStates(db, TableName);
  return {
    now: () => new Date(),
    queues: sqsChannelQueues(options.sqs, options.queue),
    resume: (agencyId, at) => states.resume(agencyId, at),
    async dossierAgency(code) {
      const out = await db.send(
        new GetCommand({ TableName, Key: keys.dossier(code), ProjectionExpression: 'agencyId' }),
      );
      return out.Item?.agencyId as string | undefined;
    },
    // The same shape as intake's webhook ids; a new one is what makes a resend a new delivery.
    newWebhookId: () => `msg_${ulid()}`,
  };
}

/** local-aws-sqs in process (receives counted as SQS counts them) and the queues CDK provisions. */
import { createServer } from 'node:http';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createRequestHandler } from 'local-aws-sqs';
import { agencyQueues, DISPATCH } from '../../functions/core/resources.js';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda.js';
import { freePort, LOOPBACK } from './net.js';

export interface SqsLocal {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

interface EmulatedRecord {
  MessageId: string;
  attributes: { ApproximateReceiveCount: string };
}
interface EmulatedQueueClass {
  createRecord(...args: unknown[]): [EmulatedRecord, ...unknown[]];
  prototype: {
    changeVisibility(handle: string, timeout: unknown): unknown;
    delete(handle: string): unknown;
  };
}

/** The message a local-aws-sqs receipt handle names (a UUID followed by JSON holding MessageId). */
function handleMessageId(handle: string): string | undefined {
  try {
    const text = Buffer.from(handle, 'base64').toString('utf8');
    return (JSON.parse(text.slice(text.indexOf('{'))) as { MessageId?: string }).MessageId;
  } catch {
    return undefined;
  }
}

const correctedQueueClasses = new WeakSet<object>();

/**
 * local-aws-sqs counts a ChangeMessageVisibility as a receive; SQS does not. The dispatcher hides
 * every failed message for its backoff, so each try counted twice: attempts ran 1, 3, 5 and a
 * failing delivery reached the DLQ after half its tries. Undo the extra count on the record.
 */
function countReceivesAsSqs(queueClass: EmulatedQueueClass) {
  if (correctedQueueClasses.has(queueClass)) return;
  correctedQueueClasses.add(queueClass);
  const records = new Map<string, EmulatedRecord>();
  const createRecord = queueClass.createRecord;
  queueClass.createRecord = (...args: unknown[]) => {
    const created = createRecord.apply(queueClass, args);
    records.set(created[0].MessageId, created[0]);
    return created;
  };
  const { changeVisibility, delete: remove } = queueClass.prototype;
  queueClass.prototype.changeVisibility = function (handle, timeout) {
    const record = records.get(handleMessageId(handle) ?? '');
    const count = record?.attributes.ApproximateReceiveCount;
    const changed = changeVisibility.call(this, handle, timeout);
    if (record && count !== undefined) record.attributes.ApproximateReceiveCount = count;
    return changed;
  };
  queueClass.prototype.delete = function (handle) {
    const deleted = remove.call(this, handle);
    records.delete(handleMessageId(handle) ?? '');
    return deleted;
  };
}

export async function startSqsLocal(options: { preferPort?: number } = {}): Promise<SqsLocal> {
  const { requestHandler, service } = createRequestHandler({
    port: 0, // set below once the server listens
    hostname: LOOPBACK,
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT,
    // Queues are recreated on every start; AWS's 60 s wait after a delete only gets in the way here.
    emulateQueueCreationLifecycle: false,
  });
  const server = createServer((req, res) => {
    for (const q of service.Queues) countReceivesAsSqs(q.constructor as unknown as EmulatedQueueClass);
    return requestHandler(req, res);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, LOOPBACK, () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(options.preferPort ? await freePort(options.preferPort) : 0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  service.PORT = port;
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface QueueInfo {
  name: string;
  url: string;
  arn: string;
}

export interface AgencyQueue extends QueueInfo {
  channel: string;
  dlq: QueueInfo;
}

export const DLQ_RETENTION_SECONDS = String(DISPATCH.dlqRetentionDays * 24 * 3600);

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = attrs.Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${url} has no ARN`);
  return arn;
}

export async function ensureQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string> = {},
): Promise<QueueInfo> {
  const created = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const url = created.QueueUrl;
  if (!url) throw new Error(`queue ${name} was not created`);
  return { name, url, arn: await queueArn(sqs, url) };
}

/** Each agency channel's queue with its DLQ, redriven after DISPATCH.maxReceiveCount receives. */
export async function ensureAgencyQueues(sqs: SQSClient, prefix: string): Promise<AgencyQueue[]> {
  const out: AgencyQueue[] = [];
  for (const q of agencyQueues(prefix)) {
    const dlq = await ensureQueue(sqs, q.dlqName, { MessageRetentionPeriod: DLQ_RETENTION_SECONDS });
    const main = await ensureQueue(sqs, q.name, {
      VisibilityTimeout: String(DISPATCH.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: dlq.arn,
        maxReceiveCount: DISPATCH.maxReceiveCount,
      }),
    });
    out.push({ channel: q.channel, ...main, dlq });
  }
  return out;
}

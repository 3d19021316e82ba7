/**
 * The operator tools as an operator runs them against the local portal (`npm run stats:rebuild`,
 * `payments:reconcile`, `outbox:replay`): each CLI is spawned on this portal's data folder, with and
 * without --dry-run, and its effect is read back from the portal's table, queues and agency simulator.
 */
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/core/keys.js';
import { monthOf } from '../../functions/stats/counters.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { bhytForm, licenceForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { operatorCli } from '../support/operator-cli.js';
import { createPayment, pressOnGatewayPage } from '../support/payments.js';
import { portalClient } from '../support/portal-api.js';
import { portalDynamo } from '../support/portal-clients.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;
let db: DynamoDBDocumentClient;
let token: string;

beforeAll(async () => {
  portal = await startTestPortal({ reconcileIntervalMs: 0 });
  db = portalDynamo(portal.env);
  token = await portal.token({ sub: 'citizen-operator-tools' });
}, 90_000);

afterAll(async () => {
  await portal?.stop();
  db?.destroy();
});

const client = portalClient(() => portal.url);
const TableName = () => portal.env.TABLE_NAME;
let seq = 0;

async function submitBhyt(): Promise<{ code: string; agencyId: string }> {
  const res = await client.api('POST', '/v1/dossiers', {
    token,
    key: `operator-tools-${++seq}-0000`,
    body: { procedureCode: '1.002758', form: bhytForm, attachments: [] },
  });
  expect(res.status).toBe(201);
  return res.body.dossiers[0];
}

const get = async (key: { pk: string; sk: string }) =>
  (await db.send(new GetCommand({ TableName: TableName(), Key: key }))).Item;

const delivered = (code: string) =>
  portal.simulator.deliveries.some(
    (d) => (d.payload as { dossierCode?: string } | undefined)?.dossierCode === code,
  );

async function depth(queueUrl: string): Promise<number> {
  const out = await portal.stores.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const a = out.Attributes ?? {};
  return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
}

describe('npm run stats:rebuild', () => {
  it('compares in a dry run and stores nothing; stores the rebuilt counters otherwise', async () => {
    const { code, agencyId } = await submitBhyt();
    await until('the submission to be counted live', async () =>
      (await get(keys.statsMarker(code, 'received'))) ? true : undefined,
    );
    const month = monthOf(new Date().toISOString());

    const dry = await operatorCli(portal, 'bin/stats-rebuild.ts', ['--agency', agencyId, '--dry-run']);
    expect(dry.code, dry.err).toBe(0);
    expect(JSON.parse(dry.out)).toMatchObject({ agencies: 1, dossiers: 1, differences: [], dryRun: true });
    expect(await get(keys.agencyStatsRebuilt(agencyId, month))).toBeUndefined();

    const run = await operatorCli(portal, 'bin/stats-rebuild.ts', ['--agency', agencyId]);
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ agencies: 1, dossiers: 1, differences: [], dryRun: false });
    expect(await get(keys.agencyStatsRebuilt(agencyId, month))).toMatchObject({
      kind: 'stats-rebuilt',
      agencyId,
      month,
      received: 1,
    });
  }, 60_000);
});

describe('npm run payments:reconcile', () => {
  it('lists a payment whose notice was lost in a dry run, and settles it otherwise', async () => {
    const res = await client.api('POST', '/v1/dossiers', {
      token,
      key: `operator-tools-pay-${++seq}-0000`,
      body: {
        procedureCode: '1.002804',
        form: licenceForm,
        attachments: [
          {
            documentType: 'current_licence',
            uploadId: await client.upload(token, { bytes: '%PDF licence ops' }),
          },
          {
            documentType: 'health_certificate',
            uploadId: await client.upload(token, { bytes: '%PDF health ops' }),
          },
        ],
      },
    });
    expect(res.status).toBe(201);
    const code = res.body.dossiers[0].code as string;
    const payment = (await createPayment(portal.url, token, code, 'operator-tools-pay-0001')).body;
    // The citizen pays at the gateway, and the gateway's notice to the portal is lost.
    portal.payments.dropIpn = true;
    try {
      await pressOnGatewayPage(payment.redirectUrl, 'approve');
    } finally {
      portal.payments.dropIpn = false;
    }
    const status = async () =>
      (await client.api('GET', `/v1/payments/${payment.paymentId}`, { token })).body.status;
    expect(await status()).toBe('pending');

    const dry = await operatorCli(portal, 'bin/payments-reconcile.ts', ['--all', '--dry-run']);
    expect(dry.code, dry.err).toBe(0);
    expect(JSON.parse(dry.out)).toMatchObject({ olderThanSeconds: 0, dryRun: true });
    expect(JSON.parse(dry.out).pending).toContain(payment.paymentId);
    expect(await status()).toBe('pending');

    const run = await operatorCli(portal, 'bin/payments-reconcile.ts', ['--all']);
    expect(run.code, run.err).toBe(0);
    const report = JSON.parse(run.out);
    expect(report).toMatchObject({ errors: [], dryRun: false });
    expect(report.settled.credited).toBeGreaterThanOrEqual(1);
    expect(await status()).toBe('succeeded');
    await until('the paid dossier reaches its agency', async () => (delivered(code) ? true : undefined));
  }, 60_000);
});

describe('npm run outbox:replay', () => {
  /** A dead letter as the local stream pump writes it: AWS's failure record and the record itself. */
  const deadLetter = (fn: string, item: Record<string, unknown>) =>
    JSON.stringify({
      requestContext: {
        functionArn: `arn:aws:lambda:ap-southeast-1:000000000000:function:${fn}`,
        condition: 'RetryAttemptsExhausted',
      },
      record: {
        eventID: `replay-${++seq}`,
        eventName: 'INSERT',
        eventSource: 'aws:dynamodb',
        dynamodb: {
          NewImage: marshall(item, { removeUndefinedValues: true }),
          SequenceNumber: String(1000 + seq),
        },
      },
    });

  it('relays dead-lettered outbox items and notices again, each by its own relay; a dry run changes nothing', async () => {
    const { sqs } = portal.stores.clients;
    // Both stream consumers stop, as if each had given up on this dossier's records.
    await portal.pumps.stream.stop();
    await portal.pumps.notificationStream.stop();
    const { code } = await submitBhyt();
    const outboxItems = (
      await db.send(
        new ScanCommand({
          TableName: TableName(),
          FilterExpression: 'begins_with(pk, :p)',
          ExpressionAttributeValues: { ':p': 'OUTBOX#' },
        }),
      )
    ).Items?.filter((i) => JSON.stringify(i.messages).includes(code));
    expect(outboxItems).toHaveLength(1);
    const submitted = (
      await db.send(
        new QueryCommand({
          TableName: TableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: { ':pk': keys.dossierPartition(code), ':sk': keys.timelinePrefix },
        }),
      )
    ).Items?.find((e) => e.type === 'dossier.submitted');
    expect(submitted).toBeDefined();

    const outboxDlq = portal.stores.outboxDlq.url;
    const relayDlq = portal.stores.notificationStreamDlq.url;
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: outboxDlq,
        MessageBody: deadLetter('outboxRelay', outboxItems![0]!),
      }),
    );
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: relayDlq,
        MessageBody: deadLetter('notificationRelay', submitted!),
      }),
    );
    // A notification relay failure that landed in the outbox DLQ is relayed as a notice, not to an agency.
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: outboxDlq,
        MessageBody: deadLetter('notificationRelay', submitted!),
      }),
    );
    // And a failure of a function that is no stream relay is kept.
    await sqs.send(
      new SendMessageCommand({ QueueUrl: relayDlq, MessageBody: deadLetter('dispatcher', submitted!) }),
    );

    const dry = await operatorCli(portal, 'bin/outbox-replay.ts', ['--dry-run']);
    expect(dry.code, dry.err).toBe(1);
    expect(JSON.parse(dry.out)).toMatchObject({
      outbox: { scanned: 2, replayed: 2, failed: 0, foreign: 0 },
      notifications: { scanned: 2, replayed: 1, failed: 0, foreign: 1 },
      dryRun: true,
    });
    expect(await depth(outboxDlq)).toBe(2);
    expect(await depth(relayDlq)).toBe(2);
    expect(delivered(code)).toBe(false);
    expect(await portal.outbox({ dossierCode: code })).toEqual([]);

    const run = await operatorCli(portal, 'bin/outbox-replay.ts');
    // The foreign dead letter stays, and says so in the exit code.
    expect(run.code, run.err).toBe(1);
    expect(JSON.parse(run.out)).toMatchObject({
      outbox: { scanned: 2, replayed: 2, expired: 0, failed: 0, foreign: 0 },
      notifications: { scanned: 2, replayed: 1, expired: 0, failed: 0, foreign: 1 },
      dryRun: false,
    });
    await until('the dossier reaches its agency', async () => (delivered(code) ? true : undefined));
    await until('the citizen is told of the submission', async () => {
      const sent = await portal.outbox({ dossierCode: code });
      return sent.length > 0 ? sent : undefined;
    });
    expect(await depth(outboxDlq)).toBe(0);
    expect(await depth(relayDlq)).toBe(1);
    const left = await sqs.send(new ReceiveMessageCommand({ QueueUrl: relayDlq, MaxNumberOfMessages: 10 }));
    expect(JSON.parse(left.Messages?.[0]?.Body ?? '{}').requestContext.functionArn).toMatch(/dispatcher$/);
  }, 90_000);
});

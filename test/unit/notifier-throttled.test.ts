/**
 * A national peak sends notices faster than the account's SMS and e-mail rates: a notice its provider
 * refuses for load waits in the queue (back later, then parked as a fresh copy) instead of ending in
 * the DLQ; any other failure is retried and dead-lettered as before.
 */
import { SESv2Client, SendEmailCommand, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import {
  InvalidParameterException,
  PublishCommand,
  SNSClient,
  ThrottledException,
} from '@aws-sdk/client-sns';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { NOTIFICATIONS } from '../../functions/core/resources.js';
import {
  type NotifierPorts,
  notifyRecord,
  type RequeuePorts,
  throttledRetry,
} from '../../functions/notifications/notifier.js';
import { awsTransport } from '../../functions/notifications/transports.js';
import type { NotificationMessage } from '../../schemas/notification.js';

const sms: NotificationMessage = {
  id: 'HNI-261207-0001:2:sms',
  audience: 'citizen',
  channel: 'sms',
  to: '+84987654321',
  dossierCode: 'HNI-261207-0001',
  topic: 'dossier.received',
  subject: 'Tiêu đề',
  text: 'Cổng DVC: Hồ sơ HNI-261207-0001 đã được tiếp nhận.',
  createdAt: '2026-12-07T03:00:00.000Z',
};

const record = (m: NotificationMessage, receiveCount: number, parked?: number) =>
  ({
    messageId: 'q1',
    receiptHandle: 'rh-1',
    body: JSON.stringify(m),
    attributes: { ApproximateReceiveCount: String(receiveCount) },
    messageAttributes: parked ? { parked: { stringValue: String(parked), dataType: 'Number' } } : {},
  }) as unknown as SQSRecord;

const sns = mockClient(SNSClient);
const ses = mockClient(SESv2Client);
afterEach(() => {
  sns.reset();
  ses.reset();
});

function harness() {
  const sent: string[] = [];
  const ports: NotifierPorts = {
    transport: awsTransport(new SNSClient({}), new SESv2Client({}), 'thongbao@dichvucong.gov.vn'),
    wasSent: async () => false,
    markSent: async (m) => void sent.push(m.id),
    now: () => new Date('2026-12-07T03:00:01.000Z'),
  };
  const requeued: { how: string; seconds: number; parked?: number }[] = [];
  const requeue: RequeuePorts = {
    later: async (_r, seconds) => void requeued.push({ how: 'later', seconds }),
    park: async (_r, seconds, parked) => void requeued.push({ how: 'park', seconds, parked }),
  };
  return { ports, requeue, requeued, sent };
}

const throttled = () => new ThrottledException({ message: 'Rate exceeded', $metadata: {} });

describe('a notice refused for load', () => {
  it('comes back later while receives remain, and the batch reports it failed', async () => {
    sns.on(PublishCommand).rejects(throttled());
    const h = harness();
    await expect(notifyRecord(record(sms, 1), h.ports, h.requeue)).rejects.toThrow('Rate exceeded');
    expect(h.requeued).toHaveLength(1);
    expect(h.requeued[0]).toMatchObject({ how: 'later' });
    expect(h.requeued[0]!.seconds).toBeGreaterThanOrEqual(1);
    expect(h.requeued[0]!.seconds).toBeLessThanOrEqual(NOTIFICATIONS.throttledBaseSeconds);
    expect(h.sent).toEqual([]);
  });

  it('is parked as a fresh copy on its last receive instead of going to the DLQ', async () => {
    ses.on(SendEmailCommand).rejects(new TooManyRequestsException({ message: 'Slow down', $metadata: {} }));
    const h = harness();
    const email = { ...sms, id: 'HNI-261207-0001:2:email', channel: 'email' as const, to: 'binh@example.vn' };
    await notifyRecord(record(email, NOTIFICATIONS.maxReceiveCount, 2), h.ports, h.requeue);
    expect(h.requeued).toEqual([expect.objectContaining({ how: 'park', parked: 3 })]);
  });

  it('goes to the DLQ once it has been parked as often as allowed', async () => {
    sns.on(PublishCommand).rejects(throttled());
    const h = harness();
    await expect(
      notifyRecord(record(sms, NOTIFICATIONS.maxReceiveCount, NOTIFICATIONS.maxParks), h.ports, h.requeue),
    ).rejects.toThrow('Rate exceeded');
    expect(h.requeued).toEqual([]);
  });

  it('is sent when the provider takes it again', async () => {
    sns.on(PublishCommand).rejectsOnce(throttled()).resolves({ MessageId: 'm1' });
    const h = harness();
    await expect(notifyRecord(record(sms, 1), h.ports, h.requeue)).rejects.toThrow();
    await notifyRecord(record(sms, 2), h.ports, h.requeue);
    expect(h.sent).toEqual([sms.id]);
  });
});

describe('any other failure', () => {
  it('is retried as before, without a delay of its own', async () => {
    sns
      .on(PublishCommand)
      .rejects(new InvalidParameterException({ message: 'Invalid phone', $metadata: {} }));
    const h = harness();
    await expect(
      notifyRecord(record(sms, NOTIFICATIONS.maxReceiveCount), h.ports, h.requeue),
    ).rejects.toThrow('Invalid phone');
    expect(h.requeued).toEqual([]);
  });
});

describe('the wait of a notice refused for load', () => {
  it('grows with each receive and park, up to SQS longest delay, and ends after the last park', () => {
    const top = () => 0.999;
    // Parked one receive before the last: the receive count SQS reports is approximate.
    const waits = [1, 2, 3, 4].map((n) => throttledRetry(n, 0, top));
    expect(waits.map((w) => w.action)).toEqual(['later', 'later', 'later', 'park']);
    const seconds = waits.map((w) => (w as { seconds: number }).seconds);
    expect(seconds).toEqual([...seconds].sort((a, b) => a - b));
    expect(throttledRetry(NOTIFICATIONS.maxReceiveCount, 3, top)).toEqual({
      action: 'park',
      seconds: NOTIFICATIONS.throttledCapSeconds - 1,
    });
    expect(throttledRetry(NOTIFICATIONS.maxReceiveCount, NOTIFICATIONS.maxParks)).toEqual({ action: 'fail' });
  });
});

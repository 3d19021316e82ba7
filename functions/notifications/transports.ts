/**
 * How notifications leave Cổng, chosen by NOTIFY_TRANSPORT so the same notifier runs everywhere:
 * `aws` sends text messages through SNS and e-mail through SES; `local-file` appends to the local
 * cloud's outbox that `GET /dev/outbox` shows. Notices on an agency's channel are structured log records
 * in both (their signed delivery is a separate integration); what must reach an agency's people, such as
 * its deliveries pausing, is sent as e-mail to its operations contact (AGENCY_OPS_EMAILS).
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { NotificationMessage } from '../../schemas/notification.js';
import { config } from '../core/config.js';
import { logger } from '../core/logger.js';
import { traced } from '../core/tracing.js';
import type { SentNotification } from './outbox-file.js';

export interface NotificationTransport {
  send(message: NotificationMessage): Promise<void>;
}

function logAgencyNotice(m: NotificationMessage) {
  logger.warn('agency notified', { agencyId: m.to, dossierCode: m.dossierCode, topic: m.topic, id: m.id });
}

export function awsTransport(sns: SNSClient, ses: SESv2Client, from: string): NotificationTransport {
  return {
    async send(m) {
      switch (m.channel) {
        case 'sms':
          await sns.send(
            new PublishCommand({
              PhoneNumber: m.to,
              Message: m.text,
              // Transactional: delivered ahead of promotional traffic, and never subject to opt-out lists for marketing.
              MessageAttributes: {
                'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
              },
            }),
          );
          return;
        case 'email':
          await ses.send(
            new SendEmailCommand({
              FromEmailAddress: from,
              Destination: { ToAddresses: [m.to] },
              Content: {
                Simple: {
                  Subject: { Data: m.subject ?? `[Cổng DVC] Hồ sơ ${m.dossierCode}`, Charset: 'UTF-8' },
                  Body: { Text: { Data: m.text, Charset: 'UTF-8' } },
                },
              },
            }),
          );
          return;
        case 'agency':
          logAgencyNotice(m);
          return;
      }
    },
  };
}

/** The local outbox: one JSON line per notification sent. */
export function fileTransport(file: string, now: () => Date = () => new Date()): NotificationTransport {
  let ready: Promise<unknown> | undefined;
  return {
    async send(m) {
      ready ??= mkdir(dirname(file), { recursive: true });
      await ready;
      if (m.channel === 'agency') logAgencyNotice(m);
      const line: SentNotification = { ...m, sentAt: now().toISOString() };
      await appendFile(file, `${JSON.stringify(line)}\n`, 'utf8');
    },
  };
}

let transport: NotificationTransport | undefined;

/** The local cloud's seam: the transport the notifier uses from now on (undefined: from config again). */
export function useTransport(t: NotificationTransport | undefined): void {
  transport = t;
}

export function transportFromConfig(): NotificationTransport {
  if (transport) return transport;
  const c = config();
  if (c.NOTIFY_TRANSPORT === 'local-file') {
    if (!c.NOTIFY_OUTBOX_FILE) throw new Error('NOTIFY_TRANSPORT=local-file needs NOTIFY_OUTBOX_FILE');
    transport = fileTransport(c.NOTIFY_OUTBOX_FILE);
  } else {
    transport = awsTransport(traced(new SNSClient({})), traced(new SESv2Client({})), c.NOTIFY_EMAIL_FROM);
  }
  return transport;
}

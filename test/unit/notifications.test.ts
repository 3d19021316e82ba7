import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, vi } from 'vitest';
import type { DossierRecord } from '../../functions/core/dossier.js';
import { logger } from '../../functions/core/logger.js';
import { type NoticeEvent, renderCitizenNotice, showTime } from '../../functions/notices/templates.js';
import { deliverNotification, type NotifierPorts } from '../../functions/notifications/notifier.js';
import { citizenNotifications, notifyTimelineEvent } from '../../functions/notifications/notify.js';
import {
  citizenContacts,
  maskEmail,
  maskPhone,
  normalizePhone,
} from '../../functions/notifications/recipients.js';
import { isDossierImage, isTimelineInsert } from '../../functions/notifications/stream-filter.js';
import { awsTransport } from '../../functions/notifications/transports.js';
import { planOf } from '../../functions/steps/plan.js';
import type { NotificationMessage } from '../../schemas/notification.js';

const dossier: DossierRecord = {
  code: 'HNI-STP-260305-0042',
  submissionId: '01JNQ7Z6X5V4T3S2R1Q0P9N8M7',
  procedureCode: '1.002758',
  procedureVersion: 1,
  procedureName: 'Cấp lại thẻ BHYT do bị mất, hỏng',
  agencyId: 'bhxh',
  agencyName: 'Bảo hiểm xã hội Việt Nam',
  ownerSub: 'citizen-1',
  status: 'received',
  version: 2,
  lastSeq: 2,
  lastHash: 'h',
  submittedAt: '2026-03-05T02:00:00.000Z',
  updatedAt: '2026-03-05T03:00:00.000Z',
  dueAt: '2026-03-12T10:00:00.000Z',
  form: { fullName: 'Trần Thị Bình', phone: '0987 654 321', email: 'Binh.Tran@Example.vn' },
  attachments: [],
};

const event = (type: string, extra: Partial<NoticeEvent> = {}): NoticeEvent & { seq: number } => ({
  seq: 2,
  type,
  status: 'received',
  at: '2026-03-05T03:00:00.000Z',
  ...extra,
});

describe('notification templates', () => {
  it('shows instants in Vietnam time', () => {
    expect(showTime('2026-03-12T10:00:00.000Z')).toBe('17:00 ngày 12/03/2026');
  });

  it('announces receipt with the appointment date', () => {
    const n = renderCitizenNotice(
      event('dossier.received', { details: { appointmentAt: '2026-03-11T09:30:00.000Z' } }),
      dossier,
    );
    expect(n.sms).toContain('HNI-STP-260305-0042');
    expect(n.sms).toContain('đã tiếp nhận');
    expect(n.sms).toContain('16:30 ngày 11/03/2026');
    expect(n.subject).toBe('[Cổng DVC] Hồ sơ HNI-STP-260305-0042 đã được tiếp nhận');
    expect(n.email).toContain('Mã hồ sơ: HNI-STP-260305-0042');
    expect(n.email).toContain('Cấp lại thẻ BHYT');
  });

  it('lists missing documents and the supplement deadline', () => {
    const n = renderCitizenNotice(
      event('dossier.supplement_requested', {
        status: 'supplement_requested',
        details: {
          missingDocuments: ['Bản sao CCCD', 'Giấy xác nhận mất thẻ'],
          supplementDueAt: '2026-03-20T10:00:00.000Z',
        },
      }),
      dossier,
    );
    expect(n.sms).toContain('Bản sao CCCD; Giấy xác nhận mất thẻ');
    expect(n.sms).toContain('trước 17:00 ngày 20/03/2026');
    expect(n.sms).toContain('bổ sung');
  });

  it('gives the reason and new date of an extension, and the reason of a refusal', () => {
    const ext = renderCitizenNotice(
      event('dossier.extended', {
        dueAt: '2026-03-19T10:00:00.000Z',
        details: { reason: 'Cần xác minh thêm' },
      }),
      dossier,
    );
    expect(ext.sms).toContain('Lý do: Cần xác minh thêm');
    expect(ext.sms).toContain('Ngày hẹn mới: 17:00 ngày 19/03/2026');
    const rej = renderCitizenNotice(
      event('dossier.rejected', { status: 'rejected', details: { reason: 'Không thuộc thẩm quyền' } }),
      dossier,
    );
    expect(rej.sms).toContain('từ chối');
    expect(rej.sms).toContain('Không thuộc thẩm quyền');
  });

  it('says how to get a result, and that a fee was paid', () => {
    const result = renderCitizenNotice(event('dossier.result_issued', { status: 'result_issued' }), dossier);
    expect(result.sms).toContain('Đã có kết quả');
    expect(result.sms).toContain('Tải bản điện tử');
    const paid = renderCitizenNotice(event('payment.succeeded', { status: 'submitted' }), {
      ...dossier,
      payment: { amount: 135000, status: 'succeeded' },
    });
    expect(paid.sms).toContain('135.000 đồng');
    const unpaid = renderCitizenNotice(event('dossier.submitted', { status: 'submitted' }), {
      ...dossier,
      payment: { amount: 135000, status: 'unpaid' },
    });
    expect(unpaid.sms).toContain('Vui lòng nộp phí 135.000 đồng');
    // Until the fee is paid the agency has received nothing, and the message does not say otherwise.
    expect(unpaid.sms).toContain(`sẽ được gửi tới ${dossier.agencyName} khi phí được nộp`);
    expect(unpaid.sms).not.toContain('đã được gửi tới');
  });

  it('gives the tracking key with the receipt, and says tracking needs it', () => {
    const receipt = renderCitizenNotice(event('dossier.submitted', { status: 'submitted' }), {
      ...dossier,
      trackingKey: '7KQ2M9XD4TAB',
    });
    expect(receipt.sms).toContain('Mã tra cứu: 7KQ2M9XD4TAB');
    expect(receipt.email).toContain('mã tra cứu');
  });

  it('never stays silent on a step without its own template', () => {
    const n = renderCitizenNotice(event('dossier.something_new', { status: 'in_progress' }), dossier);
    expect(n.sms).toContain('HNI-STP-260305-0042');
    expect(n.sms).toContain('đang xử lý');
    expect(n.sms).toBe(n.sms.normalize('NFC'));
  });
});

describe('recipients', () => {
  it('normalises Vietnamese numbers to E.164 and refuses the rest', () => {
    expect(normalizePhone('0912345678')).toBe('+84912345678');
    expect(normalizePhone('+84 912-345-678')).toBe('+84912345678');
    expect(normalizePhone('84912345678')).toBe('+84912345678');
    expect(normalizePhone('12345')).toBeUndefined();
    expect(normalizePhone('0012345678')).toBeUndefined();
    // Only mobile numbers receive SMS: a landline or an old 11-digit number is no recipient.
    expect(normalizePhone('0243123456')).toBeUndefined();
    expect(normalizePhone('02438251234')).toBeUndefined();
    expect(normalizePhone('+84 24 3825 1234')).toBeUndefined();
    expect(normalizePhone('01234567890')).toBeUndefined();
    for (const mobile of ['0356789012', '0567890123', '0701234567', '0812345678', '0987654321'])
      expect(normalizePhone(mobile)).toBe(`+84${mobile.slice(1)}`);
  });

  it('reads phone and e-mail from the form, ignoring invalid ones', () => {
    expect(citizenContacts(dossier.form)).toEqual({ phone: '+84987654321', email: 'binh.tran@example.vn' });
    expect(citizenContacts({ phone: 'gọi tôi', email: 'không có' })).toEqual({});
  });

  it('masks phone numbers and e-mail addresses', () => {
    expect(maskPhone('+84987654321')).toBe('+84*****4321');
    expect(maskEmail('binh.tran@example.vn')).toBe('b***@example.vn');
  });

  it("names a step by its name in the dossier's plan, not by the id the agency sent", () => {
    const step = planOf(dossier).steps[1]!;
    const sms = (type: string, id: string) =>
      citizenNotifications(event(type, { details: { step: id } }), dossier, '2026-03-05T03:00:01.000Z').find(
        (m) => m.channel === 'sms',
      )!.text;
    expect(sms('dossier.in_progress', step.id)).toContain(`(bước: ${step.name})`);
    expect(sms('dossier.in_progress', step.id)).not.toContain(step.id);
    expect(sms('dossier.step_started', step.id)).toContain(`chuyển sang bước ${step.name}`);
    // An agency's own wording, not an id of the plan, is shown as sent.
    expect(sms('dossier.in_progress', 'Thẩm định hồ sơ')).toContain('(bước: Thẩm định hồ sơ)');
  });

  it('builds one message per channel with stable ids', () => {
    const messages = citizenNotifications(event('dossier.received'), dossier, '2026-03-05T03:00:01.000Z');
    expect(messages.map((m) => [m.id, m.channel, m.to])).toEqual([
      ['HNI-STP-260305-0042:2:sms', 'sms', '+84987654321'],
      ['HNI-STP-260305-0042:2:email', 'email', 'binh.tran@example.vn'],
    ]);
  });

  it('enqueues nothing when the form holds no contact', async () => {
    const enqueue = vi.fn(async () => {});
    const sent = await notifyTimelineEvent(
      { loadDossier: async () => ({ ...dossier, form: {} }), enqueue, now: () => new Date() },
      dossier.code,
      event('dossier.received'),
    );
    expect(sent).toBe(0);
    expect(enqueue).not.toHaveBeenCalled();
  });
});

describe('stream filter', () => {
  const rec = (eventName: 'INSERT' | 'MODIFY', image: Record<string, { S: string }>) => ({
    eventName,
    dynamodb: { NewImage: image },
  });
  it('takes new timeline events and dossier images only', () => {
    const ev = { pk: { S: 'DOSSIER#X' }, sk: { S: 'EVENT#00001' }, kind: { S: 'event' } };
    const item = { pk: { S: 'DOSSIER#X' }, sk: { S: 'DOSSIER' }, kind: { S: 'dossier' } };
    expect(isTimelineInsert(rec('INSERT', ev))).toBe(true);
    expect(isTimelineInsert(rec('MODIFY', ev))).toBe(false);
    expect(isDossierImage(rec('MODIFY', item))).toBe(true);
    expect(isDossierImage(rec('INSERT', { ...item, sk: { S: 'DELIVERY#1' } }))).toBe(false);
    expect(isTimelineInsert(rec('INSERT', { ...ev, pk: { S: 'OUTBOX#1' } }))).toBe(false);
  });
});

describe('notifier', () => {
  const sms: NotificationMessage = {
    id: 'C:2:sms',
    audience: 'citizen',
    channel: 'sms',
    to: '+84987654321',
    dossierCode: 'C',
    topic: 'dossier.received',
    subject: 'Tiêu đề',
    text: 'Cổng DVC: Hồ sơ C đã được tiếp nhận.',
    createdAt: '2026-03-05T03:00:00.000Z',
  };
  const email: NotificationMessage = { ...sms, id: 'C:2:email', channel: 'email', to: 'binh@example.vn' };

  it('sends text messages through SNS and e-mail through SES', async () => {
    const sns = mockClient(SNSClient);
    const ses = mockClient(SESv2Client);
    sns.on(PublishCommand).resolves({ MessageId: 'm1' });
    ses.on(SendEmailCommand).resolves({ MessageId: 'e1' });
    const transport = awsTransport(new SNSClient({}), new SESv2Client({}), 'thongbao@dichvucong.gov.vn');
    await transport.send(sms);
    await transport.send(email);
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toMatchObject({
      PhoneNumber: '+84987654321',
      Message: sms.text,
      MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
    });
    expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input).toMatchObject({
      FromEmailAddress: 'thongbao@dichvucong.gov.vn',
      Destination: { ToAddresses: ['binh@example.vn'] },
      Content: {
        Simple: { Subject: { Data: 'Tiêu đề', Charset: 'UTF-8' }, Body: { Text: { Data: sms.text } } },
      },
    });
    sns.restore();
    ses.restore();
  });

  const fakePorts = (send: (m: NotificationMessage) => Promise<void>) => {
    const sent = new Set<string>();
    const ports: NotifierPorts = {
      transport: { send },
      wasSent: async (id) => sent.has(id),
      markSent: async (m) => {
        sent.add(m.id);
      },
      now: () => new Date('2026-03-05T03:00:00.000Z'),
    };
    return ports;
  };

  it('sends a redelivered message once and logs the recipient masked', async () => {
    const send = vi.fn(async () => {});
    const info = vi.spyOn(logger, 'info');
    const ports = fakePorts(send);
    expect(await deliverNotification(ports, sms)).toBe('sent');
    expect(await deliverNotification(ports, sms)).toBe('duplicate');
    expect(send).toHaveBeenCalledTimes(1);
    const logged = JSON.stringify(info.mock.calls);
    expect(logged).not.toContain('+84987654321');
    expect(logged).toContain('+84*****4321');
    info.mockRestore();
  });

  it('marks nothing sent when the channel fails, so the message is retried', async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).rejects(new Error('Throttled'));
    const ports = fakePorts((m) =>
      awsTransport(new SNSClient({}), new SESv2Client({}), 'x@dichvucong.gov.vn').send(m),
    );
    await expect(deliverNotification(ports, sms)).rejects.toThrow('Throttled');
    expect(await ports.wasSent(sms.id)).toBe(false);
    sns.restore();
  });
});

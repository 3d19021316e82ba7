import * as z from 'zod';

/** Who a notification is for: the dossier's owner, or an agency (SLA breaches). */
export const notificationAudience = z.enum(['citizen', 'agency']);
/** How it travels: a text message, an e-mail, or an agency's notice record. */
export const notificationChannel = z.enum(['sms', 'email', 'agency']);

/** One notification as it waits on the notifications queue. */
export const notificationMessage = z.object({
  /** Stable per notification, so a redelivered message is recognised and not sent twice. */
  id: z.string().min(1).max(300),
  audience: notificationAudience,
  channel: notificationChannel,
  /** E.164 phone number, e-mail address or agency id. */
  to: z.string().min(1),
  dossierCode: z.string(),
  /** The timeline event type or SLA breach (`sla.ack`, `sla.due`) it announces. */
  topic: z.string(),
  subject: z.string().optional(),
  text: z.string().min(1),
  createdAt: z.string(),
});
export type NotificationMessage = z.infer<typeof notificationMessage>;

export const devOutboxQuery = z
  .object({
    dossierCode: z.string().min(1).max(64).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

/** Local mode only: notifications the local transport sent, newest first. */
export const devOutboxList = z.object({
  items: z.array(notificationMessage.extend({ sentAt: z.string() })),
});

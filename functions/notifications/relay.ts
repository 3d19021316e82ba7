/**
 * The notification relay, the second and last consumer of the table stream beside the outbox relay
 * (AWS advises at most two readers per shard). New timeline events become citizen notifications on the
 * notifications queue; new images of dossier items keep the SLA deadline index; and the same records,
 * with new ratings (and petition events), feed the published statistics (functions/stats/relay.ts).
 *
 * Why statistics ride here rather than on a queue of their own: both halves read the same records, and
 * both are idempotent per record (notification ids are deterministic and the notifier skips ids already
 * sent; every counter change is guarded by a marker), so a retried record repeats nothing visible. The
 * outbox relay, which carries dossiers to agencies, keeps its mapping to itself. Failure isolation
 * inside the record: both halves always run (one failing never skips the other), and the record is
 * reported as failed when either failed, so only it is retried (batch bisection, bounded retries, then
 * the stream DLQ). A queue hop would cost a queue, a DLQ and a fourth Lambda to shield notifications
 * from a few retries of a counter write.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { DossierRecord } from '../core/dossier.js';
import { loadDossier } from '../core/dossier-store.js';
import { withCorrelation } from '../core/logger.js';
import { NOTIFICATIONS, STATS, SUPPORT } from '../core/resources.js';
import { readProfile } from '../me/profile.js';
import { profileStore } from '../me/store.js';
import { enqueueNotifications } from '../notices/queue.js';
import type { NoticeEvent } from '../notices/templates.js';
import type { PetitionEvent } from '../petitions/model.js';
import { loadPetition } from '../petitions/read.js';
import { loadProfileKeys } from '../pii/profile-keys.js';
import { open } from '../pii/protect.js';
import { withOpenForm } from '../pii/sealed-form.js';
import { findAgency } from '../registry/agencies.js';
import { syncSlaIndex } from '../sla/sla.js';
import { slaIndexStore } from '../sla/store.js';
import { countStatsRecord } from '../stats/relay.js';
import { isStatsRecord } from '../stats/stream-filter.js';
import type { TicketEvent } from '../support/model.js';
import { callerPhoneContext } from '../support/ports.js';
import { loadTicket } from '../support/read.js';
import { type BatchDossierReader, batchDossierReader, seqOf } from './batch-dossiers.js';
import { type CitizenNoticePorts, notifyTimelineEvent } from './notify.js';
import { notifyPetitionEvent, type PetitionNoticePorts, profileContacts } from './petition-notice.js';
import {
  isDossierImage,
  isNotificationRecord,
  isPetitionNotice,
  isSupportNotice,
  isTimelineInsert,
} from './stream-filter.js';
import { notifySupportEvent, type SupportNoticePorts } from './support-notice.js';

const processor = new BatchProcessor(EventType.DynamoDBStreams);

const image = (r: DynamoDBRecord) => r.dynamodb?.NewImage;

let slaPorts: ReturnType<typeof slaIndexStore> | undefined;
let petitionPorts: PetitionNoticePorts | undefined;
let supportPorts: SupportNoticePorts | undefined;

async function notify(record: DynamoDBRecord, dossiers: BatchDossierReader): Promise<void> {
  if (isTimelineInsert(record)) {
    const item = unmarshall(image(record) as Record<string, AttributeValue>);
    const noticePorts: CitizenNoticePorts = {
      // The citizen's phone is sealed in the form: opened here, it travels only in encrypted messages.
      loadDossier: async (c) => {
        const d = await dossiers(c, seqOf(record));
        return d && withOpenForm(d, loadProfileKeys);
      },
      enqueue: enqueueNotifications,
      now: () => new Date(),
    };
    const code = String(item.pk).slice(NOTIFICATIONS.dossierPkPrefix.length);
    await notifyTimelineEvent(noticePorts, code, item as NoticeEvent & { seq: number });
    return;
  }
  if (isPetitionNotice(record)) {
    const item = unmarshall(image(record) as Record<string, AttributeValue>);
    petitionPorts ??= {
      loadPetition,
      // The petitioner's saved profile holds their contact; the phone is opened only to be queued.
      contactsOf: async (sub) => {
        const profile = await readProfile(profileStore(), sub, true);
        return profile && profileContacts(profile);
      },
      agencyName: (id) => findAgency(id)?.name ?? id,
      enqueue: enqueueNotifications,
      now: () => new Date(),
    };
    const code = String(item.pk).slice(STATS.petitionPkPrefix.length);
    await notifyPetitionEvent(petitionPorts, code, item as PetitionEvent);
    return;
  }
  if (isSupportNotice(record)) {
    const item = unmarshall(image(record) as Record<string, AttributeValue>);
    supportPorts ??= {
      loadTicket,
      contactsOf: async (sub) => {
        const profile = await readProfile(profileStore(), sub, true);
        return profile && profileContacts(profile);
      },
      callerPhoneOf: async (t) =>
        t.callerPhoneSealed
          ? open((await loadProfileKeys()).encryption, t.callerPhoneSealed, callerPhoneContext(t.code))
          : undefined,
      agencyName: (id) => findAgency(id)?.name ?? id,
      enqueue: enqueueNotifications,
      now: () => new Date(),
    };
    const code = String(item.pk).slice(SUPPORT.pkPrefix.length);
    await notifySupportEvent(supportPorts, code, item as TicketEvent);
    return;
  }
  if (isDossierImage(record)) {
    slaPorts ??= slaIndexStore();
    await syncSlaIndex(
      slaPorts,
      unmarshall(image(record) as Record<string, AttributeValue>) as DossierRecord,
    );
  }
}

/** Both consumers of one record, each whether or not the other fails; failed if either failed. */
export async function relayRecord(
  record: DynamoDBRecord,
  consumers: {
    notify: (r: DynamoDBRecord) => Promise<void>;
    count: (r: DynamoDBRecord) => Promise<void>;
  },
): Promise<void> {
  const outcomes = await Promise.allSettled([
    isNotificationRecord(record) ? consumers.notify(record) : undefined,
    isStatsRecord(record) ? consumers.count(record) : undefined,
  ]);
  const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, 'notifications and statistics both failed');
}

export const handler = withCorrelation(async (event: DynamoDBStreamEvent) => {
  // Notices and statistics of the batch's dossier events share the dossiers' images and reads.
  const dossiers = batchDossierReader(event.Records, loadDossier);
  const consumers = {
    notify: (r: DynamoDBRecord) => notify(r, dossiers),
    count: (r: DynamoDBRecord) => countStatsRecord(r, dossiers),
  };
  return processPartialResponse(event, (r: DynamoDBRecord) => relayRecord(r, consumers), processor, {
    throwOnFullBatchFailure: false,
  });
});

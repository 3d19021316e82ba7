/**
 * The notification relay, a second consumer of the table stream beside the outbox relay (so a
 * notification problem never holds up dispatch to agencies). New timeline events become citizen
 * notifications on the notifications queue; new images of dossier items keep the SLA deadline index.
 * A failed record is reported as failed and retried (bounded, then the stream DLQ).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { DossierRecord } from '../core/dossier.js';
import { loadDossier } from '../core/dossier-store.js';
import { NOTIFICATIONS } from '../core/resources.js';
import { withOpenForm } from '../intake/sealed-form.js';
import { loadProfileKeys } from '../me/store.js';
import { syncSlaIndex } from '../sla/sla.js';
import { slaIndexStore } from '../sla/store.js';
import { type CitizenNoticePorts, notifyTimelineEvent } from './notify.js';
import { enqueueNotifications } from './queue.js';
import { isDossierImage, isTimelineInsert } from './stream-filter.js';
import type { NoticeEvent } from './templates.js';

const processor = new BatchProcessor(EventType.DynamoDBStreams);

const image = (r: DynamoDBRecord) => r.dynamodb?.NewImage;

let noticePorts: CitizenNoticePorts | undefined;
let slaPorts: ReturnType<typeof slaIndexStore> | undefined;

async function relay(record: DynamoDBRecord): Promise<void> {
  if (isTimelineInsert(record)) {
    const item = unmarshall(image(record) as Record<string, AttributeValue>);
    noticePorts ??= {
      // The citizen's phone is sealed in the form: opened here, it travels only in encrypted messages.
      loadDossier: async (c) => {
        const d = await loadDossier(c);
        return d && withOpenForm(d, loadProfileKeys);
      },
      enqueue: enqueueNotifications,
      now: () => new Date(),
    };
    const code = String(item.pk).slice(NOTIFICATIONS.dossierPkPrefix.length);
    await notifyTimelineEvent(noticePorts, code, item as NoticeEvent & { seq: number });
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

export const handler = async (event: DynamoDBStreamEvent) =>
  processPartialResponse(event, relay, processor, { throwOnFullBatchFailure: false });

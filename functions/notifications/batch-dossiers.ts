/**
 * The dossiers a stream batch speaks of, read once. A step's transaction writes the dossier item and its
 * timeline event in one partition, so the stream hands the relay both, in order, and usually in the same
 * batch: the event's notice and its statistics take the dossier from that new image instead of reading
 * the table again. An image older than the event (the batch was cut between them) is not used; a dossier
 * without a usable image is read once for the whole batch, shared by every record that needs it — a read
 * made after the batch was cut is at least as new as every event in it.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { DossierRecord } from '../core/dossier.js';
import { parseDossier } from '../core/items.js';
import { NOTIFICATIONS } from '../core/resources.js';
import { isDossierImage } from './stream-filter.js';

/** A dossier as of timeline event `seq` or later (without `seq`: any state the batch knows). */
export type BatchDossierReader = (code: string, seq?: number) => Promise<DossierRecord | undefined>;

/** The newest image of each dossier among the records; a malformed image is left to the table read. */
function newestImages(records: readonly DynamoDBRecord[]): Map<string, DossierRecord> {
  const images = new Map<string, DossierRecord>();
  for (const r of records) {
    if (!isDossierImage(r)) continue;
    const item = unmarshall(r.dynamodb!.NewImage as Record<string, AttributeValue>);
    let dossier: DossierRecord;
    try {
      dossier = parseDossier(item);
    } catch {
      continue;
    }
    const code = String(item.pk).slice(NOTIFICATIONS.dossierPkPrefix.length);
    const known = images.get(code);
    if (!known || dossier.version > known.version) images.set(code, dossier);
  }
  return images;
}

export function batchDossierReader(
  records: readonly DynamoDBRecord[],
  read: (code: string) => Promise<DossierRecord | undefined>,
): BatchDossierReader {
  const images = newestImages(records);
  const reads = new Map<string, Promise<DossierRecord | undefined>>();
  return (code, seq) => {
    const image = images.get(code);
    if (image && (seq === undefined || image.lastSeq >= seq)) return Promise.resolve(image);
    let pending = reads.get(code);
    if (!pending) {
      pending = read(code);
      reads.set(code, pending);
      // A failed read is not remembered: the next record (or the retry) reads again.
      pending.catch(() => reads.delete(code));
    }
    return pending;
  };
}

/** The timeline seq a stream record's new image carries, if it is a timeline event. */
export function seqOf(record: DynamoDBRecord): number | undefined {
  const n = record.dynamodb?.NewImage?.seq?.N;
  return n === undefined ? undefined : Number(n);
}

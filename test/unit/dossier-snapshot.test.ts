/**
 * A dossier read while an agency's change commits: the record and its timeline come from two requests,
 * so the view must not show a status whose event it lacks, nor call an intact chain broken.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { loadDossierWithTimeline } from '../../functions/core/dossier-store.js';
import { GENESIS_HASH, sealEvent, verifyTimeline } from '../../functions/core/timeline.js';
import { mockedDocumentClient } from '../support/mocked-dynamo.js';

const ddb = mockedDocumentClient();
const code = 'STP-261206-0001';

const submitted = sealEvent({
  seq: 1,
  at: '2026-12-06T01:00:00.000Z',
  type: 'dossier.submitted',
  status: 'submitted',
  actor: 'citizen',
  prevHash: GENESIS_HASH,
});
const received = sealEvent({
  seq: 2,
  at: '2026-12-06T01:05:00.000Z',
  type: 'dossier.received',
  status: 'received',
  actor: 'agency',
  prevHash: submitted.hash,
});
const item = (e: object, sk: string) => ({ pk: `DOSSIER#${code}`, sk, ...e });
/** The dossier record, saying which event its timeline ends with. */
const head = (lastHash: string) => ({
  ...item({ code, status: 'received', lastSeq: 2, lastHash }, 'DOSSIER'),
});

describe('a dossier read while a change commits', () => {
  it('reads the timeline again until it ends where the record says', async () => {
    ddb.on(GetCommand).resolves({ Item: head(received.hash) });
    // The first query ran before the transaction committed; the second sees its event.
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [item(submitted, 'EVENT#00001')] })
      .resolves({ Items: [item(submitted, 'EVENT#00001'), item(received, 'EVENT#00002')] });

    const { dossier, timeline } = await loadDossierWithTimeline(code);
    expect(dossier?.status).toBe('received');
    expect(timeline.map((e) => e.type)).toEqual(['dossier.submitted', 'dossier.received']);
    expect(verifyTimeline(dossier!, timeline).intact).toBe(true);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(2);
  });

  it('reads once when the two already agree, and gives up after three reads of a broken chain', async () => {
    ddb.on(GetCommand).resolves({ Item: head(received.hash) });
    ddb.on(QueryCommand).resolves({ Items: [item(submitted, 'EVENT#00001'), item(received, 'EVENT#00002')] });
    await loadDossierWithTimeline(code);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);

    ddb.reset();
    ddb.on(GetCommand).resolves({ Item: head('f'.repeat(64)) });
    ddb.on(QueryCommand).resolves({ Items: [item(submitted, 'EVENT#00001')] });
    const broken = await loadDossierWithTimeline(code);
    expect(verifyTimeline(broken.dossier!, broken.timeline).intact).toBe(false);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(3);
  });
});

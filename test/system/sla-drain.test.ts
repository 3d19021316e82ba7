/**
 * The SLA watcher after a peak, small: dossiers handed to an agency that never acknowledges them, the
 * watcher run as of a month later. Every lapsed deadline is handled by the runs one schedule starts
 * (every part at once), each shard is read once, and each entry costs a bounded number of calls (the
 * bench, `npm run bench`, prices the same runs at national size).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLA } from '../../functions/core/resources.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { slaDrain } from '../bench/sla-drain.js';
import { startTestPortal } from '../support/local-portal.js';

let portal: LocalPortal;

beforeAll(async () => {
  portal = await startTestPortal({ reconcileIntervalMs: 0, slaIntervalMs: 0, escalationIntervalMs: 0 });
}, 60_000);

afterAll(async () => {
  await portal?.stop();
});

describe('the SLA watcher after many deadlines lapsed together', () => {
  it('handles every lapsed acknowledgement and due date in the runs one schedule starts, a few calls each', async () => {
    const { report, calls } = await slaDrain(portal, 12);
    expect(report).toMatchObject({
      checked: 24,
      notified: { ack: 12, due: 12, step: 0, remind: 0 },
      unfinished: 0,
      errors: [],
    });
    // Each shard of each kind is read once, and the personal-data requests once.
    expect(calls['DynamoDB.Query']).toBe(4 * SLA.shards + 1);
    // Per entry: the dossier, the breach flag, the notice, the index entry taken out; a due date is also
    // counted in the agency's "overdue now".
    expect(calls).toMatchObject({
      'DynamoDB.GetItem': 24,
      'DynamoDB.PutItem': 24,
      'SQS.SendMessageBatch': 24,
      'DynamoDB.UpdateItem': 24,
      'DynamoDB.TransactWriteItems': 12,
    });
    // Nothing is left for the next run.
    const again = await portal.watchSla(new Date(Date.now() + 31 * 86_400_000));
    expect(again).toMatchObject({ checked: 0, unfinished: 0 });
  }, 120_000);
});

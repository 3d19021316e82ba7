/**
 * The calls a dossier costs, counted through the functions' own SDK clients (test/bench/dossier-life.ts),
 * so the hand-over from submission to delivery cannot quietly grow: a count, not a timing.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamo } from '../../functions/core/clients.js';
import { keys } from '../../functions/core/keys.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { handOverCalls, handOverOneScan, lifeCounter, submissionToDelivery } from '../bench/dossier-life.js';
import { startTestPortal } from '../support/local-portal.js';

/**
 * Measured (npm run bench): the address's abuse-limit counter, the scan's ranged read (which also says
 * whose upload it is and its file name) and copy (the copy answers its SHA-256, in AWS and locally alike),
 * the commit (which also counts the account); the relay's send; the dispatcher's one read and one write.
 * Plus, when a scan is uploaded afresh, one query of the filer's valid results, so the published figures
 * can count data asked twice.
 */
const HAND_OVER_CALLS = 8;

let portal: LocalPortal;

beforeAll(async () => {
  portal = await startTestPortal({ reconcileIntervalMs: 0, slaIntervalMs: 0, escalationIntervalMs: 0 });
  // Warm: the agency's block of dossier numbers is reserved and every handler is loaded.
  await handOverOneScan(portal, 0);
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

describe('the calls of a dossier from submission to delivery', () => {
  it('counts each call once, by step, function and operation, and stays within the measured figure', async () => {
    const life = await handOverOneScan(portal, 1);
    const calls = handOverCalls(life);
    expect(calls).toMatchObject({
      'submit · intake · DynamoDB.UpdateItem': 1,
      'submit · intake · S3.CopyObject': 1,
      // The ranged read that checks the scan; the copy's digest needs no second read.
      'submit · intake · S3.GetObject': 1,
      'submit · intake · DynamoDB.TransactWriteItems': 1,
      'submit · intake · DynamoDB.Query': 1,
      'delivered · outboxRelay · SQS.SendMessageBatch': 1,
      'delivered · dispatcher · DynamoDB.BatchGetItem': 1,
      'delivered · dispatcher · DynamoDB.BatchWriteItem': 1,
    });
    // The idempotency record and the upload's record are not read before the commit, nor the draft
    // deleted apart from it.
    expect(calls['submit · intake · DynamoDB.DeleteItem']).toBeUndefined();
    expect(calls['submit · intake · DynamoDB.GetItem']).toBeUndefined();
    expect(calls['submit · intake · DynamoDB.BatchGetItem']).toBeUndefined();
    expect(submissionToDelivery(life)).toBe(Object.values(calls).reduce((a, b) => a + b, 0));
    expect(submissionToDelivery(life)).toBeLessThanOrEqual(HAND_OVER_CALLS);
  });

  it('counts a function’s calls, and none made outside a function', async () => {
    const { code } = await handOverOneScan(portal, 2);
    const counter = lifeCounter();
    try {
      counter.start('received');
      // The test's own call through the same shared client is no function's: not counted.
      await dynamo().send(new GetCommand({ TableName: portal.env.TABLE_NAME, Key: keys.dossier(code) }));
      expect(counter.detail.size).toBe(0);
      const token = await portal.token({ sub: 'hand-over-citizen-2' });
      const res = await fetch(`${portal.url}/v1/dossiers/${code}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      await counter.quiet(300);
      const seen = [...counter.detail.keys()];
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((w) => w.startsWith('received · tracking · '))).toBe(true);
      expect(counter.tallies.get('received')!.httpRequests).toBe(1);
    } finally {
      counter.stop();
    }
  });
});

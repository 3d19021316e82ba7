/** The tamper-evident timeline, checked against the real table: an edited or dropped event is detected. */
import { DeleteCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/core/keys.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { portalDynamo } from '../support/portal-clients.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;
let db: DynamoDBDocumentClient;
let token: string;

beforeAll(async () => {
  portal = await startTestPortal();
  const { env } = portal;
  db = portalDynamo(env);
  token = await portal.token({ sub: 'citizen-verify' });
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

const get = async (path: string, bearer = token) => {
  const res = await fetch(`${portal.url}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

async function submitAndWait(key: string) {
  const res = await fetch(`${portal.url}/v1/dossiers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ procedureCode: '1.002758', form: bhytForm, attachments: [] }),
  });
  const code = ((await res.json()) as { dossiers: { code: string }[] }).dossiers[0]!.code;
  await until('the agency to take the dossier up', async () =>
    (await get(`/v1/dossiers/${code}`)).body.status === 'in_progress' ? true : undefined,
  );
  return code;
}

describe('GET /v1/dossiers/{code}/timeline/verify', () => {
  it('reports an intact chain of every event', async () => {
    const code = await submitAndWait('verify-key-0001');
    expect((await get(`/v1/dossiers/${code}/timeline/verify`)).body).toEqual({ intact: true, events: 3 });
  });

  it('detects an edited event', async () => {
    const code = await submitAndWait('verify-key-0002');
    await db.send(
      new UpdateCommand({
        TableName: portal.env.TABLE_NAME,
        Key: keys.timelineEvent(code, 2),
        UpdateExpression: 'SET #at = :at',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':at': '2020-01-01T00:00:00.000Z' },
      }),
    );
    expect((await get(`/v1/dossiers/${code}/timeline/verify`)).body).toEqual({ intact: false, events: 3 });
  });

  it('detects a dropped newest event', async () => {
    const code = await submitAndWait('verify-key-0003');
    await db.send(new DeleteCommand({ TableName: portal.env.TABLE_NAME, Key: keys.timelineEvent(code, 3) }));
    expect((await get(`/v1/dossiers/${code}/timeline/verify`)).body).toEqual({ intact: false, events: 2 });
  });

  it("answers someone else's dossier with 404", async () => {
    const code = await submitAndWait('verify-key-0004');
    const other = await portal.token({ sub: 'someone-else' });
    expect((await get(`/v1/dossiers/${code}/timeline/verify`, other)).status).toBe(404);
  });
});

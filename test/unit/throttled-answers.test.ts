/**
 * Overload: when DynamoDB refuses a request for load after the SDK's own retries, the citizen's
 * submission is answered 503 SERVICE_BUSY with Retry-After, in the project's error shape — never a 500 —
 * and nothing of the dossier was written, because the whole dossier is one transaction.
 */
import { randomBytes } from 'node:crypto';
import {
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isThrottled } from '../../functions/core/dynamo-errors.js';
import { ERRORS } from '../../functions/core/errors.js';
import { handler } from '../../functions/intake/handler.js';
import { call } from '../support/api-event.js';
import { bhytForm } from '../support/forms.js';
import { startTestIssuer, type TestIssuer, testEnv } from '../support/tokens.js';

const ddb = mockClient(DynamoDBDocumentClient);
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
  testEnv(issuer, { PROFILE_DATA_KEY: randomBytes(32).toString('base64') });
});
afterAll(() => issuer.close());
beforeEach(() => {
  ddb.reset();
  // No earlier answer under the key, no profile; the abuse limit and the code block are granted.
  ddb.on(GetCommand).resolves({});
  ddb.on(UpdateCommand).resolves({ Attributes: { last: 50 } });
});

const throttled = (name: string) =>
  Object.assign(new Error(`${name} (after retries)`), { name, $metadata: {} });
const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

async function submit(sub: string) {
  return call(handler, {
    routeKey: 'POST /v1/dossiers',
    headers: {
      authorization: `Bearer ${await issuer.token(sub)}`,
      'idempotency-key': `busy-${sub}`,
    },
    body: { procedureCode: '1.002758', form: bhytForm, attachments: [] },
  });
}

describe('a submission refused for load', () => {
  it.each([
    [
      'a partition over its limit',
      () => new ProvisionedThroughputExceededException({ message: 'x', $metadata: {} }),
    ],
    ['the account over its limit', () => throttled('ThrottlingException')],
    ['too many requests', () => throttled('RequestLimitExceeded')],
    ['a transaction cancelled by throttling', () => cancelled(['None', 'None', 'ThrottlingError', 'None'])],
  ])('is 503 SERVICE_BUSY with Retry-After when the commit meets %s', async (_what, error) => {
    ddb.on(TransactWriteCommand).rejects(error());
    const res = await submit('busy-citizen');
    expect(res.status).toBe(503);
    expect(Number(res.headers['Retry-After'])).toBeGreaterThan(0);
    expect(res.body).toEqual({
      error: { code: 'SERVICE_BUSY', message: ERRORS.SERVICE_BUSY.en, messageVi: ERRORS.SERVICE_BUSY.vi },
    });
    // The dossier, its first event, its submission, its Idempotency-Key answer and its dispatch were
    // all in the one refused transaction; nothing of them was written on its own.
    const commits = ddb.commandCalls(TransactWriteCommand);
    expect(commits).toHaveLength(1);
    const written = commits[0]!.args[0].input.TransactItems!.map((t) => String(t.Put?.Item?.pk ?? ''));
    expect(written.some((pk) => pk.startsWith('DOSSIER#'))).toBe(true);
    expect(written.some((pk) => pk.startsWith('IDEMPOTENCY#'))).toBe(true);
    expect(written.some((pk) => pk.startsWith('OUTBOX#'))).toBe(true);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    const updated = ddb.commandCalls(UpdateCommand).map((c) => String(c.args[0].input.Key?.pk));
    expect(updated.every((pk) => pk.startsWith('RATE#') || pk.startsWith('SEQ#'))).toBe(true);
  });

  it('is still a 500 when the table fails for another reason', async () => {
    ddb.on(TransactWriteCommand).rejects(throttled('InternalServerError'));
    const res = await submit('unlucky-citizen');
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('INTERNAL');
  });

  it('is 503 also when a call before the commit is throttled', async () => {
    // The abuse-limit counter and the dossier-number block are updated before the commit.
    ddb
      .on(UpdateCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'x', $metadata: {} }));
    const res = await submit('early-citizen');
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('SERVICE_BUSY');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('what counts as throttled', () => {
  it('names load, not a failed condition, a conflict or a validation error', () => {
    expect(isThrottled(cancelled(['None', 'ProvisionedThroughputExceeded']))).toBe(true);
    expect(isThrottled(cancelled(['ConditionalCheckFailed', 'None']))).toBe(false);
    expect(isThrottled(cancelled(['TransactionConflict']))).toBe(false);
    expect(isThrottled(throttled('ValidationException'))).toBe(false);
    expect(isThrottled('ThrottlingException')).toBe(false);
  });
});

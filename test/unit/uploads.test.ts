/** Asking for an upload URL survives the SDK retrying a write whose answer was lost. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUpload } from '../../functions/documents/uploads.js';
import { mockedDocumentClient } from '../support/mocked-dynamo.js';

const ddb = mockedDocumentClient();
// Presigning is local arithmetic; it only needs some credentials to sign with.
beforeAll(() => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' });
});
const input = { fileName: 'giay-khai-sinh.pdf', contentType: 'application/pdf', size: 52_000 } as const;
const now = new Date('2026-12-06T03:00:00Z');

/** The write already landed under `owner` (or someone else): the retry meets that item. */
function retryMeetsStoredItem(owner: string) {
  ddb.on(PutCommand).callsFake((command: { Item: Record<string, unknown> }) => {
    throw new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: { httpStatusCode: 400 },
      Item: marshall({ ...command.Item, ownerSub: owner }),
    });
  });
}

describe('creating an upload', () => {
  it('records the upload once and returns the presigned form', async () => {
    ddb.on(PutCommand).resolves({});
    const upload = await createUpload('citizen-a', input, now);
    expect(upload.fields.key).toContain(upload.uploadId);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.ConditionExpression).toBe(
      'attribute_not_exists(pk)',
    );
  });

  it('succeeds when a retried write finds the record it wrote itself', async () => {
    retryMeetsStoredItem('citizen-a');
    const upload = await createUpload('citizen-a', input, now);
    expect(upload.uploadId).toMatch(/^[0-9A-Z]{26}$/);
  });

  it('still fails when the id belongs to another owner', async () => {
    retryMeetsStoredItem('citizen-b');
    await expect(createUpload('citizen-a', input, now)).rejects.toBeInstanceOf(
      ConditionalCheckFailedException,
    );
  });
});

/** Asking for an upload URL survives the SDK retrying a write whose answer was lost. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createUpload,
  decodeFileName,
  encodeFileName,
  FILE_NAME_METADATA,
  ownerFolder,
} from '../../functions/documents/uploads.js';
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

  it('pins the file name in the object’s metadata and the key under the owner’s folder', async () => {
    ddb.on(PutCommand).resolves({});
    const name = 'Giấy khám sức khỏe – bản chụp.pdf';
    const upload = await createUpload('citizen-a', { ...input, fileName: name }, now);
    const field = `x-amz-meta-${FILE_NAME_METADATA}`;
    expect(decodeFileName(upload.fields[field])).toBe(name);
    expect(upload.fields.key).toContain(ownerFolder('citizen-a'));
    // The policy holds the same value, so storage refuses an upload that names the file otherwise.
    const policy = JSON.parse(Buffer.from(upload.fields.Policy!, 'base64').toString('utf8'));
    expect(policy.conditions).toContainEqual(['eq', `$${field}`, encodeFileName(name)]);
    expect(upload.fields['x-amz-meta-declared-size']).toBe('52000');
    expect(policy.conditions).toContainEqual(['eq', '$x-amz-meta-declared-size', '52000']);
  });
});

describe('the file name an object carries', () => {
  it('reads back what was written, and nothing from a malformed or unsafe value', () => {
    expect(decodeFileName(encodeFileName('Đơn đề nghị.pdf'))).toBe('Đơn đề nghị.pdf');
    expect(decodeFileName(undefined)).toBeUndefined();
    expect(decodeFileName('not base64url!')).toBeUndefined();
    // A value that decodes to a path or an over-long name is no file name.
    expect(decodeFileName(encodeFileName('../../etc/passwd'))).toBeUndefined();
    expect(decodeFileName(encodeFileName('a'.repeat(201)))).toBeUndefined();
  });
});

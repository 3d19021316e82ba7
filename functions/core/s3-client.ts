/**
 * The S3 client, built once per process, in a module of its own: a function that touches S3 only now
 * and then (the agency callbacks, for an electronic result) loads it with that first use, and never
 * compiles it otherwise. Endpoints come from the SDK's AWS_ENDPOINT_URL_S3, as for ./clients.ts.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { config } from './config.js';
import { traced } from './tracing.js';

let s3: S3Client | undefined;

export function s3Client(): S3Client {
  s3 ??= traced(new S3Client({ forcePathStyle: config().S3_FORCE_PATH_STYLE }));
  return s3;
}

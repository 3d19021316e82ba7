/** s3rver in process: the uploads bucket with the CORS rules the citizen page needs. */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import S3rver from 's3rver';
import { freePort, LOOPBACK } from './net.js';

/** Browsers post scans straight to the bucket (presigned POST) from the portal's page. */
const UPLOADS_CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <ExposeHeader>Location</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

/** What the checksum step needs of s3rver's request context (Koa, untyped here). */
interface CopyContext {
  method: string;
  get(header: string): string;
  params?: { bucket?: string; key?: string };
  body?: { CopyObjectResult?: Record<string, string> };
  store: {
    getObject(bucket: string, key: string): Promise<{ content?: AsyncIterable<Uint8Array> } | null>;
  };
}

/**
 * Amazon S3 answers a copy made with a checksum algorithm with the copy's checksum (CopyObjectResult's
 * ChecksumSHA256); s3rver keeps none. This step gives the local copy the same answer, computed from the
 * stored bytes, so functions make the calls against the local cloud that they make in AWS.
 */
async function copyChecksum(ctx: CopyContext, next: () => Promise<void>) {
  await next();
  const result = ctx.body?.CopyObjectResult;
  const { bucket, key } = ctx.params ?? {};
  if (ctx.method !== 'PUT' || !result || !bucket || !key) return;
  if (ctx.get('x-amz-checksum-algorithm').toUpperCase() !== 'SHA256') return;
  const object = await ctx.store.getObject(bucket, key);
  if (!object?.content) return;
  const hash = createHash('sha256');
  for await (const chunk of object.content) hash.update(chunk);
  result.ChecksumSHA256 = hash.digest('base64');
}

export interface S3Local {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startS3Local(options: {
  directory: string;
  buckets: string[];
  preferPort?: number;
}): Promise<S3Local> {
  await mkdir(options.directory, { recursive: true });
  const port = await freePort(options.preferPort);
  const s3 = new S3rver({
    address: LOOPBACK,
    port,
    silent: true,
    directory: options.directory,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [UPLOADS_CORS] })),
  });
  // Just before the router, so its answer is still an object the XML step has yet to encode.
  const stack = (s3 as unknown as { middleware: unknown[] }).middleware;
  stack.splice(stack.length - 1, 0, copyChecksum);
  const address = await s3.run();
  return {
    endpoint: `http://${LOOPBACK}:${address.port}`,
    port: address.port,
    stop: async () => {
      const closing = s3.close();
      s3.httpServer?.closeAllConnections();
      await closing;
    },
  };
}

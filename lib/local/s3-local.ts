/** s3rver in process: the uploads bucket with the CORS rules the citizen page needs. */
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

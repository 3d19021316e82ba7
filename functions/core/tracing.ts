/**
 * X-Ray tracing of every AWS SDK client (Powertools Tracer), so a slow dossier submission shows which
 * table, queue or bucket call took the time. Only inside a real Lambda runtime with active tracing:
 * the local cloud and the tests use the clients as they are.
 */

import { Tracer } from '@aws-lambda-powertools/tracer';
import { setting } from './config.js';

let tracer: Tracer | undefined;

const inLambda = () => (setting('AWS_EXECUTION_ENV') ?? '').startsWith('AWS_Lambda_');

/** The client, instrumented when running in Lambda; the same object otherwise. */
export function traced<T>(client: T): T {
  if (!inLambda()) return client;
  tracer ??= new Tracer({ serviceName: setting('POWERTOOLS_SERVICE_NAME') });
  return tracer.captureAWSv3Client(client);
}

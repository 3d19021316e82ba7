/**
 * X-Ray tracing of every AWS SDK client (Powertools Tracer), so a slow dossier submission shows which
 * table, queue or bucket call took the time. Only inside a real Lambda runtime with tracing on
 * (Powertools' own POWERTOOLS_TRACE_ENABLED=false turns it off): the local cloud and the tests use the
 * clients as they are.
 */

import type { Tracer } from '@aws-lambda-powertools/tracer';
import { setting } from './config.js';

const inLambda = (setting('AWS_EXECUTION_ENV') ?? '').startsWith('AWS_Lambda_');
const enabled = inLambda && process.env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() !== 'false';

/**
 * Loaded only where it traces: the Tracer brings the X-Ray SDK with it, whose loading is a large part of a
 * cold start that nothing else needs.
 */
const powertools = enabled ? await import('@aws-lambda-powertools/tracer') : undefined;

let tracer: Tracer | undefined;

/** The client, instrumented when tracing in Lambda; the same object otherwise. */
export function traced<T>(client: T): T {
  if (!powertools) return client;
  tracer ??= new powertools.Tracer({ serviceName: setting('POWERTOOLS_SERVICE_NAME') });
  return tracer.captureAWSv3Client(client);
}

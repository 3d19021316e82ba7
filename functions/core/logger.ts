/**
 * One structured JSON logger for every function (Powertools). Log fields are chosen by the code that
 * logs them: bodies, forms, tokens, citizen ID and phone numbers are never logged.
 */

import { createHash } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { setting } from './config.js';

export const logger = new Logger({ serviceName: setting('POWERTOOLS_SERVICE_NAME') });

/** A short, stable, non-reversible reference for a person in logs (never the raw subject or ID). */
export function personRef(sub: string): string {
  return createHash('sha256').update(`cong:${sub}`).digest('hex').slice(0, 16);
}

/**
 * Every log line of an invocation carries its correlation id: the API's request id (the `x-request-id`
 * a citizen quotes to support) for HTTP calls, the Lambda request id for queue, stream and scheduled
 * work, with the function's name and cold start from the Lambda context.
 */
export function correlate(correlationId: string | undefined, context?: Context): void {
  if (context?.awsRequestId) logger.addContext(context);
  logger.setCorrelationId(correlationId ?? context?.awsRequestId);
}

/** A background handler (queue, stream, schedule) whose log lines carry the invocation's request id. */
export function withCorrelation<E, R>(handler: (event: E) => Promise<R>) {
  return (event: E, context?: Context): Promise<R> => {
    correlate(undefined, context);
    return handler(event);
  };
}

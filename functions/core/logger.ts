/**
 * One structured JSON logger for every function (Powertools). Log fields are chosen by the code that
 * logs them: bodies, forms, tokens, citizen ID and phone numbers are never logged.
 */
import { createHash } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cong' });

/** A short, stable, non-reversible reference for a person in logs (never the raw subject or ID). */
export function personRef(sub: string): string {
  return createHash('sha256').update(`cong:${sub}`).digest('hex').slice(0, 16);
}

/**
 * AWS faults injected into the handlers' own SDK clients: a middleware inside the SDK's retry loop that
 * throws the errors the services really throw (throttling, 500, client timeouts, transaction
 * conflicts), so the SDK's retries and the portal's idempotency and conditional writes are what
 * recovers. A timeout is thrown before the request is sent half the time and after the service did the
 * work the other half: the ambiguous case a retry must not turn into a double effect.
 */
import {
  InternalServerError,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { ThrottledException } from '@aws-sdk/client-sns';
import { SQSServiceException } from '@aws-sdk/client-sqs';
import type { NotificationTransport } from '../../functions/notifications/transports.js';
import type { AwsRates, Faults } from './faults.js';

type Service = 'dynamodb' | 'sqs' | 's3';

interface MiddlewareStackLike {
  add(middleware: unknown, options: Record<string, unknown>): void;
  remove(name: string): boolean;
}

const MIDDLEWARE_NAME = 'congFaultInjection';
const metadata = (httpStatusCode: number) => ({ httpStatusCode, requestId: 'fault-injected', attempts: 1 });

function throttled(service: Service): Error {
  const message = 'Rate of requests exceeds the allowed throughput (injected fault)';
  if (service === 'dynamodb')
    return new ProvisionedThroughputExceededException({ message, $metadata: metadata(400) });
  if (service === 's3')
    return new S3ServiceException({ name: 'SlowDown', $fault: 'server', message, $metadata: metadata(503) });
  return new SQSServiceException({
    name: 'RequestThrottled',
    $fault: 'client',
    message,
    $metadata: metadata(403),
  });
}

function serverError(service: Service): Error {
  const message = 'The service had an internal error (injected fault)';
  if (service === 'dynamodb') return new InternalServerError({ message, $metadata: metadata(500) });
  if (service === 's3')
    return new S3ServiceException({
      name: 'InternalError',
      $fault: 'server',
      message,
      $metadata: metadata(500),
    });
  return new SQSServiceException({
    name: 'InternalError',
    $fault: 'server',
    message,
    $metadata: metadata(500),
  });
}

function timedOut(): Error {
  const err = new Error('Connection timed out after 3000 ms (injected fault)');
  err.name = 'TimeoutError';
  return err;
}

function transactionConflict(items: number): Error {
  const CancellationReasons = Array.from({ length: Math.max(1, items) }, (_, i) =>
    i === 0
      ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
      : { Code: 'None' },
  );
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${CancellationReasons.map((r) => r.Code).join(', ')}] (injected fault)`,
    CancellationReasons,
    $metadata: metadata(400),
  });
}

/** The rates for one operation: the service's, overridden by the operation's own. */
function ratesFor(faults: Faults, service: Service, operation: string): AwsRates {
  const { operations, ...rates } = faults.plan.aws[service];
  return { ...rates, ...operations[operation] };
}

/** Adds the fault middleware to a client's stack (idempotent); returns what removes it. */
export function injectAwsFaults(
  client: { middlewareStack: unknown },
  service: Service,
  faults: Faults,
): () => void {
  const stack = client.middlewareStack as MiddlewareStackLike;
  stack.remove(MIDDLEWARE_NAME);
  stack.add(
    (
      next: (args: { input: Record<string, unknown> }) => Promise<unknown>,
      context: { commandName?: string },
    ) =>
      async (args: { input: Record<string, unknown> }) => {
        const operation = (context.commandName ?? '').replace(/Command$/, '');
        const rates = ratesFor(faults, service, operation);
        const tag = `aws.${service}.${operation}`;
        if (faults.roll(`${tag}.throttle`, rates.throttle)) throw throttled(service);
        if (faults.roll(`${tag}.serverError`, rates.serverError)) throw serverError(service);
        if (
          operation === 'TransactWriteItems' &&
          faults.roll(`${tag}.transactionConflict`, rates.transactionConflict)
        ) {
          const items = Array.isArray(args.input.TransactItems) ? args.input.TransactItems.length : 1;
          throw transactionConflict(items);
        }
        if (faults.roll(`${tag}.timeout`, rates.timeout)) {
          // Half the timeouts happen after the service has done the work: only the answer is lost.
          if (faults.random() < 0.5) await next(args);
          throw timedOut();
        }
        return next(args);
      },
    { step: 'deserialize', name: MIDDLEWARE_NAME, priority: 'high', override: true },
  );
  return () => {
    stack.remove(MIDDLEWARE_NAME);
  };
}

/**
 * The notifier's transport with the providers' load refusals injected: a notice is refused as SNS
 * refuses a publish over the account's SMS rate (ThrottledException), at the plan's rate.
 */
export function throttlingTransport(inner: NotificationTransport, faults: Faults): NotificationTransport {
  return {
    async send(m) {
      if (faults.roll('notifications.throttle', faults.plan.notifications.throttle)) {
        throw new ThrottledException({
          message: 'Rate exceeded for sending messages (injected fault)',
          $metadata: metadata(400),
        });
      }
      await inner.send(m);
    },
  };
}

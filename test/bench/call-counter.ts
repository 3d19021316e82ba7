/**
 * Counts the AWS calls the handlers make through the functions' shared clients (they run in this
 * process), by `Service.Operation`; `only` keeps the calls of the functions it accepts (by the local
 * function name, `cong-local-<name>`). The event source mappings' own polling is not counted.
 */
import { dynamo, sqsClient } from '../../functions/core/clients.js';
import { s3Client } from '../../functions/core/s3-client.js';
import { currentFunction } from '../../lib/local/lambda.js';

interface CountingStack {
  add(
    middleware: (
      next: (args: unknown) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: unknown) => Promise<unknown>,
    options: { step: 'initialize'; name: string; override: boolean },
  ): void;
  remove(name: string): boolean;
}

/** The functions' shared SDK clients, by service: what the benches count calls through. */
export const sharedClients = () =>
  [
    ['DynamoDB', dynamo()],
    ['SQS', sqsClient()],
    ['S3', s3Client()],
  ] as const;

export function countCalls(only?: (fn: string | undefined) => boolean) {
  const calls = new Map<string, number>();
  const clients = sharedClients();
  for (const [service, client] of clients) {
    (client.middlewareStack as unknown as CountingStack).add(
      (next, context) => async (args) => {
        if (!only || only(currentFunction())) {
          const key = `${service}.${(context.commandName ?? '?').replace(/Command$/, '')}`;
          calls.set(key, (calls.get(key) ?? 0) + 1);
        }
        return next(args);
      },
      { step: 'initialize', name: 'benchCallCounter', override: true },
    );
  }
  return {
    reset: () => calls.clear(),
    total: () => [...calls.values()].reduce((a, b) => a + b, 0),
    byCall: () => Object.fromEntries([...calls].sort((a, b) => b[1] - a[1])),
    stop: () => {
      for (const [, client] of clients)
        (client.middlewareStack as unknown as CountingStack).remove('benchCallCounter');
    },
  };
}

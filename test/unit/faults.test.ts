/** The local cloud's fault plan: validated, reproducible, and AWS faults the SDK treats as the real ones. */
import {
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { injectAwsFaults } from '../../lib/local/aws-faults.js';
import { createFaults, faultsFromEnv, uniformPlan } from '../../lib/local/faults.js';

const client = () =>
  new DynamoDBClient({
    region: 'ap-southeast-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 3,
  });

describe('a fault plan', () => {
  it('is off unless CONG_FAULTS is set, and a bad plan fails fast', () => {
    expect(faultsFromEnv({})).toBeUndefined();
    expect(
      faultsFromEnv({ CONG_FAULTS: '{"agencies":{"serverError":0.2}}' })?.plan.agencies.serverError,
    ).toBe(0.2);
    expect(() => faultsFromEnv({ CONG_FAULTS: '{"agencies":{"serverError":2}}' })).toThrow(/fault plan/);
    expect(() => faultsFromEnv({ CONG_FAULTS: 'nope' })).toThrow(/not JSON/);
  });

  it('draws the same faults from the same seed, and none once stopped', () => {
    const draws = (seed: number) => {
      const f = createFaults(uniformPlan({ aws: 0.05, agencies: 0.2, seed }));
      return Array.from({ length: 200 }, () => f.roll('x', 0.2));
    };
    expect(draws(3)).toEqual(draws(3));
    expect(draws(3)).not.toEqual(draws(4));
    const f = createFaults({ seed: 1 });
    f.stop();
    expect(f.roll('x', 1)).toBe(false);
    expect(f.injected).toEqual({});
  });
});

describe('AWS faults', () => {
  it('throttles DynamoDB with the service error the SDK retries', async () => {
    const faults = createFaults({ aws: { dynamodb: { throttle: 1 } } });
    const ddb = client();
    injectAwsFaults(ddb, 'dynamodb', faults);
    const err = await ddb
      .send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect((err as ProvisionedThroughputExceededException).$metadata.attempts).toBe(3);
    expect(faults.injected['aws.dynamodb.GetItem.throttle']).toBe(3);
  });

  it('cancels a transaction with TransactionConflict, which the SDK leaves to the caller', async () => {
    const faults = createFaults({
      aws: { dynamodb: { operations: { TransactWriteItems: { transactionConflict: 1 } } } },
    });
    const ddb = client();
    injectAwsFaults(ddb, 'dynamodb', faults);
    const err = await ddb
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 't', Item: { pk: { S: 'a' } } } },
            { Put: { TableName: 't', Item: { pk: { S: 'b' } } } },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionCanceledException);
    expect((err as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual([
      'TransactionConflict',
      'None',
    ]);
    expect((err as TransactionCanceledException).$metadata.attempts).toBe(1);
    // Only the named operation: a read goes through to the (absent) service.
    expect(faults.injected['aws.dynamodb.GetItem.transactionConflict']).toBeUndefined();
  });
});

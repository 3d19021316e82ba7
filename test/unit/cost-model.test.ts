/**
 * The cost model of `npm run bench` on a life whose counts are known: each line priced from
 * test/bench/aws-prices.ts, the floor without the table, and the same floor with consumers in full batches.
 */
import { describe, expect, it } from 'vitest';
import { PRICES } from '../bench/aws-prices.js';
import { costModel, emptyTally, type LifeResult, STEPS, type StepTally } from '../bench/dossier-life.js';

function lifeOf(steps: Partial<Record<(typeof STEPS)[number], Partial<StepTally>>>): LifeResult {
  return {
    code: 'CAHN-261207-0001',
    tallies: new Map(STEPS.map((s) => [s, { ...emptyTally(), ...steps[s] }])),
    browserS3Posts: 2,
    s3Bytes: 0,
    tableBytes: 0,
    stateChanges: 8,
    detail: new Map(),
  };
}

describe('the cost model', () => {
  // Four HTTP requests and three queue consumers' invocations; one send of two messages; one copy.
  const life = lifeOf({
    // Two uploads: their requests, functions and compute.
    scans: { httpRequests: 2, invocations: 2, gbSeconds: 0.1 },
    submit: {
      httpRequests: 2,
      invocations: 5,
      writeUnits: 10,
      readUnits: 4,
      gbSeconds: 0.5,
      calls: new Map([
        ['SQS.SendMessageBatch', 1],
        ['S3.CopyObject', 1],
        ['S3.GetObject', 1],
      ]),
    },
  });
  const cost = costModel(life);
  const perMillion = (usd: number) => usd * 1e6;

  it('prices each line and the whole life', () => {
    const line = (name: string) => cost.lines.find((l) => l.line === name)!.usdPerMillion;
    expect(line('DynamoDB writes (WRU)')).toBeCloseTo(perMillion(10 * PRICES.dynamoWriteUnit), 2);
    // Two browser uploads and the copy.
    expect(line('S3 PUT/COPY/POST')).toBeCloseTo(perMillion(3 * PRICES.s3Put), 2);
    // The send, and one receive and one delete for it.
    expect(line('SQS requests (send + receive + delete)')).toBeCloseTo(perMillion(3 * PRICES.sqsRequest), 2);
    expect(cost.perMillion).toBeCloseTo(
      perMillion(
        10 * PRICES.dynamoWriteUnit +
          4 * PRICES.dynamoReadUnit +
          3 * PRICES.s3Put +
          PRICES.s3Get +
          3 * PRICES.sqsRequest +
          7 * PRICES.lambdaRequest +
          0.6 * PRICES.lambdaGbSecond +
          4 * PRICES.httpApiRequest,
      ),
      2,
    );
  });

  it('gives the floor without the table, and with every consumer in full batches of ten', () => {
    const noTable =
      3 * PRICES.s3Put +
      PRICES.s3Get +
      3 * PRICES.sqsRequest +
      7 * PRICES.lambdaRequest +
      0.6 * PRICES.lambdaGbSecond +
      4 * PRICES.httpApiRequest;
    expect(cost.withoutTablePerMillion).toBeCloseTo(perMillion(noTable), 2);
    // The receive and the delete a tenth each; of seven invocations the three consumers' a tenth.
    const batched = noTable - 1.8 * PRICES.sqsRequest - 2.7 * PRICES.lambdaRequest;
    expect(cost.batchedWithoutTablePerMillion).toBeCloseTo(perMillion(batched), 2);
    expect(cost.batchedWithoutTablePerMillion).toBeLessThan(cost.withoutTablePerMillion);
  });

  it("gives the issue's one-scan life without the table, and the least any data model writes", () => {
    // One upload fewer: its request, its function and half the scans' compute, its POST, copy and read.
    const upload =
      PRICES.httpApiRequest +
      PRICES.lambdaRequest +
      0.05 * PRICES.lambdaGbSecond +
      2 * PRICES.s3Put +
      PRICES.s3Get;
    expect(cost.oneScanWithoutTablePerMillion).toBeCloseTo(
      cost.withoutTablePerMillion - perMillion(upload),
      4,
    );
    // Eight state changes, a write unit each.
    expect(cost.leastWritesPerMillion).toBeCloseTo(perMillion(8 * PRICES.dynamoWriteUnit), 4);
  });
});

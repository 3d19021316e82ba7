/**
 * Faults the local cloud can inject, each at its own rate, so a run can show that the portal loses
 * nothing and does nothing twice when AWS, the agencies and the payment gateway misbehave. Off unless a
 * plan is given (LocalPortalOptions.faults, or CONG_FAULTS as JSON); a seeded generator makes a run
 * reproducible. `stop()` ends every fault at once (the operator's "the incident is over").
 */
import { z } from 'zod';

const rate = z.number().min(0).max(1).default(0);

/** One AWS service's failure rates; `operations` overrides them per operation (e.g. TransactWriteItems). */
const awsRates = z.object({
  /** Throttling (ProvisionedThroughputExceededException, SlowDown, RequestThrottled): the SDK retries. */
  throttle: rate,
  /** A 500 from the service: the SDK retries. */
  serverError: rate,
  /** The client gives up waiting (TimeoutError); half of these after the service did the work. */
  timeout: rate,
  /** DynamoDB only: a TransactWriteItems cancelled with TransactionConflict (never retried by the SDK). */
  transactionConflict: rate,
});
export type AwsRates = z.infer<typeof awsRates>;

const awsService = awsRates.extend({
  operations: z.record(z.string(), awsRates.partial()).default({}),
});

export const faultPlanSchema = z.object({
  seed: z.number().int().default(1),
  aws: z
    .object({
      dynamodb: awsService.prefault({}),
      sqs: awsService.prefault({}),
      s3: awsService.prefault({}),
    })
    .prefault({}),
  /** The SQS → Lambda mappings (agency queues, notifications). */
  queues: z
    .object({
      /** The function crashes after handling part of the batch: the whole batch comes back. */
      crashMidBatch: rate,
      /** The function times out after handling the batch: nothing is deleted, all of it comes back. */
      timeout: rate,
      /** A handled message is not deleted but becomes visible again at once (SQS at-least-once). */
      redeliver: rate,
      /** The same batch is handed to the function twice. */
      duplicate: rate,
      /** Visibility timeout of the mappings while a plan is set (short, so lost batches return soon). */
      visibilityTimeoutSeconds: z.number().int().min(1).max(43_200).default(20),
    })
    .prefault({}),
  /** The DynamoDB stream → Lambda mappings. */
  stream: z
    .object({
      duplicate: rate,
      late: rate,
      lateMs: z.number().int().min(0).max(60_000).default(2_000),
    })
    .prefault({}),
  /** The agencies' own systems (the agency simulator). */
  agencies: z
    .object({
      serverError: rate,
      timeout: rate,
      slow: rate,
      slowMs: z.number().int().min(0).max(60_000).default(1_500),
      gone: rate,
      tooMany: rate,
      duplicateCallback: rate,
      outOfOrderCallback: rate,
    })
    .prefault({}),
  /** The SMS and e-mail providers (SNS, SES) refusing a notice for load: the account's sending rate. */
  notifications: z.object({ throttle: rate }).prefault({}),
  /** The payment gateway's notices (IPN) to the portal. */
  payments: z
    .object({
      duplicateNotice: rate,
      delayNotice: rate,
      delayMs: z.number().int().min(0).max(60_000).default(3_000),
      loseNotice: rate,
    })
    .prefault({}),
});
export type FaultPlan = z.infer<typeof faultPlanSchema>;
export type FaultPlanInput = z.input<typeof faultPlanSchema>;

/** mulberry32: small, fast and good enough to draw fault decisions reproducibly from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface Faults {
  readonly plan: FaultPlan;
  /** True while faults are being injected. */
  readonly active: boolean;
  /** True (and counted under `name`) with probability `probability` while active. */
  roll(name: string, probability: number): boolean;
  /** A number in [0, 1) from the plan's generator. */
  random(): number;
  /** How many faults of each name were injected. */
  readonly injected: Readonly<Record<string, number>>;
  /** Ends every fault (the run's incident is over); the plan stays for reporting. */
  stop(): void;
}

export function createFaults(input: FaultPlanInput | FaultPlan): Faults {
  const plan = faultPlanSchema.parse(input);
  const random = seededRandom(plan.seed);
  const injected: Record<string, number> = {};
  let active = true;
  return {
    plan,
    get active() {
      return active;
    },
    roll(name, probability) {
      if (!active || probability <= 0) return false;
      if (random() >= probability) return false;
      injected[name] = (injected[name] ?? 0) + 1;
      return true;
    },
    random,
    injected,
    stop() {
      active = false;
    },
  };
}

/** The plan in CONG_FAULTS (JSON), validated; undefined when unset. A bad plan fails fast. */
export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): Faults | undefined {
  const raw = env.CONG_FAULTS;
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('CONG_FAULTS is not JSON');
  }
  const plan = faultPlanSchema.safeParse(parsed);
  if (!plan.success) throw new Error(`CONG_FAULTS is not a valid fault plan: ${z.prettifyError(plan.error)}`);
  return createFaults(plan.data);
}

/**
 * A plan with every AWS fault at `aws` (split evenly between throttling, 5xx and timeouts, with
 * transaction conflicts at the same rate) and every agency failure at `agencies` (split between 5xx,
 * timeouts, slow answers, 429 and 410), and the pumps and payment gateway misbehaving at `aws`.
 */
export function uniformPlan(options: { aws: number; agencies: number; seed?: number }): FaultPlanInput {
  const { aws, agencies } = options;
  const service = { throttle: aws / 3, serverError: aws / 3, timeout: aws / 3 };
  return {
    seed: options.seed ?? 1,
    aws: {
      dynamodb: { ...service, transactionConflict: aws / 3 },
      sqs: service,
      s3: service,
    },
    queues: { crashMidBatch: aws / 2, timeout: aws / 4, redeliver: aws, duplicate: aws / 2 },
    stream: { duplicate: aws, late: aws },
    agencies: {
      serverError: agencies * 0.35,
      timeout: agencies * 0.1,
      slow: agencies * 0.2,
      tooMany: agencies * 0.3,
      gone: agencies * 0.05,
      duplicateCallback: agencies / 2,
      outOfOrderCallback: agencies / 4,
    },
    payments: { duplicateNotice: aws * 2, delayNotice: aws * 2, loseNotice: aws * 2 },
  };
}

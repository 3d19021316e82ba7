/**
 * What differs between the portal's deployments. Everything stage-dependent is decided here, once,
 * from CDK context, so the stacks only read a validated settings object.
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { agencies } from '../functions/catalog/agencies.js';
import type { RateLimitClass } from '../functions/core/rate-limit.js';

export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

export interface StageSettings {
  stage: Stage;
  /** Prefix of every physical name, e.g. `cong-prod`. */
  prefix: string;
  /** Stateful resources survive a stack deletion in prod; dev is disposable. */
  removalPolicy: RemovalPolicy;
  logRetention: RetentionDays;
  logLevel: 'DEBUG' | 'INFO';
  /** Default-stage throttling of the HTTP API, requests per second. */
  throttle: { rateLimit: number; burstLimit: number };
  /** Tighter throttling of the routes with abuse limits (route table `rateLimit`), requests per second. */
  routeThrottle: Record<RateLimitClass, { rateLimit: number; burstLimit: number }>;
  pitrDays: number;
  noncurrentVersionsKeptFor: Duration;
  /** Browser origins of the citizen web page (S3 presigned POST and API CORS, OAuth callbacks). */
  webOrigins: string[];
  /** agency id → delivery endpoint (context `agencyEndpoints`). */
  agencyEndpoints: Record<string, string>;
}

/** Reads a context value that may arrive as JSON text (`-c key='{...}'`) or as a value from cdk.json. */
function contextJson(raw: unknown, key: string): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    throw new Error(`context "${key}" must be JSON, got ${raw}`);
  }
}

function parseStage(raw: unknown): Stage {
  if (typeof raw === 'string' && (STAGES as readonly string[]).includes(raw)) return raw as Stage;
  throw new Error(`context "stage" must be one of ${STAGES.join(', ')}, got ${JSON.stringify(raw)}`);
}

function parseOrigins(raw: unknown, stage: Stage): string[] {
  if (raw === undefined) {
    return stage === 'prod' ? ['https://dichvucong.gov.vn'] : ['http://localhost:3000'];
  }
  const value = contextJson(raw, 'webOrigins');
  if (!Array.isArray(value) || value.length === 0 || !value.every((o) => typeof o === 'string')) {
    throw new Error('context "webOrigins" must be a non-empty JSON array of origins');
  }
  for (const origin of value as string[]) {
    const url = new URL(origin);
    if (url.origin !== origin) throw new Error(`webOrigins: "${origin}" is not a bare origin`);
    if (stage === 'prod' && url.protocol !== 'https:')
      throw new Error(`webOrigins: "${origin}" must use https`);
  }
  return value as string[];
}

function parseEndpoints(raw: unknown, stage: Stage): Record<string, string> {
  const value = contextJson(raw ?? {}, 'agencyEndpoints');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('context "agencyEndpoints" must be a JSON object of agency id → URL');
  }
  const known = new Set(agencies.map((a) => a.id));
  const out: Record<string, string> = {};
  for (const [id, url] of Object.entries(value)) {
    if (!known.has(id)) throw new Error(`agencyEndpoints: unknown agency "${id}"`);
    if (typeof url !== 'string' || !URL.canParse(url))
      throw new Error(`agencyEndpoints: "${id}" is not a URL`);
    // Dossiers carry personal data: outside dev they travel over TLS only.
    if (stage === 'prod' && new URL(url).protocol !== 'https:') {
      throw new Error(`agencyEndpoints: "${id}" must use https`);
    }
    out[id] = url;
  }
  return out;
}

export function stageSettings(context: (key: string) => unknown): StageSettings {
  const stage = parseStage(context('stage'));
  const prod = stage === 'prod';
  return {
    stage,
    prefix: `cong-${stage}`,
    removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    logRetention: prod ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
    logLevel: prod ? 'INFO' : 'DEBUG',
    throttle: prod ? { rateLimit: 2000, burstLimit: 5000 } : { rateLimit: 50, burstLimit: 100 },
    routeThrottle: prod
      ? {
          intake: { rateLimit: 300, burstLimit: 600 },
          uploads: { rateLimit: 1000, burstLimit: 2000 },
          petitions: { rateLimit: 50, burstLimit: 100 },
        }
      : {
          intake: { rateLimit: 10, burstLimit: 20 },
          uploads: { rateLimit: 25, burstLimit: 50 },
          petitions: { rateLimit: 5, burstLimit: 10 },
        },
    pitrDays: prod ? 35 : 7,
    noncurrentVersionsKeptFor: Duration.days(prod ? 90 : 7),
    webOrigins: parseOrigins(context('webOrigins'), stage),
    agencyEndpoints: parseEndpoints(context('agencyEndpoints'), stage),
  };
}

/**
 * Physical names shared by both stacks. The API stack addresses the table and the scans bucket by
 * name, so its IAM policies (and the acknowledgements of their key-prefix wildcards) are plain
 * strings instead of export names derived from logical ids.
 */
export function physicalNames(s: StageSettings) {
  return {
    table: s.prefix,
    // Bucket names are global: account and region make them unique per deployment.
    scansBucket: `${s.prefix}-scans-${Aws.ACCOUNT_ID}-${Aws.REGION}`,
    queuePrefix: s.prefix,
    outboxDlq: `${s.prefix}-outbox-dlq`,
    agencySecretPrefix: `cong/${s.stage}/channel/`,
    paymentSecretPrefix: `cong/${s.stage}/payment/`,
    profileKeySecret: `cong/${s.stage}/profile-data-key`,
  };
}

/**
 * What differs between the portal's deployments. Everything stage-dependent is decided here, once,
 * from CDK context, so the stacks only read a validated settings object.
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { allAgencies } from '../functions/catalog/agencies.js';
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
  /** Operators who receive alarms by e-mail (context `alertEmails`). */
  alertEmails: string[];
  /** How people sign in: VNeID federation, the hosted domain, Cognito's own accounts on dev stages. */
  signIn: SignInSettings;
}

/** The national e-ID (VNeID) as an OIDC identity provider of the user pool. */
export interface VneidSettings {
  /** Context `vneidIssuerUrl`: the OIDC issuer (its discovery document names every endpoint). */
  issuerUrl: string;
  /** Context `vneidClientId`: the portal's client id registered at VNeID. */
  clientId: string;
  /** Context `vneidClientSecretName`: Secrets Manager name of the client secret (a plain string secret). */
  clientSecretName: string;
  /** Context `vneidCitizenIdClaim`: the claim carrying the citizen ID number; default `citizen_id`. */
  citizenIdClaim: string;
}

export interface SignInSettings {
  /** Absent only on dev stages, which then sign in with Cognito accounts alone. */
  vneid?: VneidSettings;
  /** Context `authDomainPrefix`: the hosted sign-in domain's prefix; default `cong-<stage>-<account>`. */
  domainPrefix: string;
  /** Cognito's own e-mail/phone accounts as a sign-in option (testers and operators on dev stages only). */
  cognitoAccounts: boolean;
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

function parseEmails(raw: unknown): string[] {
  const value = contextJson(raw ?? [], 'alertEmails');
  if (
    !Array.isArray(value) ||
    !value.every((e) => typeof e === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e))
  )
    throw new Error('context "alertEmails" must be a JSON array of e-mail addresses');
  return value as string[];
}

function parseEndpoints(raw: unknown, stage: Stage): Record<string, string> {
  const value = contextJson(raw ?? {}, 'agencyEndpoints');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('context "agencyEndpoints" must be a JSON object of agency id → URL');
  }
  const known = new Set(allAgencies().map((a) => a.id));
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

const text = (raw: unknown): string | undefined =>
  typeof raw === 'string' && raw.trim() ? raw.trim() : undefined;

function parseSignIn(get: (key: string) => unknown, stage: Stage, prefix: string): SignInSettings {
  const issuerUrl = text(get('vneidIssuerUrl'));
  const clientId = text(get('vneidClientId'));
  const clientSecretName = text(get('vneidClientSecretName'));
  const given = [issuerUrl, clientId, clientSecretName].filter(Boolean).length;
  if (given !== 0 && given !== 3) {
    throw new Error('VNeID sign-in needs all of vneidIssuerUrl, vneidClientId and vneidClientSecretName');
  }
  if (given === 0 && stage === 'prod') {
    throw new Error(
      'prod signs citizens in through VNeID: set vneidIssuerUrl, vneidClientId, vneidClientSecretName',
    );
  }
  if (issuerUrl && (!URL.canParse(issuerUrl) || new URL(issuerUrl).protocol !== 'https:')) {
    throw new Error(`context "vneidIssuerUrl" must be an https URL, got ${issuerUrl}`);
  }
  const givenPrefix = text(get('authDomainPrefix'));
  // Prefixes are unique per region across all accounts: by default the account id makes it so.
  const domainPrefix = givenPrefix ?? `${prefix}-${Aws.ACCOUNT_ID}`;
  if (
    givenPrefix !== undefined &&
    (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(givenPrefix) || /aws|amazon|cognito/.test(givenPrefix))
  ) {
    throw new Error(
      `context "authDomainPrefix": "${givenPrefix}" is not a Cognito domain prefix (a-z, 0-9, -; no aws, amazon, cognito)`,
    );
  }
  return {
    ...(issuerUrl && clientId && clientSecretName
      ? {
          vneid: {
            issuerUrl,
            clientId,
            clientSecretName,
            citizenIdClaim: text(get('vneidCitizenIdClaim')) ?? 'citizen_id',
          },
        }
      : {}),
    domainPrefix,
    cognitoAccounts: stage !== 'prod',
  };
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
          tracking: { rateLimit: 500, burstLimit: 1000 },
          redeliveries: { rateLimit: 20, burstLimit: 40 },
        }
      : {
          intake: { rateLimit: 10, burstLimit: 20 },
          uploads: { rateLimit: 25, burstLimit: 50 },
          petitions: { rateLimit: 5, burstLimit: 10 },
          tracking: { rateLimit: 10, burstLimit: 20 },
          redeliveries: { rateLimit: 5, burstLimit: 10 },
        },
    pitrDays: prod ? 35 : 7,
    noncurrentVersionsKeptFor: Duration.days(prod ? 90 : 7),
    webOrigins: parseOrigins(context('webOrigins'), stage),
    agencyEndpoints: parseEndpoints(context('agencyEndpoints'), stage),
    signIn: parseSignIn(context, stage, `cong-${stage}`),
    alertEmails: parseEmails(context('alertEmails')),
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

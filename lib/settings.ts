/**
 * What differs between the portal's deployments. Everything stage-dependent is decided here, once,
 * from CDK context, so the stacks only read a validated settings object.
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import type { RateLimitClass } from '../functions/core/rate-limit.js';
import { PAYMENTS } from '../functions/core/resources.js';
import type { functions } from '../functions/deployment.js';
import { billerSettings } from '../functions/payments/billers.js';
import { hmacRedirectSettings } from '../functions/payments/providers.js';
import { allAgencies, channels } from '../functions/registry/agencies.js';

export const STAGES = ['dev', 'staging', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

/** Where a stage runs unless context `regions` says otherwise: Singapore, the region nearest Vietnam. */
export const DEFAULT_REGION = 'ap-southeast-1';
/** CloudFront reads WAF web ACLs and viewer certificates from us-east-1 only. */
export const EDGE_REGION = 'us-east-1';

/** The AWS WAF budget of one stage, requests per client address per five minutes. */
export interface WafSettings {
  /**
   * Every route but the partner callbacks. Generous: mobile carriers and government offices put many
   * citizens behind one address (carrier-grade NAT), and a page load makes a handful of API calls.
   */
  citizenRequestsPer5Min: number;
  /** Agency systems and payment gateways call from few addresses on behalf of many dossiers. */
  partnerRequestsPer5Min: number;
  /** AWS's anonymous-IP list (VPNs, Tor, hosting providers); off by default: Vietnamese abroad use VPNs. */
  blockAnonymousIps: boolean;
  /** Days the WAF request logs are kept. */
  logRetentionDays: number;
}

/** A custom domain for the stage's edge, with its ACM certificate (which CloudFront needs in us-east-1). */
export interface DomainSettings {
  name: string;
  certificateArn: string;
}

export interface StageSettings {
  stage: Stage;
  /**
   * The AWS account the stage must deploy to (context `accounts`, stage → id). Pinned for staging and
   * prod; a dev stage may leave it open and deploy to whichever sandbox the credentials name.
   */
  account: string | undefined;
  /** The region of the stage's data and API (context `regions`, stage → region). */
  region: string;
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
  /**
   * Agency channel (or one agency's id) → the e-mail of the operations team behind its endpoint, told
   * when its deliveries pause and resume (context `agencyOpsEmails`).
   */
  agencyOpsEmails: Record<string, string>;
  /** How people sign in: VNeID federation, the hosted domain, Cognito's own accounts on dev stages. */
  signIn: SignInSettings;
  /** Context `domainName` and `certificateArn`; without them the edge answers on its cloudfront.net name. */
  domain?: DomainSettings;
  waf: WafSettings;
  /** Function name → reserved concurrency: capacity kept for citizen-facing work under load. */
  reservedConcurrency: Partial<Record<keyof typeof functions, number>>;
  /**
   * Most dispatchers one agency channel's queue may run at once (its event source's MaximumConcurrency,
   * 2 to 1,000): a channel whose agencies are slow or failing keeps at most this many, and the others
   * keep theirs.
   */
  dispatchConcurrencyPerChannel: number;
  /**
   * Most notifiers the notifications queue runs at once (its event source's MaximumConcurrency): SNS and
   * SES limit the account's sending rate, so past it more notifiers only meet more refusals, and the
   * notices wait in the queue instead (their receives are not counted while they wait).
   */
  notifierConcurrency: number;
  /**
   * How new function code reaches traffic through each function's `live` alias: `canary` sends 10% for
   * five minutes through CodeDeploy and rolls back on the function's alarms; `all-at-once` switches at
   * once. Prod is canary; context `functionDeployment` overrides (e.g. a hotfix under an incident).
   */
  functionDeployment: FunctionDeployment;
  /** The verified SES identity citizens' e-mail leaves from (context `sesIdentity`). */
  ses: SesSettings;
  /**
   * Payment providers and billers (context `paymentProviders`, `billers`), their secrets in Secrets
   * Manager; without them payment routes answer 503.
   */
  payments: PaymentSettings;
}

export interface SesSettings {
  /** An identity ARN as given; absent when a domain or address was given (the stack's own account). */
  identityArn?: string;
  /** The domain or address of the identity. */
  identity: string;
  /** The sender address. */
  from: string;
}

export interface PaymentSettings {
  providers: Partial<Record<string, z.infer<typeof hmacRedirectSettings>>>;
  billers: Partial<Record<string, z.infer<typeof billerSettings>>>;
}

export const FUNCTION_DEPLOYMENTS = ['canary', 'all-at-once'] as const;
export type FunctionDeployment = (typeof FUNCTION_DEPLOYMENTS)[number];

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

function parseOrigins(raw: unknown, stage: Stage, domain: DomainSettings | undefined): string[] {
  // The edge serves the page on the stage's own domain: Cognito must send citizens back there.
  const own = domain ? [`https://${domain.name}`] : [];
  if (raw === undefined) {
    if (own.length) return own;
    if (stage === 'prod') return ['https://dichvucong.gov.vn'];
    if (stage === 'dev') return ['http://localhost:3000'];
    throw new Error(
      `${stage} needs the page's address: set domainName and certificateArn, or webOrigins (e.g. the edge's https://….cloudfront.net)`,
    );
  }
  const value = contextJson(raw, 'webOrigins');
  if (!Array.isArray(value) || value.length === 0 || !value.every((o) => typeof o === 'string')) {
    throw new Error('context "webOrigins" must be a non-empty JSON array of origins');
  }
  for (const origin of value as string[]) {
    const url = new URL(origin);
    if (url.origin !== origin) throw new Error(`webOrigins: "${origin}" is not a bare origin`);
    if (stage !== 'dev' && url.protocol !== 'https:')
      throw new Error(`webOrigins: "${origin}" must use https`);
  }
  return [...new Set([...own, ...(value as string[])])];
}

function parseEmails(raw: unknown, stage: Stage): string[] {
  const value = contextJson(raw ?? [], 'alertEmails');
  if (
    !Array.isArray(value) ||
    !value.every((e) => typeof e === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e))
  )
    throw new Error('context "alertEmails" must be a JSON array of e-mail addresses');
  // A shared stage whose alarms reach nobody is not monitored: refuse it before it deploys.
  if (stage !== 'dev' && value.length === 0)
    throw new Error(
      `${stage} needs at least one alert target: add alertEmails to stages.${stage} in cdk.json (or -c alertEmails='["ops@example.vn"]')`,
    );
  return [...new Set(value as string[])];
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
    if (stage !== 'dev' && new URL(url).protocol !== 'https:') {
      throw new Error(`agencyEndpoints: "${id}" must use https`);
    }
    out[id] = url;
  }
  return out;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function parseOpsEmails(raw: unknown): Record<string, string> {
  const value = contextJson(raw ?? {}, 'agencyOpsEmails');
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('context "agencyOpsEmails" must be a JSON object of channel or agency id → e-mail');
  const agencies = allAgencies();
  const known = new Set([...agencies.map((a) => a.id), ...agencies.map((a) => a.channel)]);
  for (const [key, email] of Object.entries(value)) {
    if (!known.has(key)) throw new Error(`agencyOpsEmails: unknown channel or agency "${key}"`);
    if (typeof email !== 'string' || !EMAIL.test(email))
      throw new Error(`agencyOpsEmails: "${key}" is not an e-mail address`);
  }
  return value as Record<string, string>;
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

const accountId = z.string().regex(/^\d{12}$/, 'an AWS account id is 12 digits');
const regionName = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'not an AWS region name');
const perStage = <T extends z.ZodType>(value: T) => z.partialRecord(z.enum(STAGES), value);

/** Validates one context value with zod, naming the context key in the error. */
function fromContext<T extends z.ZodType>(key: string, schema: T, raw: unknown): z.infer<T> {
  const parsed = schema.safeParse(
    typeof raw === 'string' && raw.trim().startsWith('{') ? contextJson(raw, key) : raw,
  );
  if (parsed.success) return parsed.data;
  throw new Error(`context "${key}": ${z.prettifyError(parsed.error)}`);
}

/**
 * The region of a stage (context `regions`), alone: the operator tools need it without the rest of a
 * stage's settings, which only a deploy must have complete.
 */
export function stageRegion(context: (key: string) => unknown, stage: Stage): string {
  const regions = fromContext('regions', perStage(regionName).default({}), context('regions'));
  return regions[stage] ?? DEFAULT_REGION;
}

function parseEnvironment(context: (key: string) => unknown, stage: Stage) {
  const accounts = fromContext('accounts', perStage(accountId).default({}), context('accounts'));
  const account = accounts[stage];
  if (!account && stage !== 'dev') {
    throw new Error(
      `stage ${stage} has no pinned AWS account: add it to context "accounts" in cdk.json (or -c accounts='{"${stage}":"123456789012"}')`,
    );
  }
  return { account, region: stageRegion(context, stage) };
}

function parseDomain(context: (key: string) => unknown): DomainSettings | undefined {
  const name = text(context('domainName'));
  const certificateArn = text(context('certificateArn'));
  if (!name && !certificateArn) return undefined;
  if (!name || !certificateArn) throw new Error('a custom domain needs both domainName and certificateArn');
  fromContext('domainName', z.hostname(), name);
  fromContext(
    'certificateArn',
    z
      .string()
      .regex(
        /^arn:aws:acm:us-east-1:\d{12}:certificate\/[\w-]+$/,
        'CloudFront needs an ACM certificate ARN in us-east-1',
      ),
    certificateArn,
  );
  return { name, certificateArn };
}

/** Per-stage WAF defaults; context `wafCitizenLimit`, `wafPartnerLimit`, `wafBlockAnonymousIps` override. */
const WAF_DEFAULTS: Record<Stage, WafSettings> = {
  dev: {
    citizenRequestsPer5Min: 1000,
    partnerRequestsPer5Min: 5000,
    blockAnonymousIps: false,
    logRetentionDays: 30,
  },
  staging: {
    citizenRequestsPer5Min: 3000,
    partnerRequestsPer5Min: 20000,
    blockAnonymousIps: false,
    logRetentionDays: 90,
  },
  prod: {
    citizenRequestsPer5Min: 3000,
    partnerRequestsPer5Min: 20000,
    blockAnonymousIps: false,
    logRetentionDays: 365,
  },
};

function parseWaf(context: (key: string) => unknown, stage: Stage): WafSettings {
  // WAF's rate-based rules accept 10 to 2,000,000,000 requests per evaluation window.
  const limit = z.coerce.number().int().min(10).max(2_000_000_000);
  const defaults = WAF_DEFAULTS[stage];
  const given = (key: string) => context(key) ?? undefined;
  const waf: WafSettings = {
    ...defaults,
    citizenRequestsPer5Min: fromContext(
      'wafCitizenLimit',
      limit.default(defaults.citizenRequestsPer5Min),
      given('wafCitizenLimit'),
    ),
    partnerRequestsPer5Min: fromContext(
      'wafPartnerLimit',
      limit.default(defaults.partnerRequestsPer5Min),
      given('wafPartnerLimit'),
    ),
    blockAnonymousIps: fromContext(
      'wafBlockAnonymousIps',
      z.stringbool().or(z.boolean()).default(defaults.blockAnonymousIps),
      given('wafBlockAnonymousIps'),
    ),
  };
  if (waf.partnerRequestsPer5Min < waf.citizenRequestsPer5Min) {
    throw new Error(
      'wafPartnerLimit must be at least wafCitizenLimit: agency systems and gateways speak for many citizens',
    );
  }
  return waf;
}

/**
 * Dispatchers per agency channel queue (see StageSettings). Two, the service's least, where the quota is
 * small; five in prod, where the dispatcher's reservation covers every channel at its most.
 */
export const DISPATCH_CONCURRENCY_PER_CHANNEL: Record<Stage, number> = { dev: 2, staging: 2, prod: 5 };

/**
 * Notifiers at once per stage. A notifier sends its batch of 10 side by side, about a hundred notices a
 * second, so prod's 50 meet the ~5,000 SMS a second of a national peak once SNS's SMS rate is raised to
 * it (README, capacity); dev and staging send little (2 is the least a mapping allows).
 */
export const NOTIFIER_CONCURRENCY: Record<Stage, number> = { dev: 2, staging: 2, prod: 50 };

/**
 * Reserved concurrency per stage. Only prod reserves: a new account's whole concurrency quota may be 10,
 * and Lambda keeps at least 100 unreserved. Intake and payments keep capacity when background work peaks.
 * Agencies' callbacks (agencyEvents) and payment notices (payments) have their own reservation, so a flood
 * of new submissions cannot take the capacity that moves existing dossiers and payments on: a reservation
 * is also a function's ceiling, and intake's caps new submissions first. Before a national peak (~5,000
 * submissions/s needs ~550 concurrent intake functions, `npm run scale`) raise intake's with the quota.
 */
const RESERVED_CONCURRENCY: Record<Stage, StageSettings['reservedConcurrency']> = {
  dev: {},
  staging: {},
  // The dispatcher's is every channel's most at once (channels × DISPATCH_CONCURRENCY_PER_CHANNEL.prod,
  // 40 × 5): all channels can drain together, and one channel's backlog cannot take another's share.
  prod: {
    intake: 100,
    agencyEvents: 50,
    payments: 50,
    dispatcher: channels.length * DISPATCH_CONCURRENCY_PER_CHANNEL.prod,
  },
};

const partnerId = z.enum(PAYMENTS.cloudPartners as unknown as [string, ...string[]], {
  error: `a partner with a signing secret in AWS: one of ${PAYMENTS.cloudPartners.join(', ')}`,
});

/**
 * One stage's entry in context `stages` (cdk.json): what differs between stages beyond account and
 * region, so `npm run deploy -- --stage prod` needs no -c flags. Each key is also a context key of the
 * same name, which wins over the entry (`-c alertEmails='[…]'` for one deploy). Unknown keys are refused:
 * a misspelt key would otherwise be silently ignored.
 */
export const stageEntrySchema = z.strictObject({
  domainName: z.string().optional(),
  certificateArn: z.string().optional(),
  alertEmails: z.array(z.string()).optional(),
  agencyOpsEmails: z.record(z.string(), z.string()).optional(),
  webOrigins: z.array(z.string()).optional(),
  agencyEndpoints: z.record(z.string(), z.string()).optional(),
  wafCitizenLimit: z.number().optional(),
  wafPartnerLimit: z.number().optional(),
  wafBlockAnonymousIps: z.boolean().optional(),
  sesIdentity: z.string().optional(),
  paymentProviders: z.record(z.string(), z.unknown()).optional(),
  billers: z.record(z.string(), z.unknown()).optional(),
  vneidIssuerUrl: z.string().optional(),
  vneidClientId: z.string().optional(),
  vneidClientSecretName: z.string().optional(),
  vneidCitizenIdClaim: z.string().optional(),
  authDomainPrefix: z.string().optional(),
  functionDeployment: z.enum(FUNCTION_DEPLOYMENTS).optional(),
});
export type StageEntry = z.infer<typeof stageEntrySchema>;

/** Context as the stage sees it: a context key given (cdk.json top level or -c) over its `stages` entry. */
export function stageContext(context: (key: string) => unknown, stage: Stage): (key: string) => unknown {
  const stages = fromContext(
    'stages',
    perStage(stageEntrySchema).default({}),
    context('stages') ?? undefined,
  );
  const own: Record<string, unknown> = stages[stage] ?? {};
  return (key) => context(key) ?? (key in stageEntrySchema.shape ? own[key] : undefined);
}

function parseSes(raw: unknown): SesSettings {
  const value = text(raw) ?? 'dichvucong.gov.vn';
  const from = (identity: string) => (identity.includes('@') ? identity : `thongbao@${identity}`);
  if (value.startsWith('arn:')) {
    const identity = fromContext(
      'sesIdentity',
      z
        .string()
        .regex(/^arn:aws[\w-]*:ses:[a-z0-9-]+:\d{12}:identity\/.+$/, 'not an SES identity ARN')
        .transform((arn) => arn.split(':identity/')[1] as string),
      value,
    );
    return { identityArn: value, identity, from: from(identity) };
  }
  fromContext('sesIdentity', z.union([z.email(), z.hostname()], 'a domain or an e-mail address'), value);
  return { identity: value, from: from(value) };
}

function parsePayments(get: (key: string) => unknown): PaymentSettings {
  return {
    providers: fromContext(
      'paymentProviders',
      z.partialRecord(partnerId, hmacRedirectSettings).default({}),
      jsonValue(get('paymentProviders'), 'paymentProviders'),
    ),
    billers: fromContext(
      'billers',
      z.partialRecord(partnerId, billerSettings).default({}),
      jsonValue(get('billers'), 'billers'),
    ),
  };
}

const jsonValue = (raw: unknown, key: string) => (raw === undefined ? undefined : contextJson(raw, key));

export function stageSettings(rawContext: (key: string) => unknown): StageSettings {
  const stage = parseStage(rawContext('stage'));
  const context = stageContext(rawContext, stage);
  const prod = stage === 'prod';
  // Staging runs as prod does (log level, API limits) so a release is tried under prod's rules, but
  // its data is disposable and its logs short-lived.
  const prodLike = stage !== 'dev';
  const domain = parseDomain(context);
  return {
    stage,
    prefix: `cong-${stage}`,
    removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    logRetention: prod
      ? RetentionDays.ONE_YEAR
      : prodLike
        ? RetentionDays.THREE_MONTHS
        : RetentionDays.ONE_MONTH,
    logLevel: prodLike ? 'INFO' : 'DEBUG',
    throttle: prodLike ? { rateLimit: 2000, burstLimit: 5000 } : { rateLimit: 50, burstLimit: 100 },
    routeThrottle: prodLike
      ? {
          intake: { rateLimit: 300, burstLimit: 600 },
          uploads: { rateLimit: 1000, burstLimit: 2000 },
          petitions: { rateLimit: 50, burstLimit: 100 },
          tracking: { rateLimit: 500, burstLimit: 1000 },
          redeliveries: { rateLimit: 20, burstLimit: 40 },
          support: { rateLimit: 50, burstLimit: 100 },
        }
      : {
          intake: { rateLimit: 10, burstLimit: 20 },
          uploads: { rateLimit: 25, burstLimit: 50 },
          petitions: { rateLimit: 5, burstLimit: 10 },
          tracking: { rateLimit: 10, burstLimit: 20 },
          redeliveries: { rateLimit: 5, burstLimit: 10 },
          support: { rateLimit: 5, burstLimit: 10 },
        },
    pitrDays: prod ? 35 : 7,
    noncurrentVersionsKeptFor: Duration.days(prod ? 90 : 7),
    webOrigins: parseOrigins(context('webOrigins'), stage, domain),
    agencyEndpoints: parseEndpoints(context('agencyEndpoints'), stage),
    signIn: parseSignIn(context, stage, `cong-${stage}`),
    alertEmails: parseEmails(context('alertEmails'), stage),
    agencyOpsEmails: parseOpsEmails(context('agencyOpsEmails')),
    ...(domain ? { domain } : {}),
    waf: parseWaf(context, stage),
    reservedConcurrency: RESERVED_CONCURRENCY[stage],
    dispatchConcurrencyPerChannel: DISPATCH_CONCURRENCY_PER_CHANNEL[stage],
    notifierConcurrency: NOTIFIER_CONCURRENCY[stage],
    functionDeployment: fromContext(
      'functionDeployment',
      z.enum(FUNCTION_DEPLOYMENTS).default(prod ? 'canary' : 'all-at-once'),
      context('functionDeployment') ?? undefined,
    ),
    ses: parseSes(context('sesIdentity')),
    payments: parsePayments(context),
    // Last, so a stage's own mistakes are reported before the missing account pin.
    ...parseEnvironment(context, stage),
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
    // The notification relay's failed stream batches: apart from the outbox's, so a replay never takes
    // one consumer's failures for the other's.
    notificationStreamDlq: `${s.prefix}-notification-stream-dlq`,
    agencySecretPrefix: `cong/${s.stage}/channel/`,
    paymentSecretPrefix: `cong/${s.stage}/payment/`,
    profileKeySecret: `cong/${s.stage}/profile-data-key`,
  };
}

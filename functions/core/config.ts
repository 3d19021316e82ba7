/**
 * Every setting a handler reads, each validated the first time it is read. Handlers are configured only
 * by environment, so the same modules run in Lambda and in the local cloud. A setting's schema is built
 * on that first read too: a function reads a dozen of the sixty, and building all of them cost every cold
 * start a few ms. The deployment test checks every function's environment against all of them.
 */
import * as z from 'zod';

/** A setting holding JSON text: parsed here, then checked by the schema it is piped into. */
const jsonText = () =>
  z.string().transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected JSON' });
      return z.NEVER;
    }
  });

const jsonRecord = () => jsonText().pipe(z.record(z.string(), z.string()));

/** JSON text of an object whose values are string maps (per-partner settings). */
const jsonObjects = () => jsonText().pipe(z.record(z.string(), z.record(z.string(), z.string())));

const flag = () => z.enum(['true', 'false']).transform((v) => v === 'true');

/** One class of abuse limit: at most `perAccount` requests per account and `perIp` per client address per window. */
const rateLimitRule = () =>
  z
    .object({
      windowSeconds: z.number().int().min(1).max(86_400),
      perAccount: z.number().int().min(1),
      perIp: z.number().int().min(1),
    })
    .strict();

/**
 * Abuse limits per route class (`rateLimit` in the route table). An address is shared by a household,
 * a commune office or a campus behind one NAT, so it gets a far larger allowance than an account.
 */
export const DEFAULT_RATE_LIMITS = {
  intake: { windowSeconds: 3600, perAccount: 30, perIp: 300 },
  uploads: { windowSeconds: 3600, perAccount: 200, perIp: 2000 },
  petitions: { windowSeconds: 86_400, perAccount: 20, perIp: 200 },
  // Public tracking is counted by address only (it has no account); an office behind one address
  // may look up many dossiers, someone counting through codes and keys may not.
  tracking: { windowSeconds: 600, perAccount: 60, perIp: 120 },
  // An agency's redelivery requests, counted per agency (its system and its officers together).
  redeliveries: { windowSeconds: 3600, perAccount: 30, perIp: 300 },
  // Questions to the support desk; a call-centre agent logging calls is counted by account only.
  support: { windowSeconds: 3600, perAccount: 60, perIp: 300 },
} as const satisfies Record<string, z.input<ReturnType<typeof rateLimitRule>>>;

/** JSON text overriding some classes' limits, e.g. `{"intake":{"windowSeconds":60,"perAccount":5,"perIp":50}}`. */
const rateLimits = () => {
  const rule = rateLimitRule();
  return jsonText()
    .pipe(
      z
        .object({
          intake: rule,
          uploads: rule,
          petitions: rule,
          tracking: rule,
          redeliveries: rule,
          support: rule,
        })
        .partial()
        .strict(),
    )
    .transform((over) => ({ ...DEFAULT_RATE_LIMITS, ...over }));
};

/** Petition deadlines in working days (defaults: PETITIONS in ./resources.ts). */
export const petitionClockSchema = () =>
  z
    .object({
      referralWorkingDays: z.number().int().min(1).max(60),
      answerWorkingDays: z.number().int().min(1).max(90),
    })
    .strict()
    .refine((d) => d.referralWorkingDays <= d.answerWorkingDays, 'referral must come before the answer');

/** Support desk deadlines in working hours (defaults: SUPPORT in ./resources.ts). */
export const supportClockSchema = () =>
  z
    .object({
      firstAnswerWorkingHours: z.number().min(1).max(400),
      resolutionWorkingHours: z.number().min(1).max(2000),
      /** Working days an answered ticket waits for its asker before it closes itself. */
      quietWorkingDays: z.number().int().min(1).max(30).optional(),
    })
    .strict()
    .refine((d) => d.firstAnswerWorkingHours <= d.resolutionWorkingHours, 'first answer must come first');

/** Personal-data request clocks in working days (defaults and sources: DATA_RIGHTS in resources.ts). */
const days = () => z.number().int().min(1).max(60);
export const dataRightsPeriodsSchema = () =>
  z
    .object({
      acknowledgeWorkingDays: days(),
      actWorkingDays: z
        .object({ access: days(), correction: days(), objection: days(), deletion: days() })
        .strict(),
    })
    .strict()
    .refine(
      (d) => Object.values(d.actWorkingDays).every((n) => n >= d.acknowledgeWorkingDays),
      'acknowledgement must come before the period to act',
    );

const localDay = () => z.iso.date();
/** Announced swaps of the working-day calendar (./working-days.ts). */
export const calendarAdjustmentsSchema = () =>
  z
    .object({
      extraDaysOff: z.array(localDay()).default([]),
      extraWorkingDays: z.array(localDay()).default([]),
    })
    .strict();

/** Each setting's schema, built when the setting is first read (or by `configSchema()`). */
const settingSchemas = {
  STAGE: () => z.string().min(1).default('local'),
  /** Set by the Lambda runtime (`AWS_Lambda_nodejs…`): tracing and metrics run only inside Lambda. */
  AWS_EXECUTION_ENV: () => z.string().optional(),
  /** The service name of logs, traces and metrics. */
  POWERTOOLS_SERVICE_NAME: () => z.string().min(1).default('cong'),
  /** Where the catalog function reads the published national records; unset: functions/catalog/data/. */
  CATALOG_DATA_DIR: () => z.string().min(1).optional(),
  /**
   * Swapped and compensatory days the Government announces, e.g.
   * {"extraDaysOff":["2026-09-01"],"extraWorkingDays":["2026-08-29"]}.
   */
  CONG_CALENDAR_ADJUSTMENTS: () => jsonText().pipe(calendarAdjustmentsSchema()).optional(),
  /** Petition deadlines when a regulation changes, e.g. {"referralWorkingDays":3,"answerWorkingDays":10}. */
  CONG_PETITION_DEADLINES: () => jsonText().pipe(petitionClockSchema()).optional(),
  /** Support desk deadlines, e.g. {"firstAnswerWorkingHours":4,"resolutionWorkingHours":24}. */
  CONG_SUPPORT_DEADLINES: () => jsonText().pipe(supportClockSchema()).optional(),
  /**
   * Personal-data request clocks when the law or its reading changes, e.g.
   * {"acknowledgeWorkingDays":2,"actWorkingDays":{"access":7,"correction":7,"objection":10,"deletion":7}}.
   */
  CONG_DATA_RIGHTS_PERIODS: () => jsonText().pipe(dataRightsPeriodsSchema()).optional(),
  TABLE_NAME: () => z.string().min(1),
  UPLOADS_BUCKET: () => z.string().min(1),
  /** channel → queue URL */
  AGENCY_QUEUE_URLS: () => jsonRecord().default({}),
  /** agency id → delivery endpoint URL */
  AGENCY_ENDPOINTS: () => jsonRecord().default({}),
  /**
   * The endpoint of an agency with no entry above, `{agencyId}` replaced: the local simulator stands in
   * for all ~3,700 agencies, whose endpoints spelled out would outgrow an environment variable.
   */
  AGENCY_ENDPOINT_TEMPLATE: () => z.string().includes('{agencyId}').optional(),
  /**
   * channel → the endpoint of every agency of that channel with no entry in AGENCY_ENDPOINTS (one
   * system serves a whole channel, e.g. a province's one-stop system); `{agencyId}` in it is replaced.
   */
  AGENCY_CHANNEL_ENDPOINTS: () => jsonRecord().default({}),
  /**
   * channel (or one agency's id) → the e-mail address of the operations team behind the agency's
   * endpoint: told when the circuit breaker pauses the agency's deliveries and when they resume. An
   * agency's own entry wins over its channel's.
   */
  AGENCY_OPS_EMAILS: () => jsonRecord().default({}),
  /** `file` (local cloud) or `secretsmanager` (AWS): where per-agency signing secrets live. */
  AGENCY_SECRETS_SOURCE: () => z.enum(['file', 'secretsmanager']).default('secretsmanager'),
  AGENCY_SECRETS_FILE: () => z.string().optional(),
  /** Secrets Manager name prefix; the agency id is appended. */
  AGENCY_SECRET_PREFIX: () => z.string().default('cong/agency/'),
  /** Multiplies the dispatcher's backoff delays (not an agency's Retry-After); below 1 only in local tests. */
  DISPATCH_BACKOFF_SCALE: () => z.coerce.number().min(0).max(1).default(1),
  /** Shrinks the notifier's waits after a provider's load refusal (tests and chaos runs: seconds become ms). */
  NOTIFY_BACKOFF_SCALE: () => z.coerce.number().min(0).max(1).default(1),
  /** How long the dispatcher waits for an agency's answer; must stay well under the function timeout. */
  DISPATCH_POST_TIMEOUT_MS: () => z.coerce.number().int().min(100).max(20_000).default(10_000),
  /** Consecutive failed deliveries to an agency that open its circuit breaker (pause it). */
  DISPATCH_BREAKER_FAILURES: () => z.coerce.number().int().min(1).max(10_000).default(20),
  /** Minutes of failed deliveries with no success between that open it, however few attempts. */
  DISPATCH_BREAKER_MINUTES: () => z.coerce.number().min(0.05).max(1440).default(15),
  /** Seconds an open breaker waits before one probe delivery; held messages wait as long. */
  DISPATCH_BREAKER_COOLDOWN_SECONDS: () => z.coerce.number().int().min(1).max(900).default(300),
  /** The agency simulator listens on loopback; in AWS private and metadata addresses are refused (SSRF). */
  ALLOW_PRIVATE_ENDPOINTS: () => flag().default(false),
  JWT_ISSUER: () => z.url(),
  JWT_AUDIENCE: () => z.string().min(1),
  JWT_JWKS_URL: () => z.url(),
  S3_FORCE_PATH_STYLE: () => flag().default(false),
  /** Payment provider id → its settings (functions/payments/providers.ts); `sandbox` is the local gateway. */
  PAYMENT_PROVIDERS: () => jsonObjects().default({}),
  /** The provider new payments go through. */
  PAYMENT_PROVIDER: () => z.string().default('sandbox'),
  /** Biller id → its settings (functions/payments/billers.ts), e.g. `evn` for electricity bills. */
  BILLERS: () => jsonObjects().default({}),
  /** `file` (local cloud) or `secretsmanager` (AWS): where payment providers' and billers' secrets live. */
  PAYMENT_SECRETS_SOURCE: () => z.enum(['file', 'secretsmanager']).default('secretsmanager'),
  PAYMENT_SECRETS_FILE: () => z.string().optional(),
  PAYMENT_SECRET_PREFIX: () => z.string().default('cong/payment/'),
  /** How long a citizen has to complete a payment on the provider's page. */
  PAYMENT_TTL_SECONDS: () => z.coerce.number().int().min(60).max(86_400).default(900),
  /** Reconciliation asks the provider about payments still pending this long after creation. */
  PAYMENT_RECONCILE_AFTER_SECONDS: () => z.coerce.number().int().min(0).default(300),
  /** The portal's public address: providers send the citizen's browser back to it. */
  PORTAL_URL: () => z.url().optional(),
  /** Without PORTAL_URL: the SSM parameter holding it, written by the Web stack (core/portal-url.ts). */
  PORTAL_URL_PARAMETER: () => z.string().startsWith('/').optional(),
  /** The queue notifications wait on before the notifier sends them. */
  NOTIFICATIONS_QUEUE_URL: () => z.string().optional(),
  /** `aws` (SNS text messages, SES e-mail) or `local-file` (the local cloud's outbox, GET /dev/outbox). */
  NOTIFY_TRANSPORT: () => z.enum(['aws', 'local-file']).default('aws'),
  NOTIFY_OUTBOX_FILE: () => z.string().optional(),
  /** Sender of citizens' e-mail: an address of the portal's verified SES identity. */
  NOTIFY_EMAIL_FROM: () => z.string().default('thongbao@dichvucong.gov.vn'),
  /** Profile data key, base64 of 32 random bytes (local cloud); in AWS the key is read from PROFILE_KEY_SECRET. */
  PROFILE_DATA_KEY: () =>
    z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'expected base64 of 32 bytes')
      .optional(),
  /** Secrets Manager name of the profile data key (AWS). */
  PROFILE_KEY_SECRET: () => z.string().optional(),
  /** The result-signing key, PEM (PKCS #8, EC P-256): the local cloud generates it into its data folder. */
  RESULT_SIGNING_KEY: () => z.string().includes('PRIVATE KEY').optional(),
  /** The asymmetric KMS key (ECC_NIST_P256) that signs electronic results in AWS: its id or ARN. */
  RESULT_SIGNING_KEY_ID: () => z.string().optional(),
  /** Seconds a presigned upload form stays valid. */
  UPLOAD_URL_TTL_SECONDS: () => z.coerce.number().int().min(30).max(3600).default(600),
  /**
   * `on` in AWS (lib/api-stack.ts): every HTTP request must carry the edge's origin header
   * (core/edge-origin.ts). Off locally, where there is no edge.
   */
  EDGE_ORIGIN_CHECK: () => z.enum(['on', 'off']).default('off'),
  /**
   * The edge's origin header values the functions accept, comma-separated: the current one, and the
   * previous one during a rotation. CloudFormation resolves them from Secrets Manager at deployment.
   */
  EDGE_ORIGIN_VALUES: () =>
    z
      .string()
      .transform((s) => s.split(',').map((v) => v.trim()))
      .pipe(z.array(z.string().min(32)).min(1).max(2))
      .optional(),
  /** `off` lifts the application-level abuse limits (local load tests and benchmarks); API Gateway's stay. */
  CONG_RATE_LIMITS: () => z.enum(['on', 'off']).default('on'),
  /** Overrides of DEFAULT_RATE_LIMITS per route class. */
  RATE_LIMITS: () => rateLimits().default({ ...DEFAULT_RATE_LIMITS }),
};

type SettingName = keyof typeof settingSchemas;
type SettingSchema<K extends SettingName> = ReturnType<(typeof settingSchemas)[K]>;
export type Config = { readonly [K in SettingName]: z.output<SettingSchema<K>> };

/** Rules between two settings, checked whenever either of them is read. */
const crossRules: readonly {
  settings: readonly [SettingName, SettingName];
  holds: (c: Config) => boolean;
  path: SettingName;
  message: string;
}[] = [
  {
    // Loopback and private receivers (the simulator, an integrator's own with --agency-endpoint) are for
    // the local cloud only: a deployed stage that allowed them would reopen the SSRF guard.
    settings: ['ALLOW_PRIVATE_ENDPOINTS', 'STAGE'],
    holds: (c) => !c.ALLOW_PRIVATE_ENDPOINTS || c.STAGE === 'local',
    path: 'ALLOW_PRIVATE_ENDPOINTS',
    message: 'ALLOW_PRIVATE_ENDPOINTS is allowed only when STAGE is local',
  },
  {
    settings: ['EDGE_ORIGIN_CHECK', 'EDGE_ORIGIN_VALUES'],
    holds: (c) => c.EDGE_ORIGIN_CHECK === 'off' || c.EDGE_ORIGIN_VALUES !== undefined,
    path: 'EDGE_ORIGIN_VALUES',
    message: 'EDGE_ORIGIN_CHECK=on needs EDGE_ORIGIN_VALUES (the values of the edge header)',
  },
];

const built = new Map<SettingName, z.ZodType>();

function schemaOf<K extends SettingName>(name: K): SettingSchema<K> {
  let schema = built.get(name);
  if (!schema) {
    schema = settingSchemas[name]();
    built.set(name, schema);
  }
  return schema as SettingSchema<K>;
}

/**
 * The whole environment as one schema, every setting and rule: what the deployment and the local cloud
 * are checked against (a function's own reads check only what it reads).
 */
export function configSchema() {
  const shape = Object.fromEntries(
    (Object.keys(settingSchemas) as SettingName[]).map((name) => [name, schemaOf(name)]),
  ) as { [K in SettingName]: SettingSchema<K> };
  return z.object(shape).superRefine((c, ctx) => {
    for (const rule of crossRules)
      if (!rule.holds(c as Config))
        ctx.addIssue({ code: 'custom', message: rule.message, path: [rule.path] });
  });
}

/**
 * One setting read on its own, checked by the same schema: for code that runs outside a handler's
 * configuration (the logger at import, the working-day calendar in tests and scripts). Not cached: tests
 * change the environment between calls.
 */
export function setting<K extends SettingName>(name: K): z.output<SettingSchema<K>> {
  const parsed = schemaOf(name).safeParse(process.env[name]);
  if (!parsed.success) throw new Error(`invalid ${name}: ${z.prettifyError(parsed.error)}`);
  return parsed.data as z.output<SettingSchema<K>>;
}

/**
 * The environment as the function saw it at its first request, each setting validated when first read:
 * a misconfigured setting fails the request that reads it, loudly, with its name.
 */
function readSettings(env: Readonly<Record<string, string | undefined>>): Config {
  const values = new Map<SettingName, unknown>();
  const settings = {} as Config;
  const read = (name: SettingName): unknown => {
    if (values.has(name)) return values.get(name);
    const parsed = schemaOf(name).safeParse(env[name]);
    if (!parsed.success) throw new Error(`invalid configuration: ${name}: ${z.prettifyError(parsed.error)}`);
    values.set(name, parsed.data);
    for (const rule of crossRules)
      if (rule.settings.includes(name) && !rule.holds(settings))
        throw new Error(`invalid configuration: ${rule.path}: ${rule.message}`);
    return parsed.data;
  };
  for (const name of Object.keys(settingSchemas) as SettingName[])
    Object.defineProperty(settings, name, { enumerable: true, get: () => read(name) });
  return settings;
}

let cached: Config | undefined;

/** The function's settings; the environment is read once (tests and the local cloud reset it). */
export function config(): Config {
  cached ??= readSettings({ ...process.env });
  return cached;
}

/** Tests and the local cloud change the environment between runs. */
export function resetConfig(): void {
  cached = undefined;
}

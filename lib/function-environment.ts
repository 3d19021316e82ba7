/**
 * The one builder of a function's environment, for CDK (lib/api-stack.ts) and the local cloud
 * (lib/local/portal.ts) alike: the settings every function reads, named as the config schema
 * (functions/core/config.ts) names them, plus what a function's spec says it needs (its keys, the
 * portal's address). In AWS each function gets its own; locally one process serves them all, so it
 * gets what any of them needs.
 */
import type { z } from 'zod';
import type { configSchema } from '../functions/core/config.js';
import type { FunctionSpec } from '../functions/deployment.js';

/** Settings read by the runtime, the AWS SDK or Powertools, and by operator tools, not by handlers. */
type RuntimeSetting =
  | `AWS_${string}`
  | 'NODE_OPTIONS'
  | 'POWERTOOLS_LOG_LEVEL'
  | 'POWERTOOLS_TRACER_CAPTURE_RESPONSE'
  /** For `npm run outbox:replay`; no function reads them. */
  | 'OUTBOX_DLQ_URL'
  | 'NOTIFICATION_STREAM_DLQ_URL';

/** Setting name → value as text (JSON-valued settings already written as JSON). */
export type Environment = Partial<
  Record<keyof z.input<ReturnType<typeof configSchema>> | RuntimeSetting, string>
>;

/** Where the values of spec-dependent settings come from: names in AWS, the values themselves locally. */
export interface SpecSources {
  /** The profile data key: its Secrets Manager name (AWS) or the key itself, base64 (local). */
  profileKey: { secretName: string } | { dataKey: string };
  /** The result-signing key: the KMS key's id or ARN (AWS) or the PEM itself (local). */
  resultSigningKey: { keyId: string } | { pem: string };
  /** The portal's public address; in AWS known only once the API exists, so given later. */
  portalUrl?: string;
}

/** What this function's spec adds to the shared settings. */
export function specEnvironment(spec: FunctionSpec, sources: SpecSources): Environment {
  const env: Environment = {};
  if (spec.readsProfileKey) {
    const key = sources.profileKey;
    if ('secretName' in key) env.PROFILE_KEY_SECRET = key.secretName;
    else env.PROFILE_DATA_KEY = key.dataKey;
  }
  if (spec.resultSigning) {
    const key = sources.resultSigningKey;
    if ('keyId' in key) env.RESULT_SIGNING_KEY_ID = key.keyId;
    else env.RESULT_SIGNING_KEY = key.pem;
  }
  if (spec.linksToPortal && sources.portalUrl !== undefined) env.PORTAL_URL = sources.portalUrl;
  return env;
}

/** One function's environment: the shared settings with its own on top. */
export function functionEnvironment(
  shared: Environment,
  spec: FunctionSpec,
  sources: SpecSources,
): Environment {
  return { ...shared, ...specEnvironment(spec, sources) };
}

/** The environment of one process running every function (the local cloud). */
export function processEnvironment(
  shared: Environment,
  specs: readonly FunctionSpec[],
  sources: SpecSources,
): Environment {
  return Object.assign({ ...shared }, ...specs.map((spec) => specEnvironment(spec, sources)));
}

/** As Lambda and process.env take it: only the settings that have a value. */
export function variables(env: Environment): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

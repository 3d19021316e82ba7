/**
 * A function's settings are each validated when first read, with the same schema and rules the
 * deployment is checked against (configSchema): a bad value fails the read that needs it, by name.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { config, configSchema, resetConfig } from '../../functions/core/config.js';
import { requiredSettings } from '../support/required-settings.js';

const base = requiredSettings;
const saved = { ...process.env };

function useEnvironment(env: Record<string, string>) {
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, env);
  resetConfig();
}

describe("a function's settings", () => {
  beforeEach(() => useEnvironment(base));
  afterEach(() => useEnvironment(saved as Record<string, string>));

  it('read with the values and defaults the whole schema gives', () => {
    useEnvironment({ ...base, PAYMENT_TTL_SECONDS: '1200', AGENCY_QUEUE_URLS: '{"bca":"https://q/bca"}' });
    const whole = configSchema().parse(process.env);
    const cfg = config();
    expect(cfg.PAYMENT_TTL_SECONDS).toBe(1200);
    expect(cfg.AGENCY_QUEUE_URLS).toEqual({ bca: 'https://q/bca' });
    expect(cfg.RATE_LIMITS).toEqual(whole.RATE_LIMITS);
    expect({ ...cfg }).toEqual(whole);
    const { TABLE_NAME, STAGE } = cfg;
    expect([TABLE_NAME, STAGE]).toEqual(['cong', 'local']);
  });

  it('fail the read of a bad value by its name, and only that read', () => {
    useEnvironment({ ...base, PAYMENT_TTL_SECONDS: '5', AGENCY_ENDPOINTS: '{not json' });
    const cfg = config();
    expect(cfg.TABLE_NAME).toBe('cong');
    expect(() => cfg.PAYMENT_TTL_SECONDS).toThrow(/invalid configuration: PAYMENT_TTL_SECONDS/);
    expect(() => cfg.AGENCY_ENDPOINTS).toThrow(/invalid configuration: AGENCY_ENDPOINTS.*expected JSON/s);
    // Still refused on the next read: a bad value is never cached as good.
    expect(() => cfg.PAYMENT_TTL_SECONDS).toThrow(/PAYMENT_TTL_SECONDS/);
  });

  it('hold the rules between settings whichever of the two is read', () => {
    useEnvironment({ ...base, STAGE: 'prod', ALLOW_PRIVATE_ENDPOINTS: 'true' });
    expect(() => config().ALLOW_PRIVATE_ENDPOINTS).toThrow(
      /ALLOW_PRIVATE_ENDPOINTS is allowed only when STAGE is local/,
    );
    useEnvironment({ ...base, STAGE: 'prod', ALLOW_PRIVATE_ENDPOINTS: 'true' });
    expect(() => config().STAGE).toThrow(/ALLOW_PRIVATE_ENDPOINTS/);
    useEnvironment({ ...base, EDGE_ORIGIN_CHECK: 'on' });
    expect(() => config().EDGE_ORIGIN_CHECK).toThrow(/EDGE_ORIGIN_VALUES/);
    useEnvironment({ ...base, STAGE: 'local', ALLOW_PRIVATE_ENDPOINTS: 'true' });
    expect(config().ALLOW_PRIVATE_ENDPOINTS).toBe(true);
  });

  it('are the environment as it was at the first read, until reset', () => {
    const cfg = config();
    process.env.TABLE_NAME = 'changed';
    expect(cfg.TABLE_NAME).toBe('cong');
    expect(config().TABLE_NAME).toBe('cong');
    resetConfig();
    expect(config().TABLE_NAME).toBe('changed');
  });
});

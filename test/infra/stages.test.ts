/**
 * Per-stage configuration: each stage's own settings live in cdk.json context `stages`, validated, so a
 * deploy of one stage needs no -c flags (which still override one value for one deploy).
 */
import { describe, expect, it } from 'vitest';
import { cdkJsonContext } from '../../lib/ops/stage.js';
import { STAGES, type Stage, stageContext, stageSettings } from '../../lib/settings.js';
import { buildStacks, TEST_ACCOUNTS, testContext } from '../support/cdk-app.js';
import { VNEID_CONTEXT } from '../support/vneid-context.js';

const CERTIFICATE = 'arn:aws:acm:us-east-1:333333333333:certificate/0f4e2a6c-1111-4d2b-9e55-000000000001';
const VNPAY = {
  kind: 'hmac-redirect',
  payUrl: 'https://pay.vnpay.example.vn/paymentv2/vpcpay.html',
  queryUrl: 'https://api.vnpay.example.vn/merchant_webapi/api/transaction',
  merchant: 'CONGPROD',
};
const PROD_ENTRY = {
  domainName: 'dichvucong.example.vn',
  certificateArn: CERTIFICATE,
  alertEmails: ['truc-van@dichvucong.example.vn', 'an-ninh@dichvucong.example.vn'],
  wafCitizenLimit: 4000,
  agencyEndpoints: { bhxh: 'https://lienthong.bhxh.example.vn/cong' },
  sesIdentity: 'arn:aws:ses:ap-southeast-1:333333333333:identity/dichvucong.example.vn',
  paymentProviders: { vnpay: VNPAY },
  billers: { evn: { kind: 'json-api', url: 'https://cskh.evn.example.vn/cong' } },
};

/** Settings from the stages map only: no flat per-stage key, as `npm run deploy -- --stage <s>` runs. */
function settingsOf(stage: Stage, stages: Record<string, unknown>, flags: Record<string, unknown> = {}) {
  const context: Record<string, unknown> = {
    ...VNEID_CONTEXT,
    accounts: TEST_ACCOUNTS,
    stage,
    stages,
    ...flags,
  };
  return stageSettings((key) => context[key]);
}

describe('per-stage settings in cdk.json', () => {
  it("reads a stage's domain, alerts, limits, endpoints, SES and payments from its entry alone", () => {
    const prod = settingsOf('prod', {
      prod: PROD_ENTRY,
      staging: { alertEmails: ['x@thu-nghiem.example.vn'] },
    });
    expect(prod.domain).toEqual({ name: 'dichvucong.example.vn', certificateArn: CERTIFICATE });
    expect(prod.webOrigins).toEqual(['https://dichvucong.example.vn']);
    expect(prod.alertEmails).toEqual(PROD_ENTRY.alertEmails);
    expect(prod.waf.citizenRequestsPer5Min).toBe(4000);
    expect(prod.agencyEndpoints).toEqual(PROD_ENTRY.agencyEndpoints);
    expect(prod.ses).toEqual({
      identityArn: PROD_ENTRY.sesIdentity,
      identity: 'dichvucong.example.vn',
      from: 'thongbao@dichvucong.example.vn',
    });
    expect(prod.payments).toEqual({ providers: { vnpay: VNPAY }, billers: PROD_ENTRY.billers });
  });

  it("never takes another stage's entry", () => {
    const staging = settingsOf('staging', {
      prod: PROD_ENTRY,
      staging: { alertEmails: ['x@thu-nghiem.example.vn'], webOrigins: ['https://thu-nghiem.example.vn'] },
    });
    expect(staging.domain).toBeUndefined();
    expect(staging.alertEmails).toEqual(['x@thu-nghiem.example.vn']);
    expect(staging.payments).toEqual({ providers: {}, billers: {} });
    expect(staging.agencyEndpoints).toEqual({});
  });

  it('lets a -c flag override one value for one deploy', () => {
    const prod = settingsOf(
      'prod',
      { prod: PROD_ENTRY },
      { alertEmails: '["su-co@dichvucong.example.vn"]', wafCitizenLimit: '5000' },
    );
    expect(prod.alertEmails).toEqual(['su-co@dichvucong.example.vn']);
    expect(prod.waf.citizenRequestsPer5Min).toBe(5000);
    // What the flags do not name still comes from the entry.
    expect(prod.domain?.name).toBe('dichvucong.example.vn');
  });

  it('refuses staging and prod without an alert target; dev may have none', () => {
    const { alertEmails: _, ...silent } = PROD_ENTRY;
    expect(() => settingsOf('prod', { prod: silent })).toThrow(/prod needs at least one alert target/);
    expect(() =>
      settingsOf('staging', { staging: { webOrigins: ['https://thu-nghiem.example.vn'] } }),
    ).toThrow(/staging needs at least one alert target/);
    expect(() => settingsOf('prod', { prod: { ...PROD_ENTRY, alertEmails: [] } })).toThrow(/alert target/);
    expect(settingsOf('dev', {}).alertEmails).toEqual([]);
  });

  it('refuses a misspelt key, a wrong type and an unknown stage', () => {
    expect(() => settingsOf('prod', { prod: { ...PROD_ENTRY, alertEmail: ['a@b.vn'] } })).toThrow(
      /stages[\s\S]*alertEmail/,
    );
    expect(() => settingsOf('prod', { prod: { ...PROD_ENTRY, wafCitizenLimit: 'many' } })).toThrow(/stages/);
    expect(() => settingsOf('prod', { production: PROD_ENTRY })).toThrow(/stages/);
  });

  it('validates SES identities, payment providers and billers', () => {
    const prod = (over: Record<string, unknown>) => settingsOf('prod', { prod: { ...PROD_ENTRY, ...over } });
    expect(() => prod({ sesIdentity: 'arn:aws:ses:ap-southeast-1:3333:identity/x.vn' })).toThrow(
      /sesIdentity/,
    );
    expect(() => prod({ sesIdentity: 'not a domain' })).toThrow(/sesIdentity/);
    expect(prod({ sesIdentity: 'hotro@dichvucong.example.vn' }).ses).toEqual({
      identity: 'hotro@dichvucong.example.vn',
      from: 'hotro@dichvucong.example.vn',
    });
    // Only partners with a signing secret in AWS, each with its full settings.
    expect(() => prod({ paymentProviders: { momo: VNPAY } })).toThrow(/paymentProviders/);
    expect(() => prod({ paymentProviders: { vnpay: { ...VNPAY, payUrl: 'nowhere' } } })).toThrow(
      /paymentProviders/,
    );
    expect(() => prod({ billers: { evn: { kind: 'soap', url: 'https://x.vn' } } })).toThrow(/billers/);
    // As JSON text on the command line too.
    expect(
      settingsOf('prod', { prod: PROD_ENTRY }, { paymentProviders: JSON.stringify({ vnpay: VNPAY }) })
        .payments.providers,
    ).toEqual({ vnpay: VNPAY });
  });

  it("the repository's cdk.json holds a valid entry for every stage", () => {
    const context = cdkJsonContext();
    expect(Object.keys(context('stages') as object).sort()).toEqual([...STAGES].sort());
    for (const stage of STAGES) expect(() => stageContext(context, stage)).not.toThrow();
  });

  it("puts a stage's SES and payment settings in its functions' environment", () => {
    const prod = buildStacks('prod', { ...VNEID_CONTEXT, stages: { prod: PROD_ENTRY } });
    expect(testContext('prod')).toHaveProperty('stages');
    const fns = Object.values(prod.apiT.findResources('AWS::Lambda::Function')) as {
      Properties: { Environment?: { Variables: Record<string, unknown> } };
    }[];
    const env = fns.map((f) => f.Properties.Environment?.Variables ?? {}).find((v) => v.PAYMENT_PROVIDERS);
    expect(JSON.parse(String(env?.PAYMENT_PROVIDERS))).toEqual({ vnpay: VNPAY });
    expect(JSON.parse(String(env?.BILLERS))).toEqual(PROD_ENTRY.billers);
    expect(env?.NOTIFY_EMAIL_FROM).toBe('thongbao@dichvucong.example.vn');
    prod.monitoringT.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 2);
  }, 120_000);
});

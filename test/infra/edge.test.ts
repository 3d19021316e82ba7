import { readFileSync } from 'node:fs';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { cdkArguments } from '../../bin/cdk-stage.js';
import { EDGE_ORIGIN_HEADER } from '../../functions/core/edge-origin.js';
import { AppError } from '../../functions/core/errors.js';
import {
  API_CONTENT_SECURITY_POLICY,
  pageContentSecurityPolicy,
} from '../../functions/core/security-headers.js';
import { functions } from '../../functions/deployment.js';
import { cloudRoutes, routeKey } from '../../functions/routes.js';
import { CORS_EXPOSED_HEADERS, CORS_REQUEST_HEADERS } from '../../lib/api-stack.js';
import { buildApp } from '../../lib/app.js';
import { partnerPathPrefixes } from '../../lib/edge-stack.js';
import { DEFAULT_REGION, EDGE_REGION, STAGES, stageSettings } from '../../lib/settings.js';
import { API_PATH_PATTERNS, PAGE_ROUTE_FUNCTION } from '../../lib/web-stack.js';
import { buildStacks, TEST_ACCOUNTS, testContext } from '../support/cdk-app.js';
import { VNEID_CONTEXT } from '../support/vneid-context.js';

type Json = Record<string, unknown>;
type Behavior = Json & { PathPattern?: string; TargetOriginId: string };

const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

function only<T>(xs: T[]): T {
  expect(xs).toHaveLength(1);
  return xs[0] as T;
}

const resourcesOf = (t: Template, type: string) =>
  Object.values(t.findResources(type)) as { Properties: Json; DeletionPolicy?: string }[];

function distributionConfig(t: Template) {
  return only(resourcesOf(t, 'AWS::CloudFront::Distribution')).Properties.DistributionConfig as Json & {
    DefaultCacheBehavior: Behavior;
    CacheBehaviors: Behavior[];
    Origins: (Json & { Id: string })[];
  };
}

/** A CloudFormation string value as text: references become readable stand-ins. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Json;
  if (v.Ref === 'AWS::URLSuffix') return 'amazonaws.com';
  if (v.Ref) return `<${v.Ref}>`;
  if (v['Fn::ImportValue']) return 'imported';
  if (v['Fn::Join']) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(sep);
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

/** CloudFront path patterns: `*` matches any run of characters. */
const matches = (pattern: string, path: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`).test(path);

/** Runs the page-route CloudFront Function as CloudFront would, on one request URI. */
function routePage(uri: string): string {
  const handler = new Function(`${PAGE_ROUTE_FUNCTION}; return handler;`)() as (e: unknown) => {
    uri: string;
  };
  return handler({ request: { uri, method: 'GET' } }).uri;
}

describe('the edge of a stage', () => {
  let dev: ReturnType<typeof buildStacks>;
  let prod: ReturnType<typeof buildStacks>;
  beforeAll(() => {
    dev = buildStacks('dev');
    prod = buildStacks('prod', { ...VNEID_CONTEXT, wafBlockAnonymousIps: 'true' });
  });

  it('keeps the WAF web ACL in us-east-1 and the distribution in the stage region, linked across regions', () => {
    expect(dev.edge.region).toBe(EDGE_REGION);
    expect(dev.web.region).toBe(DEFAULT_REGION);
    expect(dev.edge.stackName).toBe('Cong-dev-Edge');
    expect(dev.web.stackName).toBe('Cong-dev-Web');
    dev.edgeT.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
    });
    // The ARN travels through CDK's cross-region exports (written in us-east-1, read in the stage region).
    dev.edgeT.hasResourceProperties('Custom::CrossRegionExportWriter', {
      WriterProps: { region: DEFAULT_REGION, exports: Match.anyValue() },
    });
    const webAcl = distributionConfig(dev.webT).WebACLId as { 'Fn::GetAtt': [string, string] };
    expect(webAcl['Fn::GetAtt'][1]).toMatch(/^\/cdk\/exports\/Cong-dev-Web\/.*WebAclArn/);
    dev.webT.resourceCountIs('Custom::CrossRegionExportReader', 1);
  });

  it('serves the page from a private bucket through Origin Access Control', () => {
    const bucket = only(resourcesOf(dev.webT, 'AWS::S3::Bucket'));
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    dev.webT.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always' },
    });
    const config = distributionConfig(dev.webT);
    const pageOrigin = config.Origins.find((o) => o.Id === config.DefaultCacheBehavior.TargetOriginId)!;
    expect(pageOrigin.OriginAccessControlId).toBeDefined();
    expect(pageOrigin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    // Only CloudFront, and only this distribution, may read it.
    const policy = JSON.stringify(only(resourcesOf(dev.webT, 'AWS::S3::BucketPolicy')).Properties);
    expect(policy).toContain('cloudfront.amazonaws.com');
    expect(policy).toContain('AWS:SourceArn');
    expect(config.DefaultCacheBehavior).toMatchObject({
      CachePolicyId: CACHING_OPTIMIZED,
      AllowedMethods: ['GET', 'HEAD'],
      ViewerProtocolPolicy: 'redirect-to-https',
    });
    expect(config.DefaultRootObject).toBe('index.html');
  });

  it('sends the API paths uncached, with every viewer header but Host and every method, to API Gateway', () => {
    const config = distributionConfig(dev.webT);
    expect(config.CacheBehaviors.map((b) => b.PathPattern)).toEqual([...API_PATH_PATTERNS]);
    for (const behavior of config.CacheBehaviors) {
      expect(behavior).toMatchObject({
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
        ViewerProtocolPolicy: 'https-only',
      });
      expect(behavior.FunctionAssociations).toBeUndefined();
      const origin = config.Origins.find((o) => o.Id === behavior.TargetOriginId)!;
      expect(render(origin.DomainName)).toBe('imported.execute-api.ap-southeast-1.amazonaws.com');
      expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
    }
    // Every route of the API is reached through one of them, none through the page's bucket.
    for (const route of cloudRoutes) {
      const path = route.path.replace(/\{[^}]+\}/g, 'x');
      expect(
        API_PATH_PATTERNS.some((p) => matches(p, path)),
        routeKey(route),
      ).toBe(true);
    }
  });

  it('keeps the API to the edge: CloudFront sends a generated secret header, every HTTP function demands it', () => {
    const config = distributionConfig(dev.webT);
    const apiOrigin = config.Origins.find((o) => o.Id === config.CacheBehaviors[0]!.TargetOriginId)!;
    const headers = apiOrigin.OriginCustomHeaders as { HeaderName: string; HeaderValue: string }[];
    // A dynamic reference CloudFormation resolves at deployment: no value in the template.
    expect(headers).toEqual([
      {
        HeaderName: EDGE_ORIGIN_HEADER,
        HeaderValue: '{{resolve:secretsmanager:cong/dev/edge-origin:SecretString:current::}}',
      },
    ]);
    const page = config.Origins.find((o) => o.Id === config.DefaultCacheBehavior.TargetOriginId)!;
    expect(page.OriginCustomHeaders).toBeUndefined();
    // Generated by Secrets Manager in the API stack, letters and digits only.
    dev.apiT.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'cong/dev/edge-origin',
      GenerateSecretString: Match.objectLike({
        GenerateStringKey: 'current',
        ExcludePunctuation: true,
        PasswordLength: 64,
      }),
    });
    const template = dev.apiT.toJSON() as { Resources: Record<string, { Type: string; Properties: Json }> };
    const secretId = Object.entries(template.Resources).find(
      ([, r]) => r.Type === 'AWS::SecretsManager::Secret' && r.Properties.Name === 'cong/dev/edge-origin',
    )![0];
    const http = new Set<string>(cloudRoutes.map((r) => r.fn));
    const lambdas = resourcesOf(dev.apiT, 'AWS::Lambda::Function');
    // CloudFormation resolves the value into the functions' environment: no function reads the secret.
    const policies = JSON.stringify(resourcesOf(dev.apiT, 'AWS::IAM::Policy'));
    expect(policies).not.toContain(secretId);
    for (const name of Object.keys(functions)) {
      const fn = lambdas.find((f) => render(f.Properties.FunctionName) === `cong-dev-${name}`)!;
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      if (http.has(name)) {
        expect(env.EDGE_ORIGIN_CHECK, name).toBe('on');
        // By the secret's ARN (a Ref), so the function waits for the secret on a first deployment.
        expect(JSON.stringify(env.EDGE_ORIGIN_VALUES), name).toBe(
          JSON.stringify({
            'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:current::}}']],
          }),
        );
      } else {
        // Queue, stream and schedule functions take no HTTP requests.
        expect(env.EDGE_ORIGIN_CHECK, name).toBeUndefined();
      }
    }
    // The raw API address is not advertised as the portal's.
    const apiUrl = (dev.apiT.toJSON() as { Outputs: Record<string, { Description?: string }> }).Outputs
      .ApiUrl!;
    expect(apiUrl.Description).toMatch(/EDGE_REQUIRED/);
  });

  it('gives payment returns, file links and the OpenAPI server the edge address, never the raw API', () => {
    const linking = Object.entries(functions)
      .filter(([, spec]) => spec.linksToPortal)
      .map(([name]) => `cong-dev-${name}`);
    expect(linking.length).toBeGreaterThan(0);
    const lambdas = resourcesOf(dev.apiT, 'AWS::Lambda::Function');
    for (const name of linking) {
      const fn = lambdas.find((f) => render(f.Properties.FunctionName) === name)!;
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.PORTAL_URL_PARAMETER, name).toBe('/cong/dev/portal-url');
      expect(env.PORTAL_URL, name).toBeUndefined();
    }
    // No function is told API Gateway's own address.
    for (const fn of lambdas) expect(JSON.stringify(fn.Properties.Environment)).not.toContain('execute-api');
    expect(JSON.stringify(resourcesOf(dev.apiT, 'AWS::IAM::Policy'))).toContain(
      ':parameter/cong/dev/portal-url',
    );
    // The Web stack writes the distribution's address there once the distribution exists.
    const param = only(resourcesOf(dev.webT, 'AWS::SSM::Parameter')).Properties;
    expect(param.Name).toBe('/cong/dev/portal-url');
    const value = JSON.stringify(param.Value);
    expect(value).toContain('https://');
    expect(value).toMatch(/Distribution[0-9A-F]{8}","DomainName"/);
  });

  it('rotates the edge header with deployments: functions accept new and old, then the edge sends new', () => {
    const version = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
    const old = 'f0e1d2c3-b4a5-4968-8776-655443322110';
    const rotated = buildStacks('dev', { edgeOriginSecretVersion: version, edgeOriginPreviousVersion: old });
    const config = distributionConfig(rotated.webT);
    expect(JSON.stringify(config.Origins)).toContain(
      `{{resolve:secretsmanager:cong/dev/edge-origin:SecretString:current::${version}}}`,
    );
    // The old version's `current` (a field that exists), never a `previous` field that may be missing.
    const valuesOf = (t: typeof dev.apiT) =>
      resourcesOf(t, 'AWS::Lambda::Function')
        .map((f) => (f.Properties.Environment as { Variables: Record<string, unknown> }).Variables)
        .filter((env) => env.EDGE_ORIGIN_CHECK === 'on')
        .map((env) => JSON.stringify(env.EDGE_ORIGIN_VALUES));
    const during = valuesOf(rotated.apiT);
    expect(during.length).toBeGreaterThan(0);
    for (const v of during) {
      expect(v).toContain(`:SecretString:current::${version}}},{{resolve:secretsmanager:`);
      expect(v).toContain(`:SecretString:current::${old}}}`);
      expect(v).not.toContain('previous');
    }
    for (const v of valuesOf(dev.apiT)) expect(v).not.toContain('}},{{');
    // CloudFormation takes at most 60 dynamic references per template.
    expect(JSON.stringify(rotated.apiT.toJSON()).match(/\{\{resolve:/g)!.length).toBeLessThanOrEqual(60);
    for (const key of ['edgeOriginSecretVersion', 'edgeOriginPreviousVersion'])
      expect(() => buildStacks('dev', { [key]: 'AWSCURRENT; rm' })).toThrow(new RegExp(key));
  });

  it('answers page routes with index.html, never API paths or files', () => {
    expect(routePage('/')).toBe('/index.html');
    expect(routePage('/auth/callback')).toBe('/index.html');
    // Procedure codes have dots: a page address, not a file.
    expect(routePage('/thu-tuc/1.004222')).toBe('/index.html');
    expect(routePage('/nop/2.000986')).toBe('/index.html');
    expect(routePage('/app-3F2A9C.js')).toBe('/app-3F2A9C.js');
    expect(routePage('/config.json')).toBe('/config.json');
    expect(routePage('/v1/procedures')).toBe('/v1/procedures');
    expect(routePage('/v1')).toBe('/v1');
    const fn = only(resourcesOf(dev.webT, 'AWS::CloudFront::Function'));
    expect(fn.Properties.FunctionCode).toBe(PAGE_ROUTE_FUNCTION);
    expect(fn.Properties.FunctionConfig).toMatchObject({ Runtime: 'cloudfront-js-2.0' });
    expect(distributionConfig(dev.webT).DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: expect.anything() },
    ]);
  });

  it('deploys hashed assets cached for a year and index.html, config.json revalidated and invalidated', () => {
    const deployments = resourcesOf(dev.webT, 'Custom::CDKBucketDeployment').map((d) => d.Properties);
    expect(deployments).toHaveLength(2);
    const assets = deployments.find((d) => !d.DistributionPaths)!;
    const entry = deployments.find((d) => d.DistributionPaths)!;
    expect(assets).toMatchObject({
      Prune: false,
      Exclude: ['index.html', 'config.json'],
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    expect(entry).toMatchObject({
      Prune: false,
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionPaths: ['/index.html', '/config.json'],
    });
    // index.html from the build, and config.json naming the stage's issuer and web client.
    expect(entry.SourceObjectKeys).toHaveLength(2);
    const markers = JSON.stringify(entry.SourceMarkers);
    for (const value of ['CitizensPoolWeb', 'CitizensPoolDomain', 'CitizensPool'])
      expect(markers).toContain(value);
  });

  it('warns and deploys no page when the web build is missing', () => {
    const built = buildApp({ context: testContext('dev', { webBuildDir: '/nonexistent/web' }), nag: false });
    const web = Template.fromStack(built.web);
    web.resourceCountIs('Custom::CDKBucketDeployment', 0);
    web.resourceCountIs('AWS::CloudFront::Distribution', 1);
    Annotations.fromStack(built.web).hasWarning('/Cong-dev-Web', Match.stringLikeRegexp('npm run web:build'));
  });

  it('sends the page its own security headers, its CSP built from the same source as the local gateway', () => {
    const policies = resourcesOf(dev.webT, 'AWS::CloudFront::ResponseHeadersPolicy').map(
      (p) => p.Properties.ResponseHeadersPolicyConfig as Json & { Name: string; SecurityHeadersConfig: Json },
    );
    const page = policies.find((p) => p.Name === 'cong-dev-page-headers')!;
    const csp = page.SecurityHeadersConfig.ContentSecurityPolicy as Json;
    expect(render(csp.ContentSecurityPolicy)).toBe(
      pageContentSecurityPolicy({
        apiUrl: '',
        issuer: 'https://cognito-idp.ap-southeast-1.amazonaws.com/pool',
        logoutEndpoint: 'https://imported.auth.ap-southeast-1.amazoncognito.com/logout',
        // The scans bucket's regional endpoint, where the page posts scans (from the data stack).
        uploadUrl: 'https://imported',
      }),
    );
    expect(render(csp.ContentSecurityPolicy)).toContain("frame-ancestors 'none'");
    expect(page.SecurityHeadersConfig).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
    });
    expect(JSON.stringify(page.CustomHeadersConfig)).toContain('permissions-policy');
    // The API keeps its own headers (the /docs page has another CSP); the edge adds its strict set only
    // where an answer lacks them (API Gateway's own 401s and 429s).
    const api = policies.find((p) => p.Name === 'cong-dev-api-headers')!;
    expect(api.SecurityHeadersConfig).toEqual({
      ContentSecurityPolicy: { ContentSecurityPolicy: API_CONTENT_SECURITY_POLICY, Override: false },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: false },
      ContentTypeOptions: { Override: false },
      FrameOptions: { FrameOption: 'DENY', Override: false },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: false },
    });
  });

  it('applies the managed rule groups, the anonymous-IP list only where the stage asks for it', () => {
    const groups = (t: Template) =>
      (only(resourcesOf(t, 'AWS::WAFv2::WebACL')).Properties.Rules as Json[])
        .map((r) => (r.Statement as Json).ManagedRuleGroupStatement as Json | undefined)
        .filter(Boolean)
        .map((g) => g!.Name);
    expect(groups(dev.edgeT)).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    expect(groups(prod.edgeT)).toContain('AWSManagedRulesAnonymousIpList');
    expect(stageSettings((k) => testContext('prod', VNEID_CONTEXT)[k]).waf.blockAnonymousIps).toBe(false);
  });

  it('limits each address, with a higher budget for agency callbacks and payment notices', () => {
    const prefixes = partnerPathPrefixes();
    expect(prefixes).toEqual(expect.arrayContaining(['/v1/agency/events', '/v1/payments/callbacks/']));
    // Every partner route falls under a partner prefix; no citizen route does.
    for (const route of cloudRoutes) {
      const partner = route.auth === 'agency' || route.auth === 'payment';
      expect(
        prefixes.some((p) => route.path.startsWith(p)),
        routeKey(route),
      ).toBe(partner);
    }
    const rules = only(resourcesOf(prod.edgeT, 'AWS::WAFv2::WebACL')).Properties.Rules as Json[];
    const rate = (name: string) => {
      const rule = rules.find((r) => r.Name === name)!;
      return { rule, statement: (rule.Statement as Json).RateBasedStatement as Json };
    };
    const partner = rate('PartnerRatePerIp');
    const citizen = rate('CitizenRatePerIp');
    const { waf } = prod.settings;
    expect(partner.statement).toMatchObject({
      Limit: waf.partnerRequestsPer5Min,
      AggregateKeyType: 'IP',
      EvaluationWindowSec: 300,
    });
    expect(citizen.statement).toMatchObject({ Limit: waf.citizenRequestsPer5Min, AggregateKeyType: 'IP' });
    expect(waf.partnerRequestsPer5Min).toBeGreaterThan(waf.citizenRequestsPer5Min);
    const searched = JSON.stringify(partner.statement.ScopeDownStatement);
    for (const prefix of prefixes) expect(searched).toContain(prefix);
    expect(citizen.statement.ScopeDownStatement).toEqual({
      NotStatement: { Statement: partner.statement.ScopeDownStatement },
    });
    // A refusal looks like the API's own 429.
    for (const { rule } of [partner, citizen]) {
      expect(rule.Action).toMatchObject({
        Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'rateLimited' } },
      });
    }
    const bodies = only(resourcesOf(prod.edgeT, 'AWS::WAFv2::WebACL')).Properties
      .CustomResponseBodies as Json;
    expect(JSON.parse((bodies.rateLimited as Json).Content as string)).toEqual(
      new AppError('RATE_LIMITED').toBody(),
    );
    // Limits come from context when given, and are validated.
    const tuned = buildStacks('dev', { wafCitizenLimit: '200', wafPartnerLimit: '4000' });
    expect(JSON.stringify(tuned.edgeT.toJSON())).toContain('"Limit":200');
    expect(() => buildStacks('dev', { wafCitizenLimit: '5' })).toThrow(/wafCitizenLimit/);
    expect(() => buildStacks('dev', { wafCitizenLimit: '4000', wafPartnerLimit: '1000' })).toThrow(
      /wafPartnerLimit/,
    );
  });

  it('logs WAF requests to an aws-waf-logs- bucket kept for the stage retention, secrets redacted', () => {
    for (const stack of [dev, prod]) {
      const bucket = only(resourcesOf(stack.edgeT, 'AWS::S3::Bucket'));
      expect(render(bucket.Properties.BucketName)).toMatch(/^aws-waf-logs-cong-(dev|prod)-/);
      expect(bucket.Properties.LifecycleConfiguration).toEqual({
        Rules: [{ ExpirationInDays: stack.settings.waf.logRetentionDays, Status: 'Enabled' }],
      });
      const logging = only(resourcesOf(stack.edgeT, 'AWS::WAFv2::LoggingConfiguration')).Properties;
      expect(logging.ResourceArn).toEqual({ 'Fn::GetAtt': ['WebAcl', 'Arn'] });
      expect(JSON.stringify(logging.LogDestinationConfigs)).toContain('WafLogs');
      expect(logging.RedactedFields).toEqual([
        { SingleHeader: { Name: 'authorization' } },
        { SingleHeader: { Name: 'cookie' } },
        { QueryString: {} },
      ]);
    }
    expect(only(resourcesOf(prod.edgeT, 'AWS::S3::Bucket')).DeletionPolicy).toBe('Retain');
    expect(only(resourcesOf(dev.edgeT, 'AWS::S3::Bucket')).DeletionPolicy).toBe('Delete');
    expect(prod.settings.waf.logRetentionDays).toBeGreaterThan(dev.settings.waf.logRetentionDays);
  });

  it('lets a browser on another origin send If-Match and Idempotency-Key and read ETag', () => {
    const cors = only(resourcesOf(dev.apiT, 'AWS::ApiGatewayV2::Api')).Properties.CorsConfiguration as Json;
    expect(cors.AllowHeaders).toEqual(
      expect.arrayContaining(['if-match', 'idempotency-key', 'authorization']),
    );
    expect(cors.ExposeHeaders).toEqual(expect.arrayContaining(['etag', 'retry-after', 'x-request-id']));
    expect(cors.AllowHeaders).toEqual([...CORS_REQUEST_HEADERS]);
    expect(cors.ExposeHeaders).toEqual([...CORS_EXPOSED_HEADERS]);
    // The headers the handlers read and send are really these.
    const source = (file: string) =>
      readFileSync(new URL(`../../functions/${file}`, import.meta.url), 'utf8');
    expect(source('me/handler.ts')).toContain('etag');
    expect(source('core/http.ts')).toMatch(/idempotency-key/i);
  });

  it('serves a custom domain with its us-east-1 certificate, and sends citizens back there', () => {
    const certificateArn = `arn:aws:acm:us-east-1:${TEST_ACCOUNTS.prod}:certificate/0b5c9a5e-7d5b-4a59-9c1e-2f6b8d1c3a77`;
    const withDomain = buildStacks('prod', {
      ...VNEID_CONTEXT,
      domainName: 'dichvucong.gov.vn',
      certificateArn,
    });
    const config = distributionConfig(withDomain.webT);
    expect(config.Aliases).toEqual(['dichvucong.gov.vn']);
    expect(config.ViewerCertificate).toMatchObject({
      AcmCertificateArn: certificateArn,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(withDomain.settings.webOrigins).toContain('https://dichvucong.gov.vn');
    expect(JSON.stringify(withDomain.apiT.toJSON())).toContain('"PORTAL_URL":"https://dichvucong.gov.vn"');
    expect(JSON.stringify(withDomain.apiT.toJSON())).not.toContain('PORTAL_URL_PARAMETER');
    withDomain.webT.hasResourceProperties('AWS::SSM::Parameter', { Value: 'https://dichvucong.gov.vn' });
    expect(distributionConfig(dev.webT).Aliases).toBeUndefined();
    expect(() =>
      buildStacks('prod', {
        ...VNEID_CONTEXT,
        domainName: 'dichvucong.gov.vn',
        certificateArn: certificateArn.replace('us-east-1', 'ap-southeast-1'),
      }),
    ).toThrow(/us-east-1/);
    expect(() => buildStacks('prod', { ...VNEID_CONTEXT, domainName: 'dichvucong.gov.vn' })).toThrow(
      /both domainName and certificateArn/,
    );
  });
});

describe('stages', () => {
  const settingsOf = (stage: string, extra: Record<string, unknown> = {}) => {
    const context: Record<string, unknown> = { ...testContext('dev'), ...VNEID_CONTEXT, stage, ...extra };
    return stageSettings((key) => context[key]);
  };

  it('has dev, staging and prod, each with its account and region pinned', () => {
    expect([...STAGES]).toEqual(['dev', 'staging', 'prod']);
    for (const stage of STAGES) {
      const s = settingsOf(stage, { webOrigins: '["https://thu-nghiem.dichvucong.example.vn"]' });
      expect(s.account).toBe(TEST_ACCOUNTS[stage]);
      expect(s.region).toBe(DEFAULT_REGION);
    }
    expect(
      settingsOf('staging', { regions: '{"staging":"ap-southeast-7"}', webOrigins: '["https://a.vn"]' })
        .region,
    ).toBe('ap-southeast-7');
    expect(() => settingsOf('prod', { regions: { prod: 'saigon' } })).toThrow(/regions/);
    expect(() => settingsOf('prod', { accounts: { prod: '12345' } })).toThrow(/accounts/);
    expect(() => settingsOf('prod', { accounts: { dev: TEST_ACCOUNTS.dev } })).toThrow(
      /no pinned AWS account/,
    );
    // A dev sandbox may leave its account open.
    expect(settingsOf('dev', { accounts: {} }).account).toBeUndefined();
  });

  it('makes staging production-like but disposable, and prod keep its data and reserve capacity', () => {
    const staging = settingsOf('staging', { webOrigins: '["https://thu-nghiem.dichvucong.example.vn"]' });
    const prod = settingsOf('prod');
    expect(staging).toMatchObject({ stage: 'staging', prefix: 'cong-staging', logLevel: 'INFO' });
    expect(staging.removalPolicy).toBe('destroy');
    expect(prod.removalPolicy).toBe('retain');
    expect(staging.waf.citizenRequestsPer5Min).toBe(prod.waf.citizenRequestsPer5Min);
    expect(staging.reservedConcurrency).toEqual({});
    expect(prod.reservedConcurrency.intake).toBeGreaterThan(0);
    // Outside dev everything travels over TLS, and staging must say where its page lives.
    expect(() => settingsOf('staging', { webOrigins: '["http://x.vn"]' })).toThrow(/https/);
    expect(() => settingsOf('staging')).toThrow(/page's address/);
    expect(() =>
      settingsOf('staging', { webOrigins: '["https://a.vn"]', agencyEndpoints: { bca: 'http://x.vn' } }),
    ).toThrow(/https/);
  });

  it('builds the staging stacks and reserves concurrency in prod only', () => {
    const staging = buildStacks('staging');
    expect(staging.web.stackName).toBe('Cong-staging-Web');
    staging.edgeT.resourceCountIs('AWS::WAFv2::WebACL', 1);
    const reserved = (t: Template) =>
      resourcesOf(t, 'AWS::Lambda::Function')
        .filter((f) => f.Properties.ReservedConcurrentExecutions !== undefined)
        .map((f) => [render(f.Properties.FunctionName), f.Properties.ReservedConcurrentExecutions]);
    expect(reserved(staging.apiT)).toEqual([]);
    const prod = buildStacks('prod', VNEID_CONTEXT);
    expect(reserved(prod.apiT)).toEqual(
      Object.entries(prod.settings.reservedConcurrency).map(([name, n]) => [`cong-prod-${name}`, n]),
    );
  });

  it('refuses to synthesize for credentials of another account than the pinned one', () => {
    const context = testContext('prod', VNEID_CONTEXT);
    expect(() => buildApp({ context, callerAccount: '999999999999', nag: false })).toThrow(
      /pinned to AWS account 333333333333, but the credentials are for 999999999999/,
    );
    expect(() => buildApp({ context, callerAccount: TEST_ACCOUNTS.prod, nag: false })).not.toThrow();
    // Without credentials (offline synth) there is nothing to compare.
    expect(() => buildApp({ context, nag: false })).not.toThrow();
  });

  it('pins every template to its account, so CloudFormation rejects it anywhere else', () => {
    const prod = buildStacks('prod', VNEID_CONTEXT);
    for (const stack of [prod.data, prod.api, prod.monitoring, prod.edge, prod.web]) {
      expect(stack.account).toBe(TEST_ACCOUNTS.prod);
      const rules = Template.fromStack(stack).toJSON().Rules as Json;
      expect(rules.PinnedAccount).toEqual({
        Assertions: [
          {
            Assert: { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, TEST_ACCOUNTS.prod] },
            AssertDescription: `Cong prod deploys only to AWS account ${TEST_ACCOUNTS.prod}`,
          },
        ],
      });
    }
    const sandbox = buildStacks('dev', { accounts: {} });
    expect(Template.fromStack(sandbox.data).toJSON().Rules?.PinnedAccount).toBeUndefined();
  });

  it('adopts the feature flags aws-cdk-lib recommends for a new app', () => {
    const context = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context;
    for (const [flag, value] of Object.entries(CURRENTLY_RECOMMENDED_FLAGS)) {
      // Strong references: the data stack cannot drop a value the API stack still uses (lib/app.ts).
      if (flag === '@aws-cdk/core:defaultCrossStackReferences') expect(context[flag], flag).toBe('strong');
      else expect(context[flag], flag).toEqual(value);
    }
  });

  it('turns --stage into the CDK context for diff and deploy of every stack', () => {
    expect(cdkArguments('deploy', ['--stage', 'prod', '--require-approval', 'broadening'])).toEqual([
      'deploy',
      '--all',
      '-c',
      'stage=prod',
      '--require-approval',
      'broadening',
    ]);
    expect(cdkArguments('diff', ['--stage=staging'])).toEqual(['diff', '--all', '-c', 'stage=staging']);
    expect(() => cdkArguments('deploy', [])).toThrow(/--stage/);
    expect(() => cdkArguments('deploy', ['--stage', 'qa'])).toThrow(/dev\|staging\|prod/);
  });
});

import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { cloudRoutes, routeKey } from '../../functions/routes.js';
import { stageSettings } from '../../lib/settings.js';
import { personRole } from '../../schemas/common.js';
import { buildStacks, TEST_ACCOUNTS, TEST_STAGES } from '../support/cdk-app.js';
import { VNEID_CONTEXT } from '../support/vneid-context.js';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };
const client = (t: Template) => {
  const clients = Object.values(t.findResources('AWS::Cognito::UserPoolClient') as Record<string, Resource>);
  expect(clients).toHaveLength(1);
  return clients[0]!;
};

describe('sign-in in AWS', () => {
  const prod = buildStacks('prod', { ...VNEID_CONTEXT, authDomainPrefix: 'dichvucong-prod' });
  const dev = buildStacks('dev');
  const devWithVneid = buildStacks('dev', VNEID_CONTEXT);

  it('federates VNeID from context, its secret a Secrets Manager dynamic reference', () => {
    prod.dataT.resourceCountIs('AWS::Cognito::UserPoolIdentityProvider', 1);
    prod.dataT.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
      ProviderName: 'VNeID',
      ProviderType: 'OIDC',
      ProviderDetails: Match.objectLike({
        client_id: 'cong-portal',
        client_secret: '{{resolve:secretsmanager:cong/prod/vneid-client-secret:SecretString:::}}',
        oidc_issuer: VNEID_CONTEXT.vneidIssuerUrl,
        authorize_scopes: 'openid profile',
        attributes_request_method: 'GET',
      }),
      AttributeMapping: { name: 'name', username: 'sub', 'custom:citizen_id': 'citizen_id' },
    });
    // No secret material in the template.
    expect(JSON.stringify(prod.dataT.toJSON())).not.toMatch(/client_secret":"(?!\{\{resolve)/);
  });

  it('maps another citizen ID claim when told', () => {
    const t = buildStacks('prod', { ...VNEID_CONTEXT, vneidCitizenIdClaim: 'so_dinh_danh' });
    t.dataT.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
      AttributeMapping: Match.objectLike({ 'custom:citizen_id': 'so_dinh_danh' }),
    });
  });

  it('offers VNeID in prod and, on dev stages only, Cognito accounts', () => {
    const p = client(prod.dataT);
    expect(p.Properties.SupportedIdentityProviders).toEqual(['VNeID']);
    expect(p.DependsOn?.some((d) => d.includes('Vneid'))).toBe(true);
    expect(client(devWithVneid.dataT).Properties.SupportedIdentityProviders).toEqual(['VNeID', 'COGNITO']);
    expect(client(dev.dataT).Properties.SupportedIdentityProviders).toEqual(['COGNITO']);
    dev.dataT.resourceCountIs('AWS::Cognito::UserPoolIdentityProvider', 0);
    // Cognito accounts: e-mail or phone on dev stages; prod has no such accounts to sign in with.
    dev.dataT.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email', 'phone_number'],
    });
    prod.dataT.hasResourceProperties('AWS::Cognito::UserPool', { UsernameAttributes: ['email'] });
  });

  it('keeps the PKCE code flow and a hosted domain from context', () => {
    const p = client(prod.dataT);
    expect(p.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: expect.arrayContaining(['openid']),
      CallbackURLs: ['https://dichvucong.gov.vn/auth/callback'],
    });
    prod.dataT.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'dichvucong-prod' });
    const devDomain = Object.values(dev.dataT.findResources('AWS::Cognito::UserPoolDomain'))[0] as Resource;
    expect(JSON.stringify(devDomain.Properties.Domain)).toContain('cong-dev-');
    expect(JSON.stringify(devDomain.Properties.Domain)).toContain('AWS::AccountId');
  });

  it('has one group per role', () => {
    const groups = Object.values(
      prod.dataT.findResources('AWS::Cognito::UserPoolGroup') as Record<string, Resource>,
    );
    expect(groups.map((g) => g.Properties.GroupName).sort()).toEqual([...personRole.options].sort());
    const precedence = new Set(groups.map((g) => g.Properties.Precedence));
    expect(precedence.size).toBe(groups.length);
  });

  it('lets no signed-in person rewrite the citizen ID VNeID mapped, on any stage', () => {
    // Cognito requires a mapped attribute to be client-writable; what keeps a person from writing it is
    // that their tokens cannot call UpdateUserAttributes (no admin scope, no password or SRP sign-in).
    for (const t of [prod.dataT, dev.dataT, devWithVneid.dataT]) {
      const p = client(t).Properties;
      expect(p.AllowedOAuthScopes).not.toContain('aws.cognito.signin.user.admin');
      expect(p.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    }
  });

  it('lets no client write whom a person acts for, and keeps the citizen ID out of ID tokens', () => {
    prod.dataT.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'agency_id', AttributeDataType: 'String' }),
        Match.objectLike({ Name: 'tax_code', AttributeDataType: 'String' }),
        Match.objectLike({ Name: 'citizen_id', AttributeDataType: 'String' }),
      ]),
    });
    const p = client(prod.dataT).Properties;
    const write = p.WriteAttributes as string[];
    expect(write).not.toContain('custom:agency_id');
    expect(write).not.toContain('custom:tax_code');
    // VNeID's mapping must be writable, or federated sign-in fails.
    expect(write).toEqual(expect.arrayContaining(['name', 'custom:citizen_id']));
    const read = p.ReadAttributes as string[];
    expect(read).toEqual(expect.arrayContaining(['custom:agency_id', 'custom:tax_code', 'name']));
    expect(read).not.toContain('custom:citizen_id');
  });

  it('copies agency and tax code into access tokens with a version 2 pre-token trigger', () => {
    const fns = prod.dataT.findResources('AWS::Lambda::Function') as Record<string, Resource>;
    const [id, fn] = Object.entries(fns).find(
      ([, f]) => f.Properties.FunctionName === 'cong-prod-preTokenGeneration',
    )!;
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Timeout: 3 });
    // Cognito invokes the live alias (a canary in prod), never the bare function.
    const aliases = prod.dataT.findResources('AWS::Lambda::Alias') as Record<string, Resource>;
    const [aliasId, alias] = Object.entries(aliases).find(
      ([, a]) => (a.Properties.FunctionName as { Ref: string }).Ref === id,
    )!;
    expect(alias.Properties.Name).toBe('live');
    prod.dataT.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        PreTokenGenerationConfig: { LambdaArn: { Ref: aliasId }, LambdaVersion: 'V2_0' },
      },
      UserPoolTier: 'ESSENTIALS',
    });
    prod.dataT.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'cognito-idp.amazonaws.com',
      FunctionName: { Ref: aliasId },
    });
    expect(JSON.stringify(prod.dataT.toJSON())).not.toContain(`"LambdaArn":{"Fn::GetAtt":["${id}"`);
  });

  it('puts the JWT authorizer on every citizen route and on no public one', () => {
    const routes = Object.values(
      prod.apiT.findResources('AWS::ApiGatewayV2::Route') as Record<string, Resource>,
    );
    const [authorizerId] = Object.keys(prod.apiT.findResources('AWS::ApiGatewayV2::Authorizer'));
    prod.apiT.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: Match.objectLike({ Issuer: Match.anyValue(), Audience: [Match.anyValue()] }),
    });
    expect(cloudRoutes.some((r) => r.auth === 'citizen')).toBe(true);
    expect(cloudRoutes.some((r) => r.auth === 'public')).toBe(true);
    for (const route of cloudRoutes) {
      const found = routes.find((r) => r.Properties.RouteKey === routeKey(route));
      expect(found, routeKey(route)).toBeDefined();
      if (route.auth === 'citizen') {
        expect(found?.Properties.AuthorizationType, routeKey(route)).toBe('JWT');
        expect(found?.Properties.AuthorizerId, routeKey(route)).toEqual({ Ref: authorizerId });
      } else {
        expect(found?.Properties.AuthorizationType, routeKey(route)).toBe('NONE');
      }
    }
  });

  it('refuses a partial or insecure VNeID configuration, and prod without it', () => {
    const ctx = (values: Record<string, unknown>) => (key: string) => values[key];
    expect(() => stageSettings(ctx({ stage: 'prod' }))).toThrow(/VNeID/);
    expect(() => stageSettings(ctx({ stage: 'dev', vneidIssuerUrl: 'https://x.vn' }))).toThrow(/all of/);
    expect(() =>
      stageSettings(ctx({ stage: 'dev', ...VNEID_CONTEXT, vneidIssuerUrl: 'http://sso.vneid.vn' })),
    ).toThrow(/https/);
    expect(() => stageSettings(ctx({ stage: 'dev', authDomainPrefix: 'Cong_Dev' }))).toThrow(/prefix/);
    expect(() => stageSettings(ctx({ stage: 'dev', authDomainPrefix: 'cong-cognito' }))).toThrow(/prefix/);
    expect(stageSettings(ctx({ stage: 'dev' })).signIn.cognitoAccounts).toBe(true);
    expect(
      stageSettings(ctx({ stage: 'prod', ...VNEID_CONTEXT, accounts: TEST_ACCOUNTS, stages: TEST_STAGES }))
        .signIn,
    ).toMatchObject({
      cognitoAccounts: false,
      vneid: { citizenIdClaim: 'citizen_id' },
    });
  });
});

/**
 * Who citizens are: the Cognito user pool whose tokens the API accepts. It lives with the stateful
 * resources because a citizen's `sub` owns their dossiers (OWNER#<sub>): a recreated pool would
 * orphan every dossier.
 *
 * Citizens sign in at the pool's hosted domain, which federates to the national e-ID (VNeID) over
 * OIDC; development stages also offer Cognito's own accounts for testers. Roles are Cognito groups
 * (tokens carry `cognito:groups`), and whom an officer or representative acts for is a custom
 * attribute only operators set (`custom:agency_id`, `custom:tax_code`). The citizen ID VNeID verified
 * (`custom:citizen_id`, mapped at every federated sign-in) reaches the API in the access token alone,
 * through the pre-token trigger: a profile's citizen ID is bound to it, never taken from a form.
 */
import { Aws, Duration, type RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  type CfnUserPoolClient,
  ClientAttributes,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  OidcAttributeRequestMethod,
  ProviderAttribute,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
  UserPoolIdentityProviderOidc,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { personRole } from '../schemas/common.js';
import { acknowledge } from './nag.js';
import { PortalFunction } from './portal-function.js';
import type { StageSettings } from './settings.js';
import { WEB_SIGN_IN } from './web-session.js';

export interface CitizenIdentityProps {
  poolName: string;
  webOrigins: string[];
  removalPolicy: RemovalPolicy;
  deletionProtection: boolean;
  settings: StageSettings;
}

/** Name of the VNeID provider in the pool (the hosted UI's button, `identity_provider=VNeID`). */
export const VNEID_PROVIDER_NAME = 'VNeID';

/** What each Cognito group (one per role) stands for; a person's first group is their role. */
const ROLE_GROUPS: Record<(typeof personRole.options)[number], string> = {
  citizen: 'Citizens signed in with VNeID',
  business: 'Business representatives acting for the enterprise named by custom:tax_code',
  desk_officer: 'One-stop desk officers filing on behalf of citizens at the office in custom:agency_id',
  agency_officer: 'Agency officers reading the dossiers and petitions of the agency in custom:agency_id',
  catalog_admin: 'Administrators of the procedure catalog',
  operator: 'Operators of the portal (redrive, statistics)',
  support_agent: 'Support desk and call-centre agents (of the province in custom:province_code, or national)',
};

export class CitizenIdentity extends Construct {
  readonly userPool: UserPool;
  readonly webClient: UserPoolClient;
  readonly domain: UserPoolDomain;
  /** The VNeID provider, when its context is given (always in prod). */
  readonly vneid?: UserPoolIdentityProviderOidc;
  /** The `iss` of the pool's tokens; its JWKS is at `${issuer}/.well-known/jwks.json`. */
  readonly issuer: string;
  /** The pre-token-generation trigger; Cognito invokes its `live` alias. */
  readonly preToken: PortalFunction;

  constructor(scope: Construct, id: string, props: CitizenIdentityProps) {
    super(scope, id);

    this.userPool = new UserPool(this, 'Pool', {
      userPoolName: props.poolName,
      // Accounts come from federation (VNeID) or are created by operators; nobody registers here.
      selfSignUpEnabled: false,
      // Cognito's own accounts sign in by e-mail; on dev stages (testers) also by phone number.
      signInAliases: { email: true, phone: props.settings.signIn.cognitoAccounts },
      autoVerify: { email: true, phone: props.settings.signIn.cognitoAccounts },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
      // Mutable: federated sign-in rewrites mapped attributes at every sign-in, and operators
      // reassign officers. Whether a client may write them is decided per client below.
      customAttributes: {
        agency_id: new StringAttribute({ minLen: 1, maxLen: 40, mutable: true }),
        tax_code: new StringAttribute({ minLen: 10, maxLen: 14, mutable: true }),
        citizen_id: new StringAttribute({ minLen: 9, maxLen: 12, mutable: true }),
        // The province whose support desk an agent works at (none: the national desk).
        province_code: new StringAttribute({ minLen: 2, maxLen: 2, mutable: true }),
      },
    });
    acknowledge(
      this.userPool,
      'AwsSolutions-COG2',
      'MFA is optional in the pool because citizens sign in through VNeID federation, where the national ' +
        'identity provider applies its own second factor; native accounts (operators, testers) can enrol TOTP. ' +
        'Cognito only allows REQUIRED at pool creation, so it is not forced on a pool that holds federated users.',
    );
    const smsRole = this.userPool.node.tryFindChild('smsRole');
    if (smsRole) {
      acknowledge(
        smsRole,
        'AwsSolutions-IAM5[Resource::*]',
        "Dev stages verify testers' phone numbers by SMS: Cognito publishes through SNS directly to a phone " +
          'number, which has no ARN, so sns:Publish takes Resource "*"; the role is assumable by Cognito only, ' +
          "with the pool's external id.",
      );
    }
    acknowledge(
      this.userPool,
      'AwsSolutions-COG8',
      'Essentials tier: Plus-tier threat protection scores Cognito-native password sign-ins, while citizens ' +
        'authenticate at VNeID (which runs its own risk checks); Plus would bill every citizen monthly active ' +
        'user for protection that does not apply to federated sign-ins.',
    );

    personRole.options.forEach((role, precedence) => {
      // Lower precedence wins when a person is in several groups; citizen is the weakest claim last.
      this.userPool.addGroup(`Group-${role}`, {
        groupName: role,
        description: ROLE_GROUPS[role],
        precedence: personRole.options.length - precedence,
      });
    });

    // Access tokens get whom the person acts for (Cognito puts custom attributes in ID tokens only) and
    // the verified citizen ID; event version 2 customises access tokens, which the Essentials plan allows.
    this.preToken = new PortalFunction(this, 'PreToken', {
      name: 'preTokenGeneration',
      spec: { entry: 'functions/identity/pre-token.ts', memoryMb: 128, timeoutSeconds: 3 },
      settings: props.settings,
      sharedEnvironment: { NODE_OPTIONS: '--enable-source-maps' },
    });
    // The live alias, like every other trigger: in prod a new version takes sign-ins as a canary that
    // rolls back on the function's alarms (lib/monitoring-stack.ts), so a broken release cannot stop
    // every citizen from signing in at once.
    this.userPool.addTrigger(
      UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      this.preToken.alias,
      LambdaVersion.V2_0,
    );

    const { signIn } = props.settings;
    if (signIn.vneid) {
      const v = signIn.vneid;
      this.vneid = new UserPoolIdentityProviderOidc(this, 'Vneid', {
        userPool: this.userPool,
        name: VNEID_PROVIDER_NAME,
        issuerUrl: v.issuerUrl,
        clientId: v.clientId,
        // The construct takes the secret as a string only (aws/aws-cdk#29851): a CloudFormation
        // dynamic reference, resolved at deployment, so the secret never enters the template.
        clientSecret: SecretValue.secretsManager(v.clientSecretName).unsafeUnwrap(),
        scopes: ['openid', 'profile'],
        attributeRequestMethod: OidcAttributeRequestMethod.GET,
        attributeMapping: {
          fullname: ProviderAttribute.other('name'),
          custom: {
            username: ProviderAttribute.other('sub'),
            'custom:citizen_id': ProviderAttribute.other(v.citizenIdClaim),
          },
        },
      });
    }

    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: signIn.domainPrefix },
    });

    const callbacks = props.webOrigins.map((o) => `${o}/auth/callback`);
    // A browser client: authorization code with PKCE (Cognito enforces the code_challenge a public
    // client sends), no client secret to leak, no password grants.
    this.webClient = this.userPool.addClient('Web', {
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: callbacks,
        logoutUrls: props.webOrigins.map((o) => `${o}/`),
      },
      supportedIdentityProviders: [
        ...(this.vneid ? [UserPoolClientIdentityProvider.custom(VNEID_PROVIDER_NAME)] : []),
        ...(signIn.cognitoAccounts ? [UserPoolClientIdentityProvider.COGNITO] : []),
      ],
      // ID tokens show name and whom the person acts for; never the citizen ID number (it travels in the
      // access token only, added by the pre-token trigger).
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ fullname: true, email: true, emailVerified: true })
        .withCustomAttributes('agency_id', 'tax_code', 'province_code'),
      // Only what VNeID maps at sign-in (Cognito requires mapped attributes to be client-writable);
      // agency_id and tax_code are set by operators, never by a signed-in person. Writable here does not
      // let a person rewrite citizen_id: that takes UpdateUserAttributes with the admin scope, which this
      // client never grants (OAuth scopes above, refresh-only auth flows below).
      writeAttributes: new ClientAttributes()
        .withStandardAttributes({ fullname: true, email: true })
        .withCustomAttributes('citizen_id'),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // A public client whose page holds tokens in memory: lifetimes in lib/web-session.ts say why.
      accessTokenValidity: Duration.seconds(WEB_SIGN_IN.accessTokenSeconds),
      idTokenValidity: Duration.seconds(WEB_SIGN_IN.accessTokenSeconds),
      refreshTokenValidity: Duration.seconds(WEB_SIGN_IN.refreshTokenSeconds),
    });

    if (this.vneid) this.webClient.node.addDependency(this.vneid);

    // The pool's ProviderURL attribute lacks the scheme; tokens carry the full https issuer.
    // Managed login only: no SRP, password or custom flows through the API, just refreshing tokens.
    (this.webClient.node.defaultChild as CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];

    this.issuer = `https://cognito-idp.${Stack.of(this).region}.${Aws.URL_SUFFIX}/${this.userPool.userPoolId}`;
  }
}

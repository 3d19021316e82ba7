/**
 * Who citizens are: the Cognito user pool whose tokens the API accepts. It lives with the stateful
 * resources because a citizen's `sub` owns their dossiers (OWNER#<sub>): a recreated pool would
 * orphan every dossier.
 */
import { Aws, Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  type CfnUserPoolClient,
  FeaturePlan,
  Mfa,
  OAuthScope,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { acknowledge } from './nag.js';

export interface CitizenIdentityProps {
  poolName: string;
  webOrigins: string[];
  removalPolicy: RemovalPolicy;
  deletionProtection: boolean;
}

export class CitizenIdentity extends Construct {
  readonly userPool: UserPool;
  readonly webClient: UserPoolClient;
  /** The `iss` of the pool's tokens; its JWKS is at `${issuer}/.well-known/jwks.json`. */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: CitizenIdentityProps) {
    super(scope, id);

    this.userPool = new UserPool(this, 'Pool', {
      userPoolName: props.poolName,
      // Accounts come from federation (VNeID) or are created by operators; nobody registers here.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
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
    });
    acknowledge(
      this.userPool,
      'AwsSolutions-COG2',
      'MFA is optional in the pool because citizens sign in through VNeID federation, where the national ' +
        'identity provider applies its own second factor; native accounts (operators, testers) can enrol TOTP. ' +
        'Cognito only allows REQUIRED at pool creation, so it is not forced on a pool that holds federated users.',
    );
    acknowledge(
      this.userPool,
      'AwsSolutions-COG8',
      'Essentials tier: Plus-tier threat protection scores Cognito-native password sign-ins, while citizens ' +
        'authenticate at VNeID (which runs its own risk checks); Plus would bill every citizen monthly active ' +
        'user for protection that does not apply to federated sign-ins.',
    );

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
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    // The pool's ProviderURL attribute lacks the scheme; tokens carry the full https issuer.
    // Managed login only: no SRP, password or custom flows through the API, just refreshing tokens.
    (this.webClient.node.defaultChild as CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];

    this.issuer = `https://cognito-idp.${Stack.of(this).region}.${Aws.URL_SUFFIX}/${this.userPool.userPoolId}`;
  }
}

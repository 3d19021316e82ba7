/**
 * The stage's one address for people and partners: a CloudFront distribution in front of the citizen
 * page (a private bucket read through Origin Access Control) and the HTTP API (`/v1/*`, `/openapi.json`,
 * `/docs`), guarded by the WAF web ACL of the Edge stack. Page and API share one origin, so the page
 * calls the API without CORS and its content security policy allows only 'self' and the sign-in issuer.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Annotations, Aws, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  type ResponseSecurityHeadersBehavior,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { Policy } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { EDGE_ORIGIN_HEADER } from '../functions/core/edge-origin.js';
import { apiSecurityHeaders, pageSecurityHeaders } from '../functions/core/security-headers.js';
import {
  type ApiStack,
  edgeOriginReference,
  edgeOriginSecretName,
  edgeOriginVersion,
  portalUrlParameterName,
} from './api-stack.js';
import type { DataStack } from './data-stack.js';
import type { EdgeStack } from './edge-stack.js';
import type { WebPageConfig } from './local/web-page.js';
import { acknowledge, acknowledgeWildcardAction, acknowledgeWildcardResource } from './nag.js';
import { WEB_BUILD_DIR } from './web-build.js';

/**
 * Paths CloudFront sends to the API; everything else is the page. The infrastructure tests check that
 * every route of the route table falls under one of them.
 */
export const API_PATH_PATTERNS = ['/v1/*', '/openapi.json', '/docs*', '/health'] as const;

/** Files of the page that name the current build; they must never be served stale for long. */
const UNHASHED_FILES = ['index.html', 'config.json'];

/**
 * CloudFront Function on the page's requests. The build puts every file of the page at the top level
 * (`/app-<hash>.js`, `/styles-<hash>.css`, `/favicon.svg`, `/config.json`); any other address is one of the
 * page's own routes and gets index.html, dots or not (`/thu-tuc/1.004222`: procedure codes have dots).
 * API paths never reach it (their own behaviors), and it leaves `/v1` alone in any case, so an API typo
 * is a 404, never the page.
 */
export const PAGE_ROUTE_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/v1' || uri.indexOf('/v1/') === 0) return request;
  var slash = uri.lastIndexOf('/');
  if (slash !== 0 || uri.indexOf('.', slash) === -1) request.uri = '/index.html';
  return request;
}`;

/** The repository root, for a relative build directory. */
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface WebStackProps extends StackProps {
  data: DataStack;
  api: ApiStack;
  edge: EdgeStack;
  /** Built page to deploy; default WEB_BUILD_DIR. Skipped (with a warning) when it does not exist. */
  webBuildDir?: string;
}

export class WebStack extends Stack {
  readonly distribution: Distribution;
  readonly bucket: Bucket;
  readonly pageHeaders: ResponseHeadersPolicy;
  readonly apiHeaders: ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    const { data, api, edge } = props;
    const s = data.settings;

    this.bucket = new Bucket(this, 'Page', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      removalPolicy: s.removalPolicy,
    });
    acknowledge(
      this.bucket,
      'AwsSolutions-S1',
      'Only CloudFront reads this bucket (Origin Access Control); every request to it is in the WAF logs.',
    );

    this.pageHeaders = this.pagePolicy(data);
    // override false: the functions' own headers win (the /docs page has its own CSP); answers API
    // Gateway makes itself (authorizer 401s, throttling 429s) get the API's strict set at the edge.
    this.apiHeaders = new ResponseHeadersPolicy(this, 'ApiHeaders', {
      responseHeadersPolicyName: `${s.prefix}-api-headers`,
      comment:
        'Cong API: the security headers of functions/core/security-headers.ts where an answer lacks them',
      securityHeadersBehavior: securityHeadersBehavior(apiSecurityHeaders({ https: true }), false),
    });

    const apiBehavior: BehaviorOptions = {
      // The API answers personal data: nothing is cached at the edge, every viewer header but Host
      // (API Gateway routes by its own name) reaches it, Authorization included.
      origin: new HttpOrigin(`${api.api.apiId}.execute-api.${this.region}.${Aws.URL_SUFFIX}`, {
        protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [OriginSslPolicy.TLS_V1_2],
        // The proof that a request came through this distribution (and its WAF): the functions refuse
        // API requests without it. A viewer's own header of that name is replaced by CloudFront.
        customHeaders: { [EDGE_ORIGIN_HEADER]: this.edgeOriginHeaderValue(s.stage) },
      }),
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Besides the viewer's headers, this managed policy forwards CloudFront's viewer headers, among them
      // CloudFront-Viewer-Address: per-address limits count the citizen, not the CloudFront server.
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.apiHeaders,
      // A redirected POST would lose its body: API clients must use https from the start.
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      compress: true,
    };

    const pageRoutes = new EdgeFunction(this, 'PageRoutes', {
      functionName: `${s.prefix}-page-routes`,
      comment: 'Serves index.html for the page routes',
      code: FunctionCode.fromInline(PAGE_ROUTE_FUNCTION),
      runtime: FunctionRuntime.JS_2_0,
    });

    const domain = s.domain;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Cong ${s.stage}: citizen page and API`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        // Honors the objects' Cache-Control: a year for hashed assets, revalidation for index.html.
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.pageHeaders,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        functionAssociations: [{ function: pageRoutes, eventType: FunctionEventType.VIEWER_REQUEST }],
        compress: true,
      },
      additionalBehaviors: Object.fromEntries(API_PATH_PATTERNS.map((p) => [p, apiBehavior])),
      webAclId: edge.webAcl.attrArn,
      httpVersion: HttpVersion.HTTP2_AND_3,
      // Edge locations in Asia (Hanoi, Ho Chi Minh City) are in this class; the cheapest omits them.
      priceClass: PriceClass.PRICE_CLASS_200,
      ...(domain
        ? {
            domainNames: [domain.name],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR1',
      'No geo restriction: Vietnamese citizens abroad use the portal for consular and civil-status procedures.',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR3',
      'Every viewer request passes the WAF web ACL, whose full request logs (tokens, cookies and query ' +
        'strings redacted) go to the aws-waf-logs bucket; CloudFront standard logs would need an ACL-enabled ' +
        'bucket and keep a second, unredacted copy of viewer addresses and query strings.',
    );
    if (!domain) {
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR4',
        'Without a custom domain the distribution answers with the default *.cloudfront.net certificate, ' +
          'whose security policy CloudFront fixes; stages with domainName and certificateArn use TLSv1.2_2021.',
      );
    }

    this.deployPage(props.webBuildDir ?? WEB_BUILD_DIR, data);

    const url = domain ? `https://${domain.name}` : `https://${this.distribution.distributionDomainName}`;
    new CfnOutput(this, 'PortalUrl', { value: url });
    // The API stack deploys first and cannot know the distribution's name: its functions read the
    // portal's address from here at run time (functions/core/portal-url.ts).
    new StringParameter(this, 'PortalUrlParameter', {
      parameterName: portalUrlParameterName(s.stage),
      description: `Cong ${s.stage}: the portal's public address (payment returns, file links, OpenAPI server)`,
      stringValue: url,
    });
    new CfnOutput(this, 'DistributionId', { value: this.distribution.distributionId });
    new CfnOutput(this, 'PageBucket', { value: this.bucket.bucketName });
  }

  /**
   * The edge header's value as a CloudFormation dynamic reference to the secret the API stack generated:
   * CloudFormation resolves it when it deploys the distribution, so it never appears in the template or
   * the CDK output. CloudFront keeps origin headers as plain configuration (no secret references), so the
   * value is a deploy-time one; CloudFormation resolves it again only when the reference changes, which
   * `-c edgeOriginSecretVersion=<version id>` does after a rotation.
   */
  private edgeOriginHeaderValue(stage: string): string {
    return edgeOriginReference(
      edgeOriginSecretName(stage),
      edgeOriginVersion(this, 'edgeOriginSecretVersion'),
    );
  }

  /**
   * The page's headers, built from the same sets the local gateway sends (functions/core/security-headers.ts).
   * Its CSP names the sign-in issuer, the hosted domain and the scans bucket; their origins are deploy-time values, so the policy
   * is built with stand-ins that are then replaced by them.
   */
  private pagePolicy(data: DataStack): ResponseHeadersPolicy {
    const ISSUER = 'https://issuer.invalid';
    const SIGN_IN = 'https://sign-in.invalid';
    const UPLOADS = 'https://uploads.invalid';
    const headers = pageSecurityHeaders(
      { apiUrl: '', issuer: `${ISSUER}/pool`, logoutEndpoint: `${SIGN_IN}/logout`, uploadUrl: UPLOADS },
      { https: true },
    );
    // Scans are posted straight to the bucket's regional endpoint (the presigned POST's URL).
    const csp = (headers['content-security-policy'] as string)
      .replaceAll(ISSUER, `https://cognito-idp.${this.region}.${Aws.URL_SUFFIX}`)
      .replaceAll(SIGN_IN, data.identity.domain.baseUrl())
      .replaceAll(UPLOADS, `https://${data.scans.bucketRegionalDomainName}`);
    return new ResponseHeadersPolicy(this, 'PageHeaders', {
      responseHeadersPolicyName: `${data.settings.prefix}-page-headers`,
      comment: 'Cong citizen page: the security headers of functions/core/security-headers.ts',
      securityHeadersBehavior: securityHeadersBehavior({ ...headers, 'content-security-policy': csp }, true),
      customHeadersBehavior: {
        customHeaders: ['permissions-policy', 'cross-origin-opener-policy'].map((header) => ({
          header,
          value: headers[header] as string,
          override: true,
        })),
      },
    });
  }

  /**
   * Hashed assets first, cached for a year and never pruned (a page still open in a browser keeps
   * loading the files it names); then index.html and config.json, revalidated on every load and
   * invalidated at the edge, so a new index.html never names an asset that is not there yet.
   */
  private deployPage(dir: string, data: DataStack) {
    const path = isAbsolute(dir) ? dir : join(repoRoot, dir);
    if (!existsSync(join(path, 'index.html'))) {
      Annotations.of(this).addWarningV2(
        'cong:no-web-build',
        `no built page at ${path} (npm run web:build): the distribution serves an empty bucket`,
      );
      return;
    }
    const assets = new BucketDeployment(this, 'PageAssets', {
      destinationBucket: this.bucket,
      sources: [Source.asset(path, { exclude: UNHASHED_FILES })],
      exclude: UNHASHED_FILES,
      prune: false,
      cacheControl: [
        CacheControl.setPublic(),
        CacheControl.maxAge(Duration.days(365)),
        CacheControl.immutable(),
      ],
      memoryLimit: 512,
    });
    const config: WebPageConfig = {
      issuer: data.identity.issuer,
      clientId: data.identity.webClient.userPoolClientId,
      apiUrl: '',
      logoutEndpoint: `${data.identity.domain.baseUrl()}/logout`,
    };
    const entry = new BucketDeployment(this, 'PageEntry', {
      destinationBucket: this.bucket,
      sources: [
        // index.html alone from the build: config.json is this stage's, written here.
        Source.asset(path, { exclude: ['*', '!index.html'] }),
        Source.jsonData('config.json', config),
      ],
      prune: false,
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: UNHASHED_FILES.map((f) => `/${f}`),
      memoryLimit: 512,
    });
    entry.node.addDependency(assets);
    this.acknowledgeDeploymentHandler(assets);
  }

  /**
   * BucketDeployment's handler is CDK's own singleton function: it copies the page from the CDK asset
   * bucket into the page bucket and invalidates the distribution. Its findings are acknowledged on it.
   */
  private acknowledgeDeploymentHandler(deployment: BucketDeployment) {
    const handler = deployment.handlerRole.node.scope as Construct;
    acknowledge(
      handler,
      'AwsSolutions-L1',
      "CDK's BucketDeployment handler pins its own runtime with the AWS CLI layer it ships; it runs only during deployments.",
    );
    acknowledge(
      handler,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      "CDK's BucketDeployment handler writes only its own logs with the basic execution policy CDK attaches.",
    );
    const grants: Record<string, string> = {
      's3:GetBucket*': 'reads the CDK asset bucket and the page bucket (grantRead)',
      's3:GetObject*': 'reads the built page from the CDK asset bucket (grantRead)',
      's3:List*': 'lists both buckets to sync the page (grantRead)',
      's3:Abort*': 'aborts its own failed multipart uploads into the page bucket (grantReadWrite)',
      's3:DeleteObject*': 'may replace files of the page bucket (grantReadWrite; pruning is off)',
    };
    for (const [action, why] of Object.entries(grants)) {
      acknowledgeWildcardAction(handler, action, `CDK's BucketDeployment handler ${why}.`);
    }
    acknowledgeWildcardResource(
      handler,
      this.bucket.arnForObjects('*'),
      "CDK's BucketDeployment handler writes the page's files, whose hashed names are known only at build time.",
    );
    acknowledge(
      handler,
      'AwsSolutions-IAM5[Resource::*]',
      "CDK's BucketDeployment handler creates and polls CloudFront invalidations, actions that accept no resource ARN.",
    );
    // The CDK asset bucket (bootstrap) holds the zipped page; its name is the synthesizer's.
    const policy = deployment.handlerRole.node.tryFindChild('DefaultPolicy') as Policy | undefined;
    const document = policy ? (Stack.of(this).resolve(policy.document.toJSON()) as PolicyJson) : undefined;
    for (const statement of document?.Statement ?? []) {
      for (const resource of [statement.Resource ?? []].flat()) {
        const text = typeof resource === 'string' ? resource : JSON.stringify(resource);
        if (/cdk-[a-z0-9]+-assets-/.test(text) && text.includes('/*')) {
          acknowledgeWildcardResource(
            handler,
            typeof resource === 'string' ? resource : (resource as unknown as string),
            "CDK's BucketDeployment handler reads the page's zip from the CDK bootstrap asset bucket, whose object keys are content hashes.",
          );
        }
      }
    }
  }
}

interface PolicyJson {
  Statement?: { Resource?: unknown }[];
}

/**
 * A header set of functions/core/security-headers.ts as CloudFront's security headers; `override` says
 * whether they replace what the origin sent.
 */
function securityHeadersBehavior(
  headers: Record<string, string>,
  override: boolean,
): ResponseSecurityHeadersBehavior {
  const header = (name: string) => {
    const value = headers[name];
    if (value === undefined) throw new Error(`the security headers carry no ${name}`);
    return value;
  };
  const hsts = header('strict-transport-security');
  const maxAge = /max-age=(\d+)/.exec(hsts);
  if (!maxAge) throw new Error('the security headers carry no HSTS max-age');
  if (header('x-content-type-options') !== 'nosniff')
    throw new Error('nosniff is the only content-type option');
  const referrer = header('referrer-policy').toUpperCase().replaceAll('-', '_');
  const frame = header('x-frame-options').toUpperCase();
  return {
    strictTransportSecurity: {
      accessControlMaxAge: Duration.seconds(Number(maxAge[1])),
      includeSubdomains: /includeSubDomains/.test(hsts),
      override,
    },
    contentSecurityPolicy: { contentSecurityPolicy: header('content-security-policy'), override },
    contentTypeOptions: { override },
    frameOptions: { frameOption: HeadersFrameOption[frame as keyof typeof HeadersFrameOption], override },
    referrerPolicy: {
      referrerPolicy: HeadersReferrerPolicy[referrer as keyof typeof HeadersReferrerPolicy],
      override,
    },
  };
}

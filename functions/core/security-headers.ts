/**
 * The security headers of everything Cổng serves to a browser, in one place: the API's JSON answers
 * (added by the HTTP middleware in AWS and by the local gateway for its own answers) and the citizen
 * page (the local gateway now; a CloudFront response headers policy in AWS, built from the same sets).
 * No dependencies, so infrastructure code can import it too.
 */

/** Two years, the span browsers' preload lists ask for; subdomains are the portal's own. */
const HSTS = 'max-age=63072000; includeSubDomains';

/**
 * Headers every answer carries. The referrer is never sent: the page's sign-in callback address holds
 * an authorization code, and neither the page nor the API needs to tell anyone where a visitor was.
 */
const common = (https: boolean): Record<string, string> => ({
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  ...(https ? { 'strict-transport-security': HSTS } : {}),
});

/** The API answers JSON (or CSV): nothing in it may load, run or be framed. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * The API's documentation page (GET /docs) runs the portal's own copy of Redoc, which styles itself with
 * inline styles and runs its search in a worker it creates from a blob; it fetches only /openapi.json.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** For API answers; HSTS only over HTTPS (browsers ignore it on plain http, and the local cloud is http). */
export function apiSecurityHeaders(options: { https: boolean; docs?: boolean }): Record<string, string> {
  return {
    ...common(options.https),
    'content-security-policy': options.docs ? DOCS_CONTENT_SECURITY_POLICY : API_CONTENT_SECURITY_POLICY,
  };
}

/** What the page's policy needs from its configuration (the page's config.json, WebPageConfig). */
export interface PageOrigins {
  /** The API's base URL; empty when the API shares the page's origin. */
  apiUrl: string;
  /** The OIDC issuer (discovery is fetched there). */
  issuer: string;
  /** The hosted sign-in domain's logout URL (Cognito): its token endpoint lives on that origin too. */
  logoutEndpoint?: string;
  /** Where scans are posted (the bucket's presigned POST address): the page uploads there itself. */
  uploadUrl?: string;
}

const originOf = (url: string | undefined) => (url ? new URL(url).origin : undefined);

/**
 * The page runs only its own bundled script and stylesheet (no inline code), talks only to the API
 * and the sign-in issuer, cannot be framed, and keeps every powerful browser feature off.
 */
export function pageContentSecurityPolicy(origins: PageOrigins): string {
  const issuerOrigins = [originOf(origins.issuer), originOf(origins.logoutEndpoint)];
  const connect = new Set(
    ["'self'", originOf(origins.apiUrl), ...issuerOrigins, originOf(origins.uploadUrl)].filter(Boolean),
  );
  const forms = new Set(["'self'", ...issuerOrigins].filter(Boolean));
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    // A result's QR code is shown as a data: image (an SVG in <img> runs nothing and styles nothing).
    "img-src 'self' data:",
    `connect-src ${[...connect].join(' ')}`,
    `form-action ${[...forms].join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
    "require-trusted-types-for 'script'",
  ].join('; ');
}

/** Browser features the page never uses, switched off for it and anything it might embed. */
export const PAGE_PERMISSIONS_POLICY = [
  'accelerometer=()',
  'camera=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'payment=()',
  'usb=()',
].join(', ');

/** For the citizen page and its files. */
export function pageSecurityHeaders(
  origins: PageOrigins,
  options: { https: boolean },
): Record<string, string> {
  return {
    ...common(options.https),
    'content-security-policy': pageContentSecurityPolicy(origins),
    'permissions-policy': PAGE_PERMISSIONS_POLICY,
    // Sign-in is a full-page redirect, never a popup: no other window keeps a handle on the page.
    'cross-origin-opener-policy': 'same-origin',
  };
}

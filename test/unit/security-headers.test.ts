import { describe, expect, it } from 'vitest';
import { apiSecurityHeaders, pageSecurityHeaders } from '../../functions/core/security-headers.js';

describe('security headers', () => {
  it("let the page in AWS talk to the API, Cognito's issuer and its hosted domain, and nothing else", () => {
    const headers = pageSecurityHeaders(
      {
        apiUrl: 'https://api.dichvucong.example.vn/',
        issuer: 'https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_Abc',
        logoutEndpoint: 'https://dichvucong.auth.ap-southeast-1.amazoncognito.com/logout',
      },
      { https: true },
    );
    const csp = headers['content-security-policy']!.split('; ');
    expect(csp).toContain(
      "connect-src 'self' https://api.dichvucong.example.vn https://cognito-idp.ap-southeast-1.amazonaws.com https://dichvucong.auth.ap-southeast-1.amazoncognito.com",
    );
    expect(csp).toContain(
      "form-action 'self' https://cognito-idp.ap-southeast-1.amazonaws.com https://dichvucong.auth.ap-southeast-1.amazoncognito.com",
    );
    expect(csp).toEqual(
      expect.arrayContaining([
        "script-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
      ]),
    );
    expect(headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
  });

  it('let the page post scans to the upload bucket named, and only then', () => {
    const csp = (uploadUrl?: string) =>
      pageSecurityHeaders({ apiUrl: '', issuer: '', uploadUrl }, { https: true })['content-security-policy'];
    expect(csp('https://cong-uploads.s3.ap-southeast-1.amazonaws.com/')).toContain(
      "connect-src 'self' https://cong-uploads.s3.ap-southeast-1.amazonaws.com;",
    );
    expect(csp()).toContain("connect-src 'self';");
  });

  it("let the page show data: images (a result's QR code) and nothing else from outside", () => {
    const csp = pageSecurityHeaders({ apiUrl: '', issuer: '' }, { https: true })['content-security-policy']!;
    const img = csp.split('; ').filter((d) => d.startsWith('img-src'));
    expect(img).toEqual(["img-src 'self' data:"]);
    expect(csp).not.toContain('blob:');
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
  });

  it('send HSTS only over HTTPS', () => {
    expect(apiSecurityHeaders({ https: true })['strict-transport-security']).toBeDefined();
    expect(apiSecurityHeaders({ https: false })['strict-transport-security']).toBeUndefined();
    expect(
      pageSecurityHeaders({ apiUrl: '', issuer: '' }, { https: false })['strict-transport-security'],
    ).toBeUndefined();
  });
});

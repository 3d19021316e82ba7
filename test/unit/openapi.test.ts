// biome-ignore-all lint/suspicious/noExplicitAny: the generated document is read as plain JSON
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { AppError, ERRORS, type ErrorCode } from '../../functions/core/errors.js';
import { buildOpenApi } from '../../functions/platform/openapi.js';
import { OPERATION_EXAMPLES } from '../../functions/platform/openapi-examples.js';
import { findAgency } from '../../functions/registry/agencies.js';
import { cloudRoutes, routes } from '../../functions/routes.js';
import { errorBody } from '../../schemas/common.js';

type Doc = {
  paths: Record<
    string,
    Record<string, { operationId: string; security?: unknown; responses: Record<string, unknown> }>
  >;
};

describe('OpenAPI document', () => {
  const doc = buildOpenApi() as unknown as Doc & {
    openapi: string;
    components: { schemas: Record<string, unknown> };
  };

  it('is OpenAPI 3.1', () => {
    expect(doc.openapi).toBe('3.1.0');
  });

  it('documents every cloud route with its operation id, and no local-only route', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
    );
    const expected = cloudRoutes.map((r) => `${r.method} ${r.path} ${r.operationId}`);
    expect(documented.sort()).toEqual(expected.sort());
    expect(routes.some((r) => r.auth === 'dev')).toBe(true);
    expect(JSON.stringify(doc.paths)).not.toContain('/dev/');
  });

  it('declares security on every non-public route and the error shape on errors', () => {
    for (const r of cloudRoutes) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      if (r.auth === 'citizen' || r.auth === 'agency') expect(op?.security).toBeDefined();
      expect(op?.responses[String(r.status)]).toBeDefined();
      expect(op?.responses['500']).toEqual({ $ref: '#/components/responses/Error500' });
    }
  });

  it("documents every route's access rule, with the roles of signed-in routes", () => {
    for (const r of cloudRoutes) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()] as unknown as {
        description?: string;
        'x-cong-access'?: { kind: string; roles?: string[] };
      };
      expect(op['x-cong-access']?.kind, `${r.method} ${r.path}`).toBe(r.access.kind);
      expect(op.description, `${r.method} ${r.path}`).toEqual(expect.any(String));
      if (r.auth === 'citizen') expect(op['x-cong-access']?.roles?.length).toBeGreaterThan(0);
    }
  });

  it('resolves every $ref inside the document', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (m) => m[1]!,
    );
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(doc.components.schemas[ref], ref).toBeDefined();
  });

  const anyDoc = doc as unknown as Record<string, any>;

  it('has one Error schema, the shape the error middleware answers, referenced by every error response', () => {
    const error = anyDoc.components.schemas.Error;
    expect(JSON.stringify(error)).not.toContain('$ref');
    expect(error.properties.error.required.sort()).toEqual(['code', 'message', 'messageVi']);
    expect(error.properties.error.properties.code.enum.sort()).toEqual(Object.keys(ERRORS).sort());
    for (const code of Object.keys(ERRORS) as ErrorCode[]) {
      const body = new AppError(code, [{ path: 'x' }]).toBody();
      expect(errorBody.parse(body)).toEqual(body);
    }
    for (const [name, response] of Object.entries(anyDoc.components.responses) as [string, any][]) {
      expect(response.content['application/json'].schema, name).toEqual({
        $ref: '#/components/schemas/Error',
      });
    }
    for (const ops of Object.values(anyDoc.paths) as Record<string, any>[]) {
      for (const op of Object.values(ops)) {
        for (const [status, response] of Object.entries(op.responses) as [string, any][]) {
          if (Number(status) >= 400)
            expect(response.$ref, `${op.operationId} ${status}`).toBe(
              `#/components/responses/Error${status}`,
            );
        }
      }
    }
  });

  it('says security: [] on public and provider-signed operations, and names the server', () => {
    for (const r of cloudRoutes) {
      const op = anyDoc.paths[r.path][r.method.toLowerCase()];
      if (r.auth === 'public' || r.auth === 'payment') expect(op.security, r.operationId).toEqual([]);
    }
    expect(anyDoc.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    expect((buildOpenApi('http://127.0.0.1:4010') as any).servers[0].url).toBe('http://127.0.0.1:4010');
  });

  it("documents the payment return's 303 to the citizen page with its Location", () => {
    const op = doc.paths['/v1/payments/return/{provider}']?.get as unknown as {
      responses: Record<string, { description: string; headers?: Record<string, unknown> }>;
    };
    expect(op.responses['303']?.description).toContain('/thanh-toan/{provider}');
    expect(op.responses['303']?.headers).toHaveProperty('Location');
    // Only routes that redirect say so.
    const others = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.values(ops as Record<string, { responses?: Record<string, unknown> }>)
        .filter((o) => o.responses?.['303'])
        .map(() => path),
    );
    expect(others).toEqual(['/v1/payments/return/{provider}']);
  });

  it("describes the agency callback's agency and signature headers", () => {
    for (const path of ['/v1/agency/events', '/v1/agency/petition-events']) {
      const headers = anyDoc.paths[path].post.parameters
        .filter((p: any) => p.in === 'header' && p.required)
        .map((p: any) => p.name);
      expect(headers.sort()).toEqual([
        'cong-agency-id',
        'webhook-id',
        'webhook-signature',
        'webhook-timestamp',
      ]);
    }
  });

  it('describes every delivery to agencies as a signed webhook with its body schema', () => {
    expect(Object.keys(anyDoc.webhooks).sort()).toEqual([
      'dossier.payment_refunded',
      'dossier.submitted',
      'dossier.supplemented',
      'dossier.withdrawn',
      'petition.created',
      'support.handed',
    ]);
    for (const [type, hook] of Object.entries(anyDoc.webhooks) as [string, any][]) {
      const names = hook.post.parameters.map((p: any) => p.name).sort();
      expect(names, type).toEqual(['cong-agency-id', 'webhook-id', 'webhook-signature', 'webhook-timestamp']);
      const ref = hook.post.requestBody.content['application/json'].schema.$ref as string;
      const schema = anyDoc.components.schemas[ref.replace('#/components/schemas/', '')];
      expect(schema.properties.type.const, type).toBe(type);
    }
  });

  it("shows the main operations' examples, each accepted by the route's own schemas", () => {
    const main = [
      'listProcedures',
      'submitDossier',
      'trackDossier',
      'createDossierPayment',
      'postAgencyEvent',
      'listAgencyDeliveries',
      'requestRedelivery',
      'getDossier',
      'listMyAccessLog',
    ];
    expect(Object.keys(OPERATION_EXAMPLES).sort()).toEqual(main.sort());
    for (const [operationId, ex] of Object.entries(OPERATION_EXAMPLES)) {
      const route = cloudRoutes.find((r) => r.operationId === operationId);
      expect(route, operationId).toBeDefined();
      if (!route) continue;
      const shape = (s?: z.ZodType) => Object.keys((s as unknown as { shape?: object })?.shape ?? {});
      const asText = (names: string[]) =>
        Object.fromEntries(
          names.filter((n) => ex.parameters?.[n] !== undefined).map((n) => [n, String(ex.parameters![n])]),
        );
      if (route.params) route.params.parse(asText(shape(route.params)));
      if (route.query) route.query.parse(asText(shape(route.query)));
      const known = [...shape(route.params), ...shape(route.query), ...(route.requiredHeaders ?? [])];
      for (const name of Object.keys(ex.parameters ?? {}))
        expect(known, `${operationId} ${name}`).toContain(name);
      for (const [name, { value }] of Object.entries(ex.requests ?? {})) {
        expect(route.body?.safeParse(value).success, `${operationId} ${name}`).toBe(true);
      }
      if (ex.response !== undefined) route.response.parse(ex.response);
      const op = anyDoc.paths[route.path][route.method.toLowerCase()];
      expect(op.responses[route.status].content['application/json'].example).toEqual(ex.response);
    }
    const tracked = OPERATION_EXAMPLES.trackDossier!.response as { agencyId: string; agencyName: string };
    expect(findAgency(tracked.agencyId)?.name).toBe(tracked.agencyName);
  });
});

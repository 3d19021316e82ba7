import { describe, expect, it } from 'vitest';
import { buildOpenApi } from '../../functions/platform/openapi.js';
import { cloudRoutes, routes } from '../../functions/routes.js';

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
      expect(op?.responses['500']).toEqual(
        expect.objectContaining({
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        }),
      );
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
});

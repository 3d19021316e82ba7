/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas (JSON Schema 2020-12,
 * which OpenAPI 3.1 uses as is), so the published contract cannot drift from what handlers validate.
 */
import { z } from 'zod';
import { errorBody } from '../../schemas/common.js';
import { cloudRoutes, type Route, type RouteAccess, rolesOf } from '../routes.js';

type Json = Record<string, unknown>;

/**
 * Schemas named with `.meta({ id })` come back in `$defs`; they move to components.schemas (per
 * direction, since a request's input and output shapes can differ) and references are rewritten.
 */
function schemaConverter() {
  const components: Record<string, Json> = {};
  const convert = (schema: z.ZodType, io: 'input' | 'output'): Json => {
    const suffix = io === 'input' ? 'Input' : '';
    const raw = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
    const text = JSON.stringify(raw).replace(
      /"#\/\$defs\/([^"]+)"/g,
      (_m, id: string) => `"#/components/schemas/${id}${suffix}"`,
    );
    const { $schema: _s, $defs, ...rest } = JSON.parse(text) as Json & { $defs?: Record<string, Json> };
    for (const [id, def] of Object.entries($defs ?? {})) components[`${id}${suffix}`] = def;
    return rest;
  };
  return { convert, components };
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input',
  401: 'Not signed in, or invalid signature',
  403: 'Signed in, but the role may not do this',
  404: 'Not found (or not yours)',
  409: 'Not allowed in the current state',
  415: 'Body is not JSON',
  422: 'Idempotency-Key reused with another body',
  429: 'Too many requests of this kind from the account or address; see Retry-After',
  500: 'Internal error',
  502: 'A partner refused the request',
  503: 'A partner cannot be reached; try again later',
};

function parameters(route: Route, toSchema: ReturnType<typeof schemaConverter>['convert']): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const s = toSchema(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      out.push({
        name,
        in: where,
        required: where === 'path' || (s.required ?? []).includes(name),
        schema: prop,
      });
    }
  }
  for (const h of route.requiredHeaders ?? []) {
    out.push({
      name: h,
      in: 'header',
      required: true,
      schema: { type: 'string', minLength: 8, maxLength: 128 },
    });
  }
  return out;
}

/** The route's access rule in words, for readers of the document. */
function accessText(access: RouteAccess): string {
  const roles = `Roles: ${rolesOf(access).join(', ')} (a token of any other role gets 403).`;
  switch (access.kind) {
    case 'public':
      return 'Public: anyone, signed in or not.';
    case 'self':
      return `The caller's own account. ${roles}`;
    case 'owned':
      return (
        `One ${access.object}: its owner, the representatives of the enterprise it was filed for and the desk officer who filed it` +
        `${access.agencyOfficers ? ', and officers of the agency it is routed to' : ''}. Anyone else gets 404, as for a missing one. ${roles}`
      );
    case 'role':
      return `${roles}${access.scope === 'agency' ? " An officer sees only their own agency's." : ''}`;
    case 'agencySignature':
      return "Agencies' systems only, signed with the agency's secret (Standard Webhooks); an event about another agency's dossier gets 404.";
    case 'providerSignature':
      return "The payment provider only, signed with the provider's secret; an unsigned or wrongly signed call is refused in the provider's convention.";
    case 'dev':
      return 'Local mode only.';
  }
}

function security(route: Route): Json[] | undefined {
  if (route.auth === 'citizen') return [{ bearer: [] }];
  if (route.auth === 'agency') return [{ agencySignature: [] }];
  return undefined;
}

export function buildOpenApi(serverUrl?: string): Json {
  const { convert: toSchema, components } = schemaConverter();
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of cloudRoutes) {
    const errors = [
      ...new Set([
        ...(route.params || route.query || route.body ? [400] : []),
        ...(route.auth !== 'public' ? [401] : []),
        ...(route.auth === 'citizen' ? [403] : []),
        ...(route.params ? [404] : []),
        ...(route.body ? [415] : []),
        ...(route.errors ?? []),
        ...(route.rateLimit ? [429] : []),
        500,
      ]),
    ];
    const responses: Record<string, Json> = {
      [route.status]: {
        description: 'OK',
        content: {
          'application/json': { schema: toSchema(route.response, 'output') },
          ...Object.fromEntries((route.alsoAs ?? []).map((type) => [type, { schema: { type: 'string' } }])),
        },
      },
    };
    for (const status of errors) {
      responses[status] = {
        description: ERROR_TEXT[status] ?? 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        ...(status === 429
          ? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } } }
          : {}),
      };
    }
    const op: Json = { operationId: route.operationId, summary: route.summary, tags: [route.fn], responses };
    op.description = accessText(route.access);
    op['x-cong-access'] = {
      ...route.access,
      ...(route.auth === 'citizen' ? { roles: rolesOf(route.access) } : {}),
    };
    const params = parameters(route, toSchema);
    if (params.length) op.parameters = params;
    if (route.body) {
      op.requestBody = {
        required: true,
        content: { 'application/json': { schema: toSchema(route.body, 'input') } },
      };
    }
    const sec = security(route);
    if (sec) op.security = sec;
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cổng — Cổng Dịch vụ công',
      version: '1.0.0',
      description:
        'National public service portal API. Errors: { error: { code, message, messageVi, details? } }.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths,
    components: {
      schemas: { ...components, Error: toSchema(errorBody, 'output') },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        agencySignature: {
          type: 'apiKey',
          in: 'header',
          name: 'webhook-signature',
          description:
            'Standard Webhooks signature with the agency secret; also webhook-id, webhook-timestamp and cong-agency-id headers.',
        },
      },
    },
  };
}

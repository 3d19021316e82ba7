/** The operations the fuzzer attacks, read from the portal's own OpenAPI document. */

export type JsonSchema = Record<string, unknown>;

/** Who may call an operation, as the document's `x-cong-access` says (the route table's rule). */
export type Access =
  | { kind: 'public' }
  | { kind: 'self'; roles: string[] }
  | { kind: 'owned'; object: 'dossier' | 'submission' | 'payment' | 'petition'; agencyOfficers: boolean }
  | { kind: 'role'; roles: string[]; scope: 'agency' | 'all' }
  | { kind: 'agencySignature' }
  | { kind: 'providerSignature' };

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  operationId: string;
  method: string;
  path: string;
  /** `METHOD /path`, as the report names routes. */
  key: string;
  access: Access;
  parameters: Parameter[];
  /** The JSON body's schema ($refs resolved lazily by `resolve`), when the operation takes one. */
  body?: JsonSchema;
  bodyRequired: boolean;
}

export interface OpenApi {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, JsonSchema> };
}

/** `schema` with a top-level `$ref` followed (repeatedly) into the document's components. */
export function resolver(doc: OpenApi) {
  return (schema: JsonSchema | undefined): JsonSchema => {
    let s = schema ?? {};
    for (let i = 0; i < 16 && typeof s.$ref === 'string'; i++) {
      const name = (s.$ref as string).replace('#/components/schemas/', '');
      s = doc.components.schemas[name] ?? {};
    }
    return s;
  };
}

export function operationsOf(doc: OpenApi): Operation[] {
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const requestBody = op.requestBody as
        | { required?: boolean; content?: Record<string, { schema: JsonSchema }> }
        | undefined;
      out.push({
        operationId: String(op.operationId),
        method: method.toUpperCase(),
        path,
        key: `${method.toUpperCase()} ${path}`,
        access: (op['x-cong-access'] as Access | undefined) ?? { kind: 'public' },
        parameters: ((op.parameters as Parameter[] | undefined) ?? []).map((p) => ({
          ...p,
          required: Boolean(p.required),
          schema: p.schema ?? {},
        })),
        ...(requestBody?.content?.['application/json']
          ? { body: requestBody.content['application/json'].schema }
          : {}),
        bodyRequired: Boolean(requestBody?.required),
      });
    }
  }
  return out;
}

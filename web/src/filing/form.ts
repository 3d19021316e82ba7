/**
 * A procedure's published form (JSON Schema 2020-12 with Vietnamese titles and descriptions, English in
 * x-title-en / x-description-en) as the fields a page draws. The server stays the judge of every rule
 * (x-rules, if/then): its refusals come back by field path and are shown beside the field.
 */
interface JsonProperty {
  type?: string | string[];
  format?: string;
  pattern?: string;
  maxLength?: number;
  title?: string;
  description?: string;
  'x-title-en'?: string;
  'x-description-en'?: string;
  enum?: unknown[];
  oneOf?: { const?: unknown; title?: string; 'x-title-en'?: string }[];
  items?: JsonProperty;
}

export interface FormSchema {
  properties?: Record<string, JsonProperty>;
  required?: string[];
}

export interface FormField {
  name: string;
  kind: 'text' | 'date' | 'select' | 'boolean' | 'number' | 'list';
  title: string;
  titleEn?: string;
  description?: string;
  descriptionEn?: string;
  required: boolean;
  maxLength?: number;
  /** Digits only (an ID or phone number): the phone shows its number pad. */
  numeric: boolean;
  autocomplete?: string;
  options?: { value: string; title: string; titleEn?: string }[];
}

const AUTOCOMPLETE: Record<string, string> = {
  fullName: 'name',
  dateOfBirth: 'bday',
  phone: 'tel',
  email: 'email',
};

const typeOf = (p: JsonProperty) => (Array.isArray(p.type) ? p.type.find((t) => t !== 'null') : p.type);

export function fieldsOf(schema: FormSchema): FormField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, p]) => {
    const type = typeOf(p);
    const kind: FormField['kind'] = p.enum
      ? 'select'
      : type === 'boolean'
        ? 'boolean'
        : type === 'integer' || type === 'number'
          ? 'number'
          : type === 'array'
            ? 'list'
            : p.format === 'date'
              ? 'date'
              : 'text';
    const titles = new Map((p.oneOf ?? []).map((o) => [String(o.const), o]));
    return {
      name,
      kind,
      title: p.title ?? name,
      titleEn: p['x-title-en'],
      description: p.description,
      descriptionEn: p['x-description-en'],
      required: required.has(name),
      maxLength: p.maxLength,
      numeric: /^\^?(0\[[0-9]+\])?\\d/.test(p.pattern ?? ''),
      autocomplete: AUTOCOMPLETE[name],
      options: p.enum?.map((v) => ({
        value: String(v),
        title: titles.get(String(v))?.title ?? String(v),
        titleEn: titles.get(String(v))?.['x-title-en'],
      })),
    };
  });
}

/** The form's starting values: what the profile filled, as text the inputs hold. */
export function initialValues(fields: FormField[], prefill: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const v = prefill[f.name];
    out[f.name] = v === undefined ? (f.kind === 'boolean' ? 'false' : '') : String(v);
  }
  return out;
}

/** The form as the API takes it: empty optional fields left out, booleans, numbers and lists typed. */
export function toSubmission(fields: FormField[], values: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = (values[f.name] ?? '').trim();
    if (f.kind === 'boolean') out[f.name] = raw === 'true';
    else if (raw === '') continue;
    else if (f.kind === 'number') out[f.name] = Number(raw);
    else if (f.kind === 'list')
      out[f.name] = raw
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
    else out[f.name] = raw;
  }
  return out;
}

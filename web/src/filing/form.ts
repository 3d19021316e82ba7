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
  /** Choices served by the API (a province's communes): `{provinceCode}` names the field they depend on. */
  'x-options'?: { href: string; valueKey: string; labelKey: string };
}

export interface FormSchema {
  properties?: Record<string, JsonProperty>;
  required?: string[];
}

export interface FormField {
  name: string;
  kind: 'text' | 'date' | 'select' | 'boolean' | 'number' | 'list' | 'remote';
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
  /** kind `remote`: where the choices come from, once the fields it names are chosen. */
  remote?: { href: string; dependsOn: string[]; valueKey: string; labelKey: string };
}

/** The address of a remote field's choices for the values chosen, or undefined until they all are. */
export function remoteHref(f: FormField, values: Record<string, string>): string | undefined {
  if (!f.remote) return undefined;
  let missing = false;
  const href = f.remote.href.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = values[name]?.trim();
    if (!v) missing = true;
    return encodeURIComponent(v ?? '');
  });
  return missing ? undefined : href;
}

/** Lower case without tone marks or đ, so "ha noi" finds "Hà Nội". */
export const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'd')
    .toLowerCase();

const AUTOCOMPLETE: Record<string, string> = {
  fullName: 'name',
  dateOfBirth: 'bday',
  phone: 'tel',
  email: 'email',
};

const typeOf = (p: JsonProperty) => (Array.isArray(p.type) ? p.type.find((t) => t !== 'null') : p.type);

export function fieldsOf(schema: FormSchema): FormField[] {
  const fields = rawFields(schema);
  // A list others depend on (the provinces before their communes) is read in alphabetical order.
  const parents = new Set(fields.flatMap((f) => f.remote?.dependsOn ?? []));
  for (const f of fields)
    if (parents.has(f.name) && f.options)
      f.options = f.options
        .map((o) => ({ ...o, title: nameFirst(o.title) }))
        .sort((a, b) => a.title.localeCompare(b.title, 'vi'));
  return fields;
}

/**
 * "Thành phố Hà Nội" → "Hà Nội (thành phố)": a long list is read, sorted and typed into by its names,
 * not by the kinds every entry starts with.
 */
export function nameFirst(title: string): string {
  const m = /^(Thành phố|Tỉnh|Xã|Phường|Đặc khu)\s+(.+)$/.exec(title);
  return m ? `${m[2]} (${m[1]!.toLowerCase()})` : title;
}

function rawFields(schema: FormSchema): FormField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, p]) => {
    const type = typeOf(p);
    const remote = p['x-options'];
    const kind: FormField['kind'] = remote?.href
      ? 'remote'
      : p.enum
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
      ...(remote?.href
        ? {
            remote: {
              href: remote.href,
              dependsOn: [...remote.href.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
              valueKey: remote.valueKey,
              labelKey: remote.labelKey,
            },
          }
        : {}),
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

/**
 * A date field's help without the stored format: the catalog's descriptions say "(YYYY-MM-DD)" or start
 * "YYYY-MM-DD, …", how the form keeps the day, which is not what the control shows. What is left reads
 * as a sentence of its own ("YYYY-MM-DD, không sau ngày hôm nay." → "Không sau ngày hôm nay.").
 */
export function withoutStoredFormat(text: string | undefined): string {
  const rest = (text ?? '')
    .replace(/\s*\(?YYYY-MM-DD\)?\.?/g, '')
    .replace(/^[\s,;:.\u2013\u2014-]+/, '')
    .replace(/\s+([.,;:])/g, '$1')
    .trim();
  return rest.charAt(0).toLocaleUpperCase('vi') + rest.slice(1);
}

const pad = (n: string) => n.padStart(2, '0');

/**
 * A day as people write it here — 22/11/2000, 22.11.2000, 22-11-2000 or 22112000, day first — or as the
 * form keeps it (2000-11-22), read as the form's YYYY-MM-DD; undefined when it is no calendar day.
 */
export function readDay(text: string): string | undefined {
  const t = text.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  const dayFirst =
    /^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4})$/.exec(t) ?? /^(\d{2})(\d{2})(\d{4})$/.exec(t);
  const [y, m, d] = iso
    ? [iso[1]!, iso[2]!, iso[3]!]
    : dayFirst
      ? [dayFirst[3]!, dayFirst[2]!, dayFirst[1]!]
      : [];
  if (!y || !m || !d || Number(y) < 1000) return undefined;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) return undefined;
  return `${y}-${pad(m)}-${pad(d)}`;
}

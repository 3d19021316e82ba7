/**
 * One record of the national procedure database (Cơ sở dữ liệu quốc gia về thủ tục hành chính), read
 * into structured fields. The published pages run table cells together into one string ("Hình thức
 * nộpThời gianPhí, lệ phíMô tảTrực tiếp3 Ngày làm việcMiễn phí…"); these pure functions split them
 * where the shape is unambiguous and otherwise keep the text as published. Every parsed field keeps its
 * raw text beside it, and says whether it was parsed, kept raw, or empty: nothing is guessed.
 */

/** "Không có thông tin" (no information) and blanks are an absent value, not a value. */
const NO_INFO = /^\s*(không có thông tin|không có|không)\s*\.?\s*$/i;

export const clean = (s: string | null | undefined): string =>
  (s ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();

/** A cell's value, or null when the record says there is none. */
export function textOrNull(s: string | null | undefined): string | null {
  const c = clean(s);
  return c === '' || NO_INFO.test(c) ? null : c;
}

/** How a field came out of its raw text. */
export type ParseStatus = 'parsed' | 'raw' | 'empty';

export interface ParsedField<T> {
  status: ParseStatus;
  items: T[];
  raw: string;
  /** Text the parse could not attribute to an item (kept, not dropped). */
  leftover?: string;
}

const field = <T>(raw: string, items: T[] | null): ParsedField<T> => {
  const r = clean(raw);
  if (textOrNull(r) === null) return { status: 'empty', items: [], raw: r };
  return items?.length ? { status: 'parsed', items, raw: r } : { status: 'raw', items: [], raw: r };
};

// ---------------------------------------------------------------------------------------------------
// Authority levels

export type AuthorityTier = 'ministry' | 'province' | 'commune' | 'other';

const LEVELS: Record<string, AuthorityTier> = {
  'cấp bộ': 'ministry',
  'cấp tỉnh': 'province',
  'cấp xã': 'commune',
  'cơ quan khác': 'other',
};

/** "Cấp bộ, Cấp tỉnh" → ministry, province (case varies in the source). */
export function parseLevels(raw: string): ParsedField<AuthorityTier> {
  const parts = clean(raw)
    .split(/[,;]/)
    .map((p) => clean(p).toLowerCase())
    .filter(Boolean);
  const tiers = parts.map((p) => LEVELS[p]);
  if (!parts.length || tiers.some((t) => t === undefined)) return field(raw, null);
  return field(raw, [...new Set(tiers as AuthorityTier[])]);
}

// ---------------------------------------------------------------------------------------------------
// Channels: how to file, how long, how much

export type ChannelKind = 'online' | 'in_person' | 'post';
export const CHANNEL_NAMES: Record<ChannelKind, string> = {
  online: 'Trực tuyến',
  in_person: 'Trực tiếp',
  post: 'Dịch vụ bưu chính',
};

/**
 * "Ngày làm việc" is working days; "Ngày" (calendar days), "Giờ" and "Tháng" keep their unit: turning
 * them into working days needs the start date and the holiday calendar, which a catalog entry has not.
 */
export type TimeUnit = 'working_day' | 'day' | 'hour' | 'working_hour' | 'month' | 'year';

export interface ProcessingTime {
  value: number;
  /** null when the record gives a bare number ("Trực tuyến1Miễn phí"). */
  unit: TimeUnit | null;
  /** Set only when the record says working days. */
  workingDays: number | null;
  raw: string;
}

export interface FeeAmount {
  vnd: number;
  raw: string;
}

export interface Fee {
  /** free: "Miễn phí"; amount: a number of đồng; none: "Không có thông tin"; text: kept as published. */
  kind: 'free' | 'amount' | 'none' | 'text';
  /** 0 when free, the amount when one is given, otherwise null. */
  vnd: number | null;
  /** The parenthesised note after the amount or "Miễn phí", as published. */
  note: string | null;
  raw: string;
}

export interface Channel {
  kind: ChannelKind;
  time: ProcessingTime | null;
  fee: Fee;
  description: string | null;
  raw: string;
}

const CHANNELS_HEADER = /^[\s-]*Hình thức nộp\s*Thời gian\s*Phí, lệ phí\s*Mô tả/;
/** A channel cell starts a row only when a time (a number) or "Không có thông tin" follows it. */
const CHANNEL_START = /(Trực tuyến|Trực tiếp|Dịch vụ bưu chính)(?=\s*(?:\d|Không có thông tin))/g;
const KIND_OF: Record<string, ChannelKind> = {
  'Trực tuyến': 'online',
  'Trực tiếp': 'in_person',
  'Dịch vụ bưu chính': 'post',
};
const TIME = /^\s*(\d+(?:[.,]\d+)?)\s*(Ngày làm việc|Giờ làm việc|Ngày|Giờ|Tháng|Năm)?/i;
const UNITS: Record<string, TimeUnit> = {
  'ngày làm việc': 'working_day',
  'giờ làm việc': 'working_hour',
  ngày: 'day',
  giờ: 'hour',
  tháng: 'month',
  năm: 'year',
};
const CURRENCY = '(?:Việt Nam Đồng|VNĐ|VND|Đồng|đồng)';
const AMOUNT = new RegExp(`^\\s*(?:(?:Lệ phí|Phí)\\s*:?\\s*)?(\\d{1,3}(?:[.,]\\d{3})+|\\d+)\\s*${CURRENCY}`);
const STARTS_WITH_CURRENCY = new RegExp(`^\\s*${CURRENCY}`);

/** "50.000", "20,000,000" → đồng (the đồng has no subunit, so both separators group thousands). */
export const vndOf = (digits: string): number => Number(digits.replace(/[.,]/g, ''));

/** A parenthesised note at the start of `s`, balanced; an unclosed one runs to the end. */
function leadingNote(s: string): { note: string; rest: string } | null {
  if (!s.startsWith('(')) return null;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) return { note: s.slice(1, i), rest: s.slice(i + 1) };
  }
  return { note: s.slice(1), rest: '' };
}

function parseChannelCell(kind: ChannelKind, raw: string): Channel {
  let rest = raw.slice(CHANNEL_NAMES[kind].length);
  let time: ProcessingTime | null = null;
  let ambiguous = false;
  if (rest.startsWith('Không có thông tin')) rest = rest.slice('Không có thông tin'.length);
  else {
    const m = TIME.exec(rest)!;
    const after = rest.slice(m[0].length);
    // "Trực tuyến220 VNĐ": a bare number run into an amount; which digits are the time is unknown.
    if (!m[2] && STARTS_WITH_CURRENCY.test(after)) ambiguous = true;
    else {
      const unit = m[2] ? UNITS[m[2].toLowerCase()]! : null;
      const value = Number(m[1]!.replace(',', '.'));
      time = { value, unit, workingDays: unit === 'working_day' ? value : null, raw: clean(m[0]) };
      rest = after;
    }
  }
  let fee: Fee;
  const free = /^\s*Miễn phí/.exec(rest);
  const none = /^\s*Không có thông tin/.exec(rest);
  const amount = ambiguous ? null : AMOUNT.exec(rest);
  if (free || amount) {
    const head = (free ?? amount)!;
    const note = leadingNote(rest.slice(head[0].length));
    const noteText = note ? textOrNull(note.note) : null;
    const feeRaw = clean(head[0] + (note ? `(${note.note})` : ''));
    fee = free
      ? { kind: 'free', vnd: 0, note: noteText, raw: feeRaw }
      : { kind: 'amount', vnd: vndOf(amount![1]!), note: noteText, raw: feeRaw };
    rest = note ? note.rest : rest.slice(head[0].length);
  } else if (none) {
    fee = { kind: 'none', vnd: null, note: null, raw: 'Không có thông tin' };
    rest = rest.slice(none[0].length);
  } else {
    // Neither free, nor an amount, nor absent: the fee and the description cannot be told apart.
    fee = { kind: 'text', vnd: null, note: null, raw: clean(rest) };
    rest = '';
  }
  return { kind, time, fee, description: textOrNull(rest), raw: clean(raw) };
}

export function parseChannels(raw: string): ParsedField<Channel> {
  const text = (raw ?? '').normalize('NFC');
  const header = CHANNELS_HEADER.exec(text);
  if (!header) return field(raw, null);
  const body = text.slice(header[0].length);
  const starts = [...body.matchAll(CHANNEL_START)];
  if (!starts.length || starts[0]!.index !== 0) return field(raw, null);
  const channels = starts.map((m, i) =>
    parseChannelCell(KIND_OF[m[1]!]!, body.slice(m.index, starts[i + 1]?.index ?? body.length)),
  );
  return field(raw, channels);
}

// ---------------------------------------------------------------------------------------------------
// Documents: what to bring

export interface Copies {
  originals: number | null;
  copies: number | null;
  sets: number | null;
  raw: string;
}

export interface DocumentItem {
  name: string;
  /** The heading of the group the document belongs to ("Giấy tờ phải xuất trình"), when there is one. */
  group: string | null;
  /** Template files the record names ("Mus08.docx"), when they can be told apart from the name. */
  templates: string[];
  copies: Copies;
}

const DOCUMENTS_HEADER = /Tên giấy tờ\s*Mẫu đơn, tờ khai\s*Số lượng/g;
const COPIES =
  /(\d{1,2})\s*bản chính(?:\s*,\s*(\d{1,2})\s*bản sao)?|(\d{1,2})\s*bản sao|(\d{1,2})\s*bộ(?![\p{L}])|Bản chính\s*:\s*(\d{1,2})(?:\s*,\s*Bản sao\s*:\s*(\d{1,2}))?|Bản sao\s*:\s*(\d{1,2})/giu;
const TEMPLATE_EXT = /\.(?:docx?|xlsx?|pdf|rar|zip|rtf|odt)/gi;

const num = (s: string | undefined) => (s === undefined ? null : Number(s));

function copiesOf(m: RegExpMatchArray): Copies {
  return {
    originals: num(m[1] ?? m[5]),
    copies: num(m[2] ?? m[3] ?? m[6] ?? m[7]),
    sets: num(m[4]),
    raw: clean(m[0]),
  };
}

/**
 * Splits template file names off the end of a document's cell: "…ngày 27/12/2021;Mus08.docx" → name
 * "…ngày 27/12/2021", template "Mus08.docx". A file name starts after ; : ) or a full stop, or where a
 * lower-case letter runs into a capital; when no such start is near, the cell stays whole.
 */
export function splitTemplates(cell: string): { name: string; templates: string[] } {
  const text = clean(cell);
  const exts = [...text.matchAll(TEMPLATE_EXT)].filter((m) => {
    const next = text[m.index + m[0].length];
    return next === undefined || !/[\p{Ll}]/u.test(next);
  });
  if (!exts.length) return { name: text, templates: [] };
  const first = exts[0]!.index;
  let start = -1;
  for (let i = first - 1; i >= 0 && first - i <= 80; i--) {
    const c = text[i]!;
    // A full stop ends a sentence, not a number ("2021.Mus09.docx" still starts a file name).
    const stop = c === '.' && (!/\d/.test(text[i - 1] ?? '') || /\p{L}/u.test(text[i + 1] ?? ''));
    if (';:)'.includes(c) || stop) {
      start = i + 1;
      break;
    }
    if (/\p{Lu}/u.test(c) && i > 0 && /\p{Ll}/u.test(text[i - 1]!)) {
      start = i;
      break;
    }
  }
  const tail = start >= 0 ? text.slice(start) : '';
  const name = start >= 0 ? clean(text.slice(0, start)).replace(/[;:]$/, '') : '';
  if (!tail || !name || tail.includes(',')) return { name: text, templates: [] };
  const templates: string[] = [];
  let from = 0;
  for (const m of tail.matchAll(TEMPLATE_EXT)) {
    const end = m.index + m[0].length;
    const next = tail[end];
    if (next !== undefined && /\p{Ll}/u.test(next)) continue;
    templates.push(clean(tail.slice(from, end)));
    from = end;
  }
  if (clean(tail.slice(from))) return { name: text, templates: [] };
  return { name, templates: templates.filter(Boolean) };
}

export function parseDocuments(raw: string): ParsedField<DocumentItem> {
  const text = clean(raw);
  const headers = [...text.matchAll(DOCUMENTS_HEADER)];
  if (!headers.length) return field(raw, null);
  const items: DocumentItem[] = [];
  let group = groupTitle(text.slice(0, headers[0]!.index));
  for (const [h, header] of headers.entries()) {
    const body = text.slice(header.index + header[0].length, headers[h + 1]?.index ?? text.length);
    let from = 0;
    for (const m of body.matchAll(COPIES)) {
      const cell = body.slice(from, m.index);
      from = m.index + m[0].length;
      const { name, templates } = splitTemplates(cell);
      if (!/\p{L}/u.test(name)) continue;
      items.push({ name: name.replace(/^[-–+•*\s]+/, ''), group, templates, copies: copiesOf(m) });
    }
    group = groupTitle(body.slice(from));
  }
  // Text after the last table's last count is no document row the table can vouch for: kept aside.
  const parsed = field(raw, items);
  return group && parsed.status === 'parsed' ? { ...parsed, leftover: group } : parsed;
}

function groupTitle(s: string): string | null {
  const t = clean(s)
    .replace(/^[-–*\s]+/, '')
    .replace(/[:\s]+$/, '');
  return t ? t : null;
}

// ---------------------------------------------------------------------------------------------------
// Results: what the applicant receives

export interface ResultItem {
  name: string;
  /** The result's code in the national database ("KQ.G01.00262"), when given. */
  code: string | null;
}

const RESULT_CODE = /Mã\s*:\s*([A-Z][A-Z0-9.\-_]*\d)/g;

export function parseResults(raw: string): ParsedField<ResultItem> {
  // The page's keywords, description and agency picker follow the results table; they are not results.
  const text = clean(clean(raw).split(/Từ khóa/)[0]);
  if (!textOrNull(text)) return field(raw, null);
  const codes = [...text.matchAll(RESULT_CODE)];
  if (!codes.length) return field(raw, [{ name: text, code: null }]);
  const items: ResultItem[] = [];
  let from = 0;
  for (const m of codes) {
    const name = clean(text.slice(from, m.index));
    from = m.index + m[0].length;
    if (name) items.push({ name, code: m[1]! });
  }
  const trailing = clean(text.slice(from));
  if (trailing) items.push({ name: trailing, code: null });
  return field(raw, items);
}

// ---------------------------------------------------------------------------------------------------
// Legal basis

export interface LegalDocument {
  title: string;
  /** "121/2021/NĐ-CP", "54/2014/QH13", "11/VBHN-VPQH" */
  number: string | null;
}

const LEGAL_HEADER = /^[\s:]*Tên văn bản pháp lý\s*Mã văn bản/;
/** A document number, followed by the next title (a capitalised word) or the end. */
const LEGAL_NUMBER = /(\d{1,5}[a-z]?\/(?:\d{4}\/)?[\p{Lu}][\p{L}\d-]*?)(?=\p{Lu}\p{Ll}(?:\p{Ll}|\s)|\s*$)/gu;

const DOC_KIND_SUFFIX =
  /\p{Ll}(Luật|Bộ luật|Nghị định|Thông tư liên tịch|Thông tư|Quyết định|Nghị quyết|Văn bản hợp nhất|Pháp lệnh)(?: số)?$/u;

export function parseLegalBasis(raw: string): ParsedField<LegalDocument> {
  const text = clean(raw);
  const header = LEGAL_HEADER.exec(text);
  if (!header) return field(raw, null);
  const body = text.slice(header[0].length);
  const items: LegalDocument[] = [];
  let from = 0;
  for (const m of body.matchAll(LEGAL_NUMBER)) {
    let start = m.index;
    let number = m[1]!;
    // "Luật 54/2014/QH1354/2014/QH13": the number column repeats the end of the title.
    const before = body.slice(from, start);
    if (/[\p{L}\d]$/u.test(before)) {
      const digits = /^\d+/.exec(number)![0];
      let split = -1;
      for (let k = 1; k < digits.length; k++) {
        if ((before + digits.slice(0, k)).endsWith(number.slice(k))) {
          split = k;
          break;
        }
      }
      if (split > 0) {
        start += split;
        number = number.slice(split);
      }
    }
    let title = clean(body.slice(from, start));
    from = start + number.length;
    // "…tại Việt NamLuật 47/2014/QH13": the number column's own "Luật " ran into the title.
    const kind = DOC_KIND_SUFFIX.exec(title);
    if (kind) {
      title = title.slice(0, kind.index + 1);
      number = `${kind[1]} ${number}`;
    }
    if (title) items.push({ title, number });
  }
  const trailing = clean(body.slice(from));
  if (trailing) return field(raw, null);
  return field(raw, items);
}

// ---------------------------------------------------------------------------------------------------
// The whole record

export interface NationalSource {
  code: string;
  name: string;
  decision?: string;
  level?: string;
  type?: string;
  field?: string;
  applicants?: string;
  competentAgency?: string;
  implementingAgency?: string;
  channels?: string;
  documents?: string;
  results?: string;
  legalBasis?: string;
  related?: string;
  source?: string;
}

/** A national record read into the fields the portal shows; every parsed field keeps its raw text. */
export interface NationalEntry {
  code: string;
  name: string;
  field: string | null;
  decision: string | null;
  type: string | null;
  applicants: string | null;
  competentAgency: string | null;
  implementingAgency: string | null;
  levels: ParsedField<AuthorityTier>;
  channels: ParsedField<Channel>;
  documents: ParsedField<DocumentItem>;
  results: ParsedField<ResultItem>;
  legalBasis: ParsedField<LegalDocument>;
  related: string | null;
  /** The record's page on the national portal, or the ministry's sheet it was read from. */
  source: { url: string | null; text: string | null };
}

export const PARSED_FIELDS = ['levels', 'channels', 'documents', 'results', 'legalBasis'] as const;
export type ParsedFieldName = (typeof PARSED_FIELDS)[number];

const CODE = /^\d\.\d{6}$/;

export type SourceProblem = { message: string };

/** Checks the parts of a line a procedure cannot exist without; everything else may be empty. */
export function checkSource(value: unknown): NationalSource | SourceProblem {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { message: 'not a JSON object' };
  const v = value as Record<string, unknown>;
  if (typeof v.code !== 'string' || !v.code.trim()) return { message: 'missing code' };
  if (!CODE.test(v.code.trim())) return { message: `bad code format ${JSON.stringify(v.code)}` };
  if (typeof v.name !== 'string' || !clean(v.name)) return { message: 'missing name' };
  for (const [k, x] of Object.entries(v))
    if (x !== null && x !== undefined && typeof x !== 'string') return { message: `${k} is not text` };
  return v as unknown as NationalSource;
}

export function parseNationalRecord(r: NationalSource): NationalEntry {
  const source = clean(r.source);
  return {
    code: r.code.trim(),
    name: clean(r.name),
    field: textOrNull(r.field),
    decision: textOrNull(r.decision),
    type: textOrNull(r.type),
    applicants: textOrNull(r.applicants),
    competentAgency: textOrNull(r.competentAgency),
    implementingAgency: textOrNull(r.implementingAgency),
    levels: parseLevels(r.level ?? ''),
    channels: parseChannels(r.channels ?? ''),
    documents: parseDocuments(r.documents ?? ''),
    results: parseResults(r.results ?? ''),
    legalBasis: parseLegalBasis(r.legalBasis ?? ''),
    related: textOrNull(r.related),
    source: /^https?:\/\//.test(source)
      ? { url: source, text: null }
      : { url: null, text: textOrNull(source) },
  };
}

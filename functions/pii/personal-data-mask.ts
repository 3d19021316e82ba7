/**
 * Masks personal data in free Vietnamese text before the portal shows it to the public: citizen IDs
 * (12-digit CCCD, 9-digit CMND), phones (mobile and landline, +84 or 0, with spaces, dots or dashes),
 * e-mail addresses, tax codes and account-like numbers — also spelled with full-width digits, unusual
 * spaces or dashes — and any names or addresses the caller already knows (the petitioner's own).
 *
 * Numbers that are not personal keep their place: dossier and petition codes, procedure codes, dates,
 * year ranges, money amounts, legal references, house numbers, toll-free lines. Long digit runs are
 * masked whatever the text says; shorter ones when a nearby word says what they are (STK, SĐT, CCCD…).
 * Each masked span becomes MASK. The text around it is kept as written (in NFC).
 */

export const MASK = '[đã ẩn]';

/** Words that say the number after them is personal (folded: lower case, no tone marks). */
const PERSONAL_CUE =
  /(?:^|[^a-z0-9])(?:cccd|cmnd|cmt|can cuoc|dinh danh|chung minh|ho chieu|mst|ma so thue|stk|so tk|tai khoan|sdt|dien thoai|dt|di dong|zalo|fax)(?:[^a-z0-9]|$)/;
/** Words that say the number after them is an amount of money. */
const MONEY_CUE = /(?:^|[^a-z])(?:tien|phi|gia|thanh toan|nop|tong|luong|muc|khoan tien)(?:[^a-z]|$)/;
/** How far back (characters) a cue word counts. */
const CUE_WINDOW = 28;
/** Below this many digits a number needs a cue word to be masked. */
const SHORT_DIGITS = 6;

const EMAIL =
  /[a-z0-9][a-z0-9._%+-]*\s?(?:@|\[\s?at\s?\]|\(\s?at\s?\))\s?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/gi;

/** Shapes that are never personal; blanked before numbers are looked for, so none runs across them. */
const NOT_PERSONAL = [
  // Dossier and petition codes (Circular 01/2018): `<agency code>-YYMMDD-NNNN`, e.g. 000.00.00.H01-260101-0001.
  /(?<![A-Za-z0-9.])(?=[0-9.]*[A-Z])[A-Z0-9.]{2,24}-\d{6}-\d{4,}(?!\d)/g,
  // National procedure codes, short (1.001234) or with the agency identifier (….000.00.00.H01).
  /(?<![\d.])\d\.\d{6}(?:\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})?(?![\d])/g,
  // Agency identifiers on their own: 000.00.00.H01.
  /(?<![\d.])\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}(?!\d)/g,
  // Dates: 01/01/2026, 01.01.2026, 15-12-2025, 2026-01-01.
  /(?<![\d.-])\d{1,2}([./-])\d{1,2}\1\d{2,4}(?![\d]|[.-]\d)/g,
  /(?<![\d.-])\d{4}([./-])\d{1,2}\1\d{1,2}(?![\d]|[.-]\d)/g,
  // Year ranges: 2021-2025, 2021 – 2025.
  /(?<![\d.-])(?:19|20)\d{2} ?- ?(?:19|20)\d{2}(?![\d]|[.-]\d)/g,
];

/** Digit groups joined by single separators (space, dot, dash), with an optional +84 and (area code). */
const NUMBER = /\(?\+? ?\(?\d+\)?(?:(?:[ \t]?[.-][ \t]?|[ \t]{1,2})\(?\d+\)?)*/g;
/** A currency or unit right after an amount. */
const MONEY_UNIT = /^ ?(?:đồng|dong|đ|vnđ|vnd|₫|usd|triệu|trieu|tỷ|ty|nghìn|ngàn)(?![\p{L}\p{N}])/iu;
/** 1.500.000 — thousands grouped by dots. */
const GROUPED_THOUSANDS = /^\d{1,3}(?:\.\d{3})+$/;
/** 1800 / 1900 lines are businesses' and agencies' hotlines, never a person's. */
const SERVICE_LINE = /^(?:1800|1900)\d{4,6}$/;

/**
 * The text as the detectors read it, one code unit for one: full-width forms as ASCII, every dash as
 * `-`, unusual and zero-width spaces as a space. Positions are the original's, so spans map back.
 */
function detectionView(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
    else if (c === 0x3000 || c === 0xa0 || (c >= 0x2000 && c <= 0x200d) || c === 0x202f) out += ' ';
    else if (c === 0x205f || c === 0x2060 || c === 0xfeff) out += ' ';
    else if ((c >= 0x2010 && c <= 0x2015) || c === 0x2212 || c === 0xad || c === 0xfe63) out += '-';
    else if (c === 0x3002 || c === 0x2024 || c === 0xb7) out += '.';
    else out += text[i];
  }
  return out;
}

/** Lower case without tone marks, one code unit for one (the text is NFC). */
function folded(view: string): string {
  let out = '';
  for (const ch of view) {
    const base = ch.normalize('NFD')[0]!.toLowerCase();
    const one = base === 'đ' ? 'd' : base;
    // Astral characters keep their two code units.
    out += ch.length === 2 ? ch : one.length === 1 ? one : ch;
  }
  return out;
}

type Span = [start: number, end: number];

const blank = (view: string, [start, end]: Span) =>
  view.slice(0, start) + '_'.repeat(end - start) + view.slice(end);

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The known values worth hunting for, folded, longest first: whole values and numbered address parts. */
function knownPatterns(known: readonly string[]): RegExp[] {
  const values = new Set<string>();
  for (const value of known) {
    const parts = [value, ...value.split(',').filter((p) => /\d/.test(p))];
    for (const part of parts) {
      const words = folded(detectionView(part.normalize('NFC')))
        .trim()
        .split(/\s+/)
        .filter(Boolean);
      // One word alone (An, Huế) is too common to be a person's: names and addresses have two or more.
      if (words.length >= 2) values.add(words.join(' '));
    }
  }
  return [...values]
    .sort((a, b) => b.length - a.length)
    .map(
      (v) => new RegExp(`(?<![a-z0-9])${v.split(' ').map(escapeRegExp).join('[\\s,]+')}(?![a-z0-9])`, 'g'),
    );
}

/** Where a found number really is: without surrounding spaces or a bracket that belongs to the text. */
function numberSpan(found: string, index: number): Span {
  let start = index + (found.length - found.trimStart().length);
  let end = index + found.trimEnd().length;
  const written = found.trim();
  const opened = written.split('(').length - 1;
  const closed = written.split(')').length - 1;
  // "(SĐT 0912 345 678)": the closing bracket is the sentence's; "(024) 3825 1234" keeps its pair.
  if (closed > opened && written.endsWith(')')) end -= 1;
  if (opened > closed && written.startsWith('(')) start += 1;
  return [start, end];
}

/** Whether a number found at [start, end) of the view is personal. */
function isPersonal(view: string, cues: string, start: number, end: number): boolean {
  const written = view.slice(start, end).trim();
  const digits = written.replace(/\D/g, '');
  const before = cues.slice(Math.max(0, start - CUE_WINDOW), start);
  const after = view.slice(end);
  if (MONEY_UNIT.test(after)) return false;
  if (SERVICE_LINE.test(digits)) return false;
  if (PERSONAL_CUE.test(before)) return digits.length >= SHORT_DIGITS;
  if (GROUPED_THOUSANDS.test(written) && (digits.length <= 8 || MONEY_CUE.test(before))) return false;
  return digits.length >= 8;
}

export function maskPersonalData(input: string, known: readonly string[] = []): string {
  const text = input.normalize('NFC');
  let view = detectionView(text);
  const masked: Span[] = [];

  for (const pattern of knownPatterns(known)) {
    for (const m of folded(view).matchAll(pattern)) {
      masked.push([m.index, m.index + m[0].length]);
      view = blank(view, masked.at(-1)!);
    }
  }
  for (const m of view.matchAll(EMAIL)) {
    masked.push([m.index, m.index + m[0].length]);
    view = blank(view, masked.at(-1)!);
  }
  for (const pattern of NOT_PERSONAL) {
    for (const m of view.matchAll(pattern)) view = blank(view, [m.index, m.index + m[0].length]);
  }
  const cues = folded(view);
  for (const m of view.matchAll(NUMBER)) {
    const [start, end] = numberSpan(m[0], m.index);
    if (/\d/.test(m[0]) && isPersonal(view, cues, start, end)) masked.push([start, end]);
  }

  masked.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [start, end] of masked) {
    if (end <= at) continue;
    out += text.slice(at, Math.max(at, start));
    // Adjacent masks read as one.
    if (!out.endsWith(MASK)) out += MASK;
    at = end;
  }
  return out + text.slice(at);
}

/**
 * Text analysis for catalog search: folding (tone marks, đ, case), tokens with their tone marks, the
 * synonym and abbreviation phrases of synonyms.ts, and the terms a document is indexed under or a query
 * asks for. Apart from the index so petitions and name matching use the same analysis without it.
 */
import { CONTEXT_GROUPS, FILLER, SECONDARY, SOFT, SYNONYM_GROUPS } from './synonyms.js';

/** FNV-1a of a string, for the index format's fingerprint of the synonym data. */
function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

let format: number | undefined;

/**
 * The index layout (bumped whenever tokenisation, fields or the layout change) with a fingerprint
 * of the synonym data that shapes what is indexed: a prebuilt index of older synonyms is never
 * loaded, it is rebuilt. Computed on first use: the catalog's reads by code never search.
 */
export function indexFormat(): number {
  format ??= 4_000_000 + (fnv(JSON.stringify([SYNONYM_GROUPS, CONTEXT_GROUPS, SECONDARY])) % 1_000_000);
  return format;
}

export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

/** Spelling variants folded onto one form ("đăng kí" / "đăng ký"); "mãi"/"mại" already fold alike. */
const VARIANTS: Readonly<Record<string, string>> = { ki: 'ky' };

const TOKEN = /c\/o|[a-z0-9]+/g;

/** A map's own entry for a word: "constructor" or "__proto__" typed by a citizen must not reach Object's. */
export const own = <T>(map: Readonly<Record<string, T>>, word: string) =>
  Object.hasOwn(map, word) ? map[word] : undefined;

export function words(text: string): string[] {
  return (fold(text).match(TOKEN) ?? []).map((t) => own(VARIANTS, t) ?? t);
}

/** Query terms: folded words, nothing added. */
export const queryTerms = (text: string): string[] => words(text);

/**
 * A word as written: its folded form, and its marks (tone and vowel marks, đ) so that "sổ đỏ" is told
 * from "sơ đồ" where both are written with marks; a word written without any matches either.
 */
export interface Word {
  folded: string;
  marks: string;
  start: number;
  end: number;
}

function marksOf(word: string): string {
  const nfd = word.normalize('NFD');
  const m = (nfd.match(/[\u0300-\u036f]/g) ?? []).sort().join('');
  return /[đĐ]/.test(word) ? `${m}đ` : m;
}

/** Folded forms and marks of each written token, cached (bounded): a catalog repeats a few thousand words. */
const tokenCache = new Map<string, { folded: string[]; marks: string }>();

function token(raw: string) {
  let t = tokenCache.get(raw);
  if (!t) {
    t = { folded: (fold(raw).match(TOKEN) ?? []).map((x) => own(VARIANTS, x) ?? x), marks: marksOf(raw) };
    if (tokenCache.size < 50_000) tokenCache.set(raw, t);
  }
  return t;
}

export function written(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.normalize('NFC').matchAll(/c\/o|[\p{L}\p{N}]+/giu)) {
    const { folded, marks } = token(m[0]);
    for (const f of folded) out.push({ folded: f, marks, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

export const sameWord = (a: Word, b: Word) =>
  a.folded === b.folded && (!a.marks || !b.marks || a.marks === b.marks);

export interface Phrase {
  words: Word[];
  term: string;
}
export const phrase = (text: string, term: string): Phrase => ({ words: written(text), term });

/** The synonym, filler, soft-word and secondary phrase tables, analysed once. */
export interface PhraseTables {
  /** Every synonym phrase, longest first, with the group term it stands for. */
  synonyms: readonly Phrase[];
  /** Synonym phrases by their first folded word, so a text is matched in one pass. */
  byFirst: ReadonlyMap<string, Phrase[]>;
  /** One-word synonym phrases (folded). */
  single: ReadonlySet<string>;
  groupTerms: ReadonlySet<string>;
  /** A group term's official wording (its first phrase), folded. */
  official: ReadonlyMap<string, string[]>;
  filler: readonly Phrase[];
  soft: ReadonlyMap<string, { marks: string; official: string[] }>;
  secondary: readonly { in: Phrase; asked: Phrase[] }[];
  /** Phrases that mean their term only in documents that also say one of `where` (CONTEXT_GROUPS). */
  context: readonly { term: string; phrases: Phrase[]; where: Phrase[] }[];
}

let tables: PhraseTables | undefined;

/** Built on first use, not at import: a function that serves no search never pays for them. */
export function phrases(): PhraseTables {
  if (tables) return tables;
  const synonyms = SYNONYM_GROUPS.flatMap((g) => g.phrases.map((p) => phrase(p, g.term))).sort(
    (a, b) => b.words.length - a.words.length,
  );
  const byFirst = new Map<string, Phrase[]>();
  for (const p of synonyms) {
    const first = p.words[0]!.folded;
    byFirst.set(first, [...(byFirst.get(first) ?? []), p]);
  }
  tables = {
    synonyms,
    byFirst,
    single: new Set(synonyms.filter((p) => p.words.length === 1).map((p) => p.words[0]!.folded)),
    groupTerms: new Set(SYNONYM_GROUPS.map((g) => g.term)),
    official: new Map(SYNONYM_GROUPS.map((g) => [g.term, written(g.phrases[0]!).map((w) => w.folded)])),
    filler: FILLER.map((f) => phrase(f, '')).sort((a, b) => b.words.length - a.words.length),
    soft: new Map(
      Object.entries(SOFT).map(([w, official]) => [
        fold(w),
        { marks: marksOf(w), official: official.flatMap((o) => written(o).map((x) => x.folded)) },
      ]),
    ),
    secondary: SECONDARY.map((s) => ({ in: phrase(s.phrase, ''), asked: s.asked.map((a) => phrase(a, '')) })),
    context: CONTEXT_GROUPS.map((g) => ({
      term: g.term,
      phrases: g.phrases.map((p) => phrase(p, g.term)),
      where: g.where.map((w) => phrase(w, '')),
    })),
  };
  return tables;
}

/** Whether `p` is written in `ws` at position i. */
export const at = (ws: readonly Word[], i: number, p: Phrase) =>
  i + p.words.length <= ws.length && p.words.every((w, j) => sameWord(ws[i + j]!, w));

export const contains = (ws: readonly Word[], p: Phrase) => ws.some((_, i) => at(ws, i, p));

/**
 * Group terms for the synonym phrases written in a text (phrases of several words only: a single
 * folded syllable such as "vat" or "sung" is too ambiguous to index, and is mapped at query time).
 */
function synonymTerms(ws: readonly Word[]): string[] {
  const out = new Set<string>();
  const { byFirst } = phrases();
  ws.forEach((w, i) => {
    for (const p of byFirst.get(w.folded) ?? []) if (p.words.length > 1 && at(ws, i, p)) out.add(p.term);
  });
  return [...out];
}

/** Indexed terms: the words, plus each synonym phrase's group term and each abbreviation's official words. */
export function indexTerms(text: string): string[] {
  return termsOf(words(text), written(text));
}

export function termsOf(out: string[], ws: readonly Word[]): string[] {
  const extra: string[] = [];
  const { groupTerms, official } = phrases();
  for (const t of out) if (groupTerms.has(t) && official.has(t)) extra.push(...official.get(t)!);
  extra.push(...synonymTerms(ws));
  return extra.length ? [...out, ...extra] : out;
}

/** Group terms of phrases that have their meaning only in this document (see CONTEXT_GROUPS). */
export function contextTerms(ws: readonly Word[], doc: readonly Word[]): string[] {
  return phrases()
    .context.filter((g) => g.phrases.some((p) => contains(ws, p)) && g.where.some((w) => contains(doc, w)))
    .map((g) => g.term);
}

/** Bit i set when the text names the i-th secondary variant (a reissue, a revocation…). */
export function secondaryFlags(text: string): number {
  const ws = written(text);
  let flags = 0;
  phrases().secondary.forEach((s, i) => {
    if (contains(ws, s.in)) flags |= 1 << i;
  });
  return flags;
}

/** [start, end) offsets in `text` of the words whose folded form is in `terms`, or of a matched synonym phrase. */
export function highlightRanges(text: string, terms: ReadonlySet<string>): [number, number][] {
  const ws = written(text);
  const hit = new Set<number>();
  ws.forEach((w, i) => {
    if (terms.has(w.folded)) hit.add(i);
  });
  // A context phrase matched only where its term was found in this field, so it is the reason.
  const { byFirst, context: contextPhrases } = phrases();
  const context = contextPhrases.filter((g) => terms.has(g.term)).flatMap((g) => g.phrases);
  for (let i = 0; i < ws.length; i++) {
    for (const p of [...(byFirst.get(ws[i]!.folded) ?? []), ...context])
      if (terms.has(p.term) && at(ws, i, p)) for (let j = 0; j < p.words.length; j++) hit.add(i + j);
  }
  const ranges: [number, number][] = [];
  for (const i of [...hit].sort((a, b) => a - b)) {
    const { start, end } = ws[i]!;
    const last = ranges.at(-1);
    if (last && last[0] === start) continue; // "C/O" or a word split in two: one range
    ranges.push([start, end]);
  }
  return ranges;
}

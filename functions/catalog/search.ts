/**
 * Vietnamese search over the catalog, in memory. Text is folded (NFD, combining marks removed,
 * đ→d, lower case) so "giấy phép", "giay phep" and "GIAY PHEP" are one term. The everyday words of
 * synonyms.ts are indexed beside the official ones: a document holding a synonym phrase ("giấy
 * chứng nhận quyền sử dụng đất", "sổ đỏ") is also indexed under the group's term, matched as a
 * phrase and with its tone marks once at build time ("sổ đỏ" is not "sơ đồ"), and a query's
 * phrases are replaced by their group term, so a query costs one posting list per phrase.
 *
 * Ranking: field boosts and rarity, then the name's length (general procedures have short names),
 * a bonus when every required word is in the name, and a lower rank for variants (reissue,
 * revocation, foreign element…) the query does not ask for. Typos: one edit from 4 letters, two
 * from 8, tried only when exact matching finds little; words typed together are split.
 *
 * The index is a compact inverted index built when the catalog is published and loaded, already
 * built, at cold start: a sorted vocabulary (prefix look-up by binary search) and, per term, the
 * documents holding it with a bit mask of the fields it occurs in. A query intersects the posting
 * lists of its words, rarest first, so its cost follows the rarest word rather than the catalog's
 * size; field boosts and the term's rarity give the score.
 */

import { CONTEXT_GROUPS, FILLER, SECONDARY, SOFT, SYNONYM_GROUPS } from './synonyms.js';

/** FNV-1a of a string, for the index format's fingerprint of the synonym data. */
function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The index layout (bumped whenever tokenisation, fields or the layout change) with a fingerprint
 * of the synonym data that shapes what is indexed: a prebuilt index of older synonyms is never
 * loaded, it is rebuilt.
 */
export const INDEX_FORMAT =
  4_000_000 + (fnv(JSON.stringify([SYNONYM_GROUPS, CONTEXT_GROUPS, SECONDARY])) % 1_000_000);

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
const own = <T>(map: Readonly<Record<string, T>>, word: string) =>
  Object.hasOwn(map, word) ? map[word] : undefined;

function words(text: string): string[] {
  return (fold(text).match(TOKEN) ?? []).map((t) => own(VARIANTS, t) ?? t);
}

/** Query terms: folded words, nothing added. */
export const queryTerms = (text: string): string[] => words(text);

/**
 * A word as written: its folded form, and its marks (tone and vowel marks, đ) so that "sổ đỏ" is told
 * from "sơ đồ" where both are written with marks; a word written without any matches either.
 */
interface Word {
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

function written(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.normalize('NFC').matchAll(/c\/o|[\p{L}\p{N}]+/giu)) {
    const { folded, marks } = token(m[0]);
    for (const f of folded) out.push({ folded: f, marks, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

const sameWord = (a: Word, b: Word) => a.folded === b.folded && (!a.marks || !b.marks || a.marks === b.marks);

interface Phrase {
  words: Word[];
  term: string;
}
const phrase = (text: string, term: string): Phrase => ({ words: written(text), term });

/** Every synonym phrase, longest first, with the group term it stands for. */
const SYNONYM_PHRASES: readonly Phrase[] = SYNONYM_GROUPS.flatMap((g) =>
  g.phrases.map((p) => phrase(p, g.term)),
).sort((a, b) => b.words.length - a.words.length);
/** Synonym phrases by their first folded word, so a text is matched in one pass. */
const BY_FIRST = new Map<string, Phrase[]>();
for (const p of SYNONYM_PHRASES) {
  const first = p.words[0]!.folded;
  BY_FIRST.set(first, [...(BY_FIRST.get(first) ?? []), p]);
}
const SINGLE_PHRASES = new Set(
  SYNONYM_PHRASES.filter((p) => p.words.length === 1).map((p) => p.words[0]!.folded),
);
const GROUP_TERMS = new Set(SYNONYM_GROUPS.map((g) => g.term));
const OFFICIAL: ReadonlyMap<string, string[]> = new Map(
  SYNONYM_GROUPS.map((g) => [g.term, written(g.phrases[0]!).map((w) => w.folded)]),
);
const FILLER_PHRASES = FILLER.map((f) => phrase(f, '')).sort((a, b) => b.words.length - a.words.length);
const SOFT_WORDS: ReadonlyMap<string, { marks: string; official: string[] }> = new Map(
  Object.entries(SOFT).map(([w, official]) => [
    fold(w),
    { marks: marksOf(w), official: official.flatMap((o) => written(o).map((x) => x.folded)) },
  ]),
);
const SECONDARY_PHRASES = SECONDARY.map((s) => ({
  in: phrase(s.phrase, ''),
  asked: s.asked.map((a) => phrase(a, '')),
}));

/** Whether `p` is written in `ws` at position i. */
const at = (ws: readonly Word[], i: number, p: Phrase) =>
  i + p.words.length <= ws.length && p.words.every((w, j) => sameWord(ws[i + j]!, w));

const contains = (ws: readonly Word[], p: Phrase) => ws.some((_, i) => at(ws, i, p));

/**
 * Group terms for the synonym phrases written in a text (phrases of several words only: a single
 * folded syllable such as "vat" or "sung" is too ambiguous to index, and is mapped at query time).
 */
function synonymTerms(ws: readonly Word[]): string[] {
  const out = new Set<string>();
  ws.forEach((w, i) => {
    for (const p of BY_FIRST.get(w.folded) ?? []) if (p.words.length > 1 && at(ws, i, p)) out.add(p.term);
  });
  return [...out];
}

/** Indexed terms: the words, plus each synonym phrase's group term and each abbreviation's official words. */
export function indexTerms(text: string): string[] {
  return termsOf(words(text), written(text));
}

function termsOf(out: string[], ws: readonly Word[]): string[] {
  const extra: string[] = [];
  for (const t of out) if (GROUP_TERMS.has(t) && OFFICIAL.has(t)) extra.push(...OFFICIAL.get(t)!);
  extra.push(...synonymTerms(ws));
  return extra.length ? [...out, ...extra] : out;
}

const CONTEXT_PHRASES = CONTEXT_GROUPS.map((g) => ({
  term: g.term,
  phrases: g.phrases.map((p) => phrase(p, g.term)),
  where: g.where.map((w) => phrase(w, '')),
}));

/** Group terms of phrases that have their meaning only in this document (see CONTEXT_GROUPS). */
function contextTerms(ws: readonly Word[], doc: readonly Word[]): string[] {
  return CONTEXT_PHRASES.filter(
    (g) => g.phrases.some((p) => contains(ws, p)) && g.where.some((w) => contains(doc, w)),
  ).map((g) => g.term);
}

/** Bit i set when the text names the i-th secondary variant (a reissue, a revocation…). */
function secondaryFlags(text: string): number {
  const ws = written(text);
  let flags = 0;
  SECONDARY_PHRASES.forEach((s, i) => {
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
  const context = CONTEXT_PHRASES.filter((g) => terms.has(g.term)).flatMap((g) => g.phrases);
  for (let i = 0; i < ws.length; i++) {
    for (const p of [...(BY_FIRST.get(ws[i]!.folded) ?? []), ...context])
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

export interface IndexedDoc {
  id: string;
  [field: string]: string;
}

export interface SearchSpec {
  fields: readonly string[];
  /** Relative weight of a match in each field. */
  boost: Readonly<Record<string, number>>;
}

export interface Hit {
  id: string;
  score: number;
  /** field → the indexed terms that matched there (computed only for the hits shown). */
  matches(): Record<string, string[]>;
}

/**
 * What is stored: ids, the sorted vocabulary, per term a flat list of (document, field mask), and per
 * document the length of its first field (the name) and the secondary variants that field names.
 */
interface SerializedIndex {
  format: number;
  fields: string[];
  ids: string[];
  terms: string[];
  /**
   * Per term, its documents and field masks: in memory `[doc, mask, doc, mask…]`; serialized as text
   * ("delta.mask" in base 36, space-separated), decoded on a term's first use. Parsing text is several
   * times cheaper than parsing the same numbers as JSON arrays, and a cold start reads only the terms
   * its first queries touch.
   */
  postings: (number[] | string)[];
  lengths: number[];
  secondary: number[];
}

function encodePosting(posting: readonly number[]): string {
  const out: string[] = [];
  let previous = 0;
  for (let i = 0; i < posting.length; i += 2) {
    out.push(`${(posting[i]! - previous).toString(36)}.${posting[i + 1]!.toString(36)}`);
    previous = posting[i]!;
  }
  return out.join(' ');
}

function decodePosting(text: string): number[] {
  const out: number[] = [];
  let doc = 0;
  if (!text) return out;
  for (const pair of text.split(' ')) {
    const dot = pair.indexOf('.');
    doc += Number.parseInt(pair.slice(0, dot), 36);
    out.push(doc, Number.parseInt(pair.slice(dot + 1), 36));
  }
  return out;
}

/** Matching documents and their scores, in the order found. */
class Hits {
  readonly docs: number[] = [];
  readonly scores: number[] = [];
  add(doc: number, score: number) {
    this.docs.push(doc);
    this.scores.push(score);
  }
  get size() {
    return this.docs.length;
  }
}

/** Fewer exact hits than this and the search is repeated forgiving typos. */
const FUZZY_BELOW = 10;
const PREFIX_WEIGHT = 0.6;
const FUZZY_WEIGHT = 0.45;
/** A synonym reached through a single ambiguous syllable ("vat", "sung") weighs less than the word itself. */
const SYNONYM_WEIGHT = 0.9;
/** An everyday verb's official counterpart ranks a procedure higher but is not required. */
const SOFT_WEIGHT = 0.5;
/** Every required query word found in the name: the procedure is most likely the one meant. */
const NAME_ALL_BONUS = 1.6;
/** Name length normalisation: score × K / (K + words in the name); general procedures have short names. */
const LENGTH_K = 20;
/** A variant the query does not ask for (a reissue, a foreign element…): not the everyday procedure. */
const SECONDARY_FACTOR = 0.7;
/** Prefix expansion of the word being typed stops here: "c" must not pull in the whole vocabulary. */
const MAX_EXPANSIONS = 50;
/** At most this many any-word matches are returned when no document holds every word. */
const MAX_LOOSE_HITS = 100;

/**
 * Edit distance (insertions, deletions, substitutions, swaps of neighbours) when at most `max`,
 * otherwise max + 1; rows are cut short once every cell exceeds `max`.
 */
const rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (b.length >= 63) return max + 1;
  let [prev2, prev, cur] = rows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[b.length]!;
}

/**
 * Words in a name for length normalisation, up to a cap: a name listing many cases (a land
 * transfer's runs to 120 words) counts as a long one, not as five short ones.
 */
const MAX_NAME_LENGTH = 25;
const nameLength = (name: string) => Math.min(MAX_NAME_LENGTH, words(name).length);

/**
 * The word with its initial consonant swapped for one that regional accents confuse with it
 * ("tạm chú" for "tạm trú", "xổ" for "sổ", "dấy" for "giấy", "nàm" for "làm").
 */
const INITIAL_SWAPS: readonly (readonly [string, readonly string[]])[] = [
  ['ch', ['tr']],
  ['tr', ['ch']],
  ['gi', ['d', 'r']],
  ['ng', []],
  ['nh', []],
  ['s', ['x']],
  ['x', ['s']],
  ['d', ['gi', 'r']],
  ['r', ['d', 'gi']],
  ['l', ['n']],
  ['n', ['l']],
];

export function accentVariants(word: string): string[] {
  const swap = INITIAL_SWAPS.find(([initial]) => word.startsWith(initial));
  return swap ? swap[1].map((other) => other + word.slice(swap[0].length)) : [];
}

/** Typos forgiven in a word of this length: none below 4 letters, one from 4, two from 8. */
const typosAllowed = (len: number) => (len >= 8 ? 2 : len >= 4 ? 1 : 0);

/** A query word resolved to indexed terms, each with the weight a match through it carries. */
type Expansion = { termIndex: number; weight: number }[];

/** One unit of a query: a word, or a synonym phrase standing for its group term. */
interface Slot {
  word: string;
  /** Group term the slot also (or only, for a phrase) stands for. */
  term?: string;
  /** A phrase of several words: only its group term is searched. */
  phrase?: boolean;
  /** The word being typed: it may be a prefix. */
  last?: boolean;
  /** Ranks higher when present, excludes nothing when absent. */
  optional?: boolean;
}

export class SearchIndex {
  private readonly termIndex = new Map<string, number>();
  private readonly weights: number[];
  private readonly avgLength: number;

  private constructor(
    private readonly spec: SearchSpec,
    private readonly data: SerializedIndex,
  ) {
    for (const [i, t] of data.terms.entries()) this.termIndex.set(t, i);
    this.weights = spec.fields.map((f) => spec.boost[f] ?? 1);
    this.avgLength = data.lengths.reduce((a, b) => a + b, 0) / Math.max(1, data.lengths.length);
  }

  static build(spec: SearchSpec, docs: readonly IndexedDoc[]): SearchIndex {
    const byTerm = new Map<string, Map<number, number>>();
    docs.forEach((doc, d) => {
      // A context phrase takes its meaning from the procedure's field (lĩnh vực) when it has one.
      const whole = written(doc.field ?? spec.fields.map((f) => doc[f] ?? '').join(' · '));
      spec.fields.forEach((field, f) => {
        const ws = written(doc[field] ?? '');
        for (const term of [
          ...termsOf(
            ws.map((w) => w.folded),
            ws,
          ),
          ...contextTerms(ws, whole),
        ]) {
          const posting = byTerm.get(term) ?? new Map<number, number>();
          byTerm.set(term, posting);
          posting.set(d, (posting.get(d) ?? 0) | (1 << f));
        }
      });
    });
    const terms = [...byTerm.keys()].sort();
    const postings = terms.map((t) => [...byTerm.get(t)!.entries()].sort((a, b) => a[0] - b[0]).flat());
    const first = spec.fields[0]!;
    return new SearchIndex(spec, {
      format: INDEX_FORMAT,
      fields: [...spec.fields],
      ids: docs.map((d) => d.id),
      terms,
      postings,
      lengths: docs.map((d) => nameLength(d[first] ?? '')),
      secondary: docs.map((d) => secondaryFlags(d[first] ?? '')),
    });
  }

  static load(spec: SearchSpec, serialized: unknown): SearchIndex {
    const data = serialized as SerializedIndex;
    if (data?.format !== INDEX_FORMAT || data.fields.join() !== spec.fields.join()) {
      throw new Error('search index was built for another format or fields');
    }
    return new SearchIndex(spec, data);
  }

  toJSON(): unknown {
    return {
      ...this.data,
      postings: this.data.postings.map((p) => (typeof p === 'string' ? p : encodePosting(p))),
    };
  }

  /** A term's documents and field masks, decoded on first use. */
  private posting(termIndex: number): number[] {
    const p = this.data.postings[termIndex]!;
    if (typeof p !== 'string') return p;
    const decoded = decodePosting(p);
    this.data.postings[termIndex] = decoded;
    return decoded;
  }

  get size(): number {
    return this.data.ids.length;
  }

  /** Terms starting with `prefix`, by binary search in the sorted vocabulary. */
  private withPrefix(prefix: string): number[] {
    const { terms } = this.data;
    let lo = 0;
    let hi = terms.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (terms[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let i = lo; i < terms.length && terms[i]!.startsWith(prefix) && out.length < MAX_EXPANSIONS; i++)
      out.push(i);
    return out;
  }

  private byLength: Map<number, number[]> | undefined;

  /**
   * Vocabulary grouped by word length, built on the first typo-tolerant search only. Words only:
   * codes and numbers are never forgiven a typo (a wrong digit is another procedure).
   */
  private termsOfLength(len: number): readonly number[] {
    if (!this.byLength) {
      this.byLength = new Map();
      for (const [i, t] of this.data.terms.entries()) {
        if (!/^[a-z]+$/.test(t)) continue;
        const list = this.byLength.get(t.length) ?? [];
        list.push(i);
        this.byLength.set(t.length, list);
      }
    }
    return this.byLength.get(len) ?? [];
  }

  private expandWord(word: string, last: boolean, fuzzy: boolean, found: Map<number, number>, scale = 1) {
    const add = (i: number, w: number) => found.set(i, Math.max(found.get(i) ?? 0, w * scale));
    const exact = this.termIndex.get(word);
    if (exact !== undefined) add(exact, 1);
    if (last && word.length >= 2) for (const i of this.withPrefix(word)) add(i, PREFIX_WEIGHT);
    const max = typosAllowed(word.length);
    if (fuzzy && max > 0 && !GROUP_TERMS.has(word) && /^[a-z]+$/.test(word)) {
      for (let len = word.length - max; len <= word.length + max; len++) {
        for (const i of this.termsOfLength(len)) {
          if (i !== exact && editDistance(word, this.data.terms[i]!, max) <= max) add(i, FUZZY_WEIGHT);
        }
      }
    }
  }

  private byId: Int32Array | undefined;

  /** Each document's position in id order, for ties: built once, compared as numbers. */
  private idOrder(): Int32Array {
    if (!this.byId) {
      const { ids } = this.data;
      const sorted = ids
        .map((_, i) => i)
        .sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
      this.byId = new Int32Array(ids.length);
      sorted.forEach((doc, rank) => {
        this.byId![doc] = rank;
      });
    }
    return this.byId;
  }

  /** Expansions of the current search, reused by its fallbacks. */
  private memo = new Map<string, Expansion>();

  private expand(slot: Slot, fuzzy: boolean): Expansion {
    const key = `${slot.word}|${slot.term}|${slot.phrase}|${slot.last}|${fuzzy}`;
    const memo = this.memo.get(key);
    if (memo) return memo;
    const expansion = this.expandUncached(slot, fuzzy);
    this.memo.set(key, expansion);
    return expansion;
  }

  private expandUncached(slot: Slot, fuzzy: boolean): Expansion {
    const found = new Map<number, number>();
    if (slot.term !== undefined) {
      const t = this.termIndex.get(slot.term);
      if (t !== undefined) found.set(t, slot.phrase ? 1 : SYNONYM_WEIGHT);
    }
    if (!slot.phrase) this.expandWord(slot.word, slot.last === true, fuzzy, found);
    return [...found.entries()].map(([termIndex, weight]) => ({ termIndex, weight }));
  }

  /**
   * The query as slots: words written together ("dangky") split where both halves are known,
   * synonym phrases (tolerating a typo in longer words) replaced by their group term, filler dropped,
   * everyday verbs made optional beside their official counterparts.
   */
  private analyse(q: string): Slot[] {
    const typed = written(q);
    const ws: Word[] = [];
    for (const w of typed) {
      const split = this.split(w.folded);
      if (split) ws.push(...split.map((folded) => ({ ...w, folded, marks: '' })));
      else ws.push(w);
    }
    const slots: Slot[] = [];
    const known = (w: Word) => this.termIndex.has(w.folded) || GROUP_TERMS.has(w.folded);
    const like = (w: Word, p: Word) =>
      sameWord(w, p) ||
      (!w.marks && accentVariants(w.folded).includes(p.folded)) ||
      (!known(w) &&
        typosAllowed(Math.min(w.folded.length, p.folded.length)) > 0 &&
        editDistance(w.folded, p.folded, typosAllowed(p.folded.length)) <= typosAllowed(p.folded.length));
    const phraseAt = (i: number, list: readonly Phrase[]) =>
      list.find((p) => i + p.words.length <= ws.length && p.words.every((pw, j) => like(ws[i + j]!, pw)));
    for (let i = 0; i < ws.length; ) {
      // Phrases starting with the word as typed; all of them only when it is unknown (a typo).
      const syn = phraseAt(i, known(ws[i]!) ? (BY_FIRST.get(ws[i]!.folded) ?? []) : SYNONYM_PHRASES);
      const filler = phraseAt(i, FILLER_PHRASES);
      const lastWord = i === ws.length - 1;
      if (syn && (!filler || syn.words.length >= filler.words.length)) {
        const phrase = syn.words.length > 1;
        slots.push({ word: ws[i]!.folded, term: syn.term, phrase, last: !phrase && lastWord });
        i += syn.words.length;
        continue;
      }
      if (filler) {
        i += filler.words.length;
        continue;
      }
      const w = ws[i]!;
      const soft = SOFT_WORDS.get(w.folded);
      if (soft && (!w.marks || !soft.marks || w.marks === soft.marks)) {
        slots.push({ word: w.folded, optional: true });
        for (const o of soft.official) slots.push({ word: o, optional: true });
      } else {
        slots.push({
          word: w.folded,
          last: lastWord,
          ...(GROUP_TERMS.has(w.folded) ? { term: w.folded } : {}),
        });
      }
      i++;
    }
    return slots;
  }

  /** "dangky" → ["dang", "ky"] when the word is unknown and both halves are known syllables. */
  private split(word: string): string[] | undefined {
    if (word.length < 4 || this.termIndex.has(word) || GROUP_TERMS.has(word) || SINGLE_PHRASES.has(word))
      return undefined;
    const syllable = (x: string) => /[aeiouy]/.test(x) && (this.termIndex.has(x) || GROUP_TERMS.has(x));
    for (let k = 2; k <= word.length - 2; k++) {
      const a = word.slice(0, k);
      const b = word.slice(k);
      if (syllable(a) && syllable(b)) return [a, b];
    }
    return undefined;
  }

  /** The score of one field mask, for a term of this rarity reached with this weight. */
  private maskScore(mask: number, idf: number, weight: number): number {
    let fieldScore = 0;
    for (let f = 0; f < this.weights.length; f++) if (mask & (1 << f)) fieldScore += this.weights[f]!;
    return fieldScore * idf * weight;
  }

  private idf(termIndex: number): number {
    return Math.log(1 + this.data.ids.length / (this.posting(termIndex).length / 2));
  }

  private scratchScore = new Float64Array(0);
  private scratchMask = new Int32Array(0);
  /** Field mask of the last scoreIn match. */
  private lastMask = 0;

  /**
   * Every document holding one of the slot's terms, with its best score in scratchScore and the
   * fields it matched in scratchMask (reset by the caller through `release`).
   */
  private scoreWord(expansion: Expansion): number[] {
    const n = this.data.ids.length;
    if (this.scratchScore.length !== n) {
      this.scratchScore = new Float64Array(n);
      this.scratchMask = new Int32Array(n);
    }
    const docs: number[] = [];
    for (const { termIndex, weight } of expansion) {
      const posting = this.posting(termIndex);
      const idf = this.idf(termIndex);
      for (let k = 0; k < posting.length; k += 2) {
        const doc = posting[k]!;
        const mask = posting[k + 1]!;
        const s = this.maskScore(mask, idf, weight);
        if (this.scratchMask[doc] === 0) docs.push(doc);
        this.scratchMask[doc]! |= mask;
        if (s > this.scratchScore[doc]!) this.scratchScore[doc] = s;
      }
    }
    return docs;
  }

  private release(docs: readonly number[]) {
    for (const d of docs) {
      this.scratchScore[d] = 0;
      this.scratchMask[d] = 0;
    }
  }

  /** This slot's best score in one document (0 when absent; its fields in lastMask), by binary search. */
  private scoreIn(expansion: Expansion, doc: number): number {
    let best = 0;
    let fields = 0;
    for (const { termIndex, weight } of expansion) {
      const mask = this.fieldsOf(termIndex, doc);
      if (!mask) continue;
      fields |= mask;
      best = Math.max(best, this.maskScore(mask, this.idf(termIndex), weight));
    }
    this.lastMask = fields;
    return best;
  }

  /** Which secondary variants the query asks for. */
  private static asked(q: string): number {
    const ws = written(q);
    let flags = 0;
    SECONDARY_PHRASES.forEach((s, i) => {
      if (s.asked.some((p) => contains(ws, p))) flags |= 1 << i;
    });
    return flags;
  }

  /** Name length, variants not asked for and whether the name holds every required word. */
  private rank(doc: number, score: number, inName: boolean, asked: number): number {
    let s = score * (LENGTH_K / (LENGTH_K + (this.data.lengths[doc] ?? this.avgLength)));
    if (inName) s *= NAME_ALL_BONUS;
    let extra = (this.data.secondary[doc] ?? 0) & ~asked;
    while (extra) {
      s *= SECONDARY_FACTOR;
      extra &= extra - 1;
    }
    return s;
  }

  private run(
    slots: Slot[],
    combine: 'AND' | 'OR',
    fuzzy: boolean,
    asked: number,
    accept: (id: string) => boolean,
  ) {
    const expansions = slots.map((slot) => this.expand(slot, fuzzy));
    const total = new Hits();
    if (combine === 'OR') {
      // Everyday verbs are not evidence on their own. Words found in most documents say little about
      // which one is meant; matching any of them would score nearly the whole catalog. The
      // informative words decide (all, if none is).
      const required = expansions.filter((_, i) => !slots[i]!.optional);
      const half = this.data.ids.length / 2;
      const df = (e: Expansion) => e.reduce((n, { termIndex }) => n + this.posting(termIndex).length / 2, 0);
      const informative = required.filter((e) => e.length > 0 && df(e) <= half);
      const sums = new Map<number, number>();
      for (const e of informative.length ? informative : required) {
        const docs = this.scoreWord(e);
        for (const d of docs) sums.set(d, (sums.get(d) ?? 0) + this.scratchScore[d]!);
        this.release(docs);
      }
      // Only the best loose matches are shown: rank them all, check the filters down to a page's worth.
      const found = [...sums].map(([d, sum]) => ({ d, score: this.rank(d, sum, false, asked) }));
      const order = this.idOrder();
      found.sort((a, b) => b.score - a.score || order[a.d]! - order[b.d]!);
      for (const { d, score } of found) {
        if (total.size >= MAX_LOOSE_HITS) break;
        if (accept(this.data.ids[d]!)) total.add(d, score);
      }
      return { total, expansions, combine };
    }
    let required = expansions.filter((_, i) => !slots[i]!.optional);
    let optional = expansions.filter((_, i) => slots[i]!.optional);
    if (required.length === 0) [required, optional] = [optional, []];
    // No word left to look up (a lone letter, filler only): nothing matches, which is an answer.
    if (required.length === 0 || required.some((e) => e.length === 0)) return { total, expansions, combine };
    // Rarest word first: its documents are the only candidates; the others are checked per candidate.
    const size = (e: Expansion) => e.reduce((n, { termIndex }) => n + this.posting(termIndex).length, 0);
    const [rarest, ...rest] = [...required].sort((x, y) => size(x) - size(y));
    const candidates = this.scoreWord(rarest!);
    for (const doc of candidates) {
      let sum = this.scratchScore[doc]!;
      let inName = (this.scratchMask[doc]! & 1) !== 0;
      for (const e of rest) {
        const o = this.scoreIn(e, doc);
        if (o === 0) {
          sum = 0;
          break;
        }
        sum += o;
        inName &&= (this.lastMask & 1) !== 0;
      }
      if (sum === 0 || !accept(this.data.ids[doc]!)) continue;
      for (const e of optional) sum += SOFT_WEIGHT * this.scoreIn(e, doc);
      total.add(doc, this.rank(doc, sum, inName, asked));
    }
    this.release(candidates);
    return { total, expansions, combine };
  }

  private fieldsOf(termIndex: number, doc: number): number {
    const posting = this.posting(termIndex);
    let lo = 0;
    let hi = posting.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const d = posting[mid * 2]!;
      if (d === doc) return posting[mid * 2 + 1]!;
      if (d < doc) lo = mid + 1;
      else hi = mid;
    }
    return 0;
  }

  /**
   * Every word must match (AND), exactly, as the prefix being typed or through a synonym; typos are
   * forgiven only when that finds little; when the synonyms find nothing the words are searched as
   * typed, and when even that finds nothing any word may match (OR), so a stray word does not empty
   * the page. Best score first, ties by id.
   */
  search(q: string, accept: (id: string) => boolean = () => true): Hit[] {
    const typed = queryTerms(q);
    if (typed.length === 0) return [];
    this.memo = new Map();
    const slots = this.analyse(q);
    const plain: Slot[] = typed.map((word, i) => ({ word, last: i === typed.length - 1 }));
    const asked = SearchIndex.asked(q);
    let result = this.run(slots, 'AND', false, asked, accept);
    if (result.total.size < FUZZY_BELOW) result = this.run(slots, 'AND', true, asked, accept);
    if (result.total.size === 0) result = this.run(plain, 'AND', true, asked, accept);
    if (result.total.size === 0) result = this.run(slots.length ? slots : plain, 'OR', true, asked, accept);
    const { total, expansions, combine } = result;
    const { ids } = this.data;
    const order = this.idOrder();
    const { docs, scores } = total;
    const ranked = docs
      .map((_, i) => i)
      .sort((a, b) => scores[b]! - scores[a]! || order[docs[a]!]! - order[docs[b]!]!);
    // Loose (any-word) matches are a last resort: only the best of them are worth a page.
    const shown = combine === 'OR' ? ranked.slice(0, MAX_LOOSE_HITS) : ranked;
    const candidateTerms = [...new Set(expansions.flatMap((e) => e.map((x) => x.termIndex)))];
    const fieldsOf = (t: number, doc: number) => this.fieldsOf(t, doc);
    const context = { spec: this.spec, terms: this.data.terms, candidateTerms, fieldsOf };
    return shown.map((i) => new IndexHit(ids[docs[i]!]!, scores[i]!, docs[i]!, context));
  }
}

interface HitContext {
  spec: SearchSpec;
  terms: readonly string[];
  candidateTerms: readonly number[];
  fieldsOf(termIndex: number, doc: number): number;
}

/** A hit; which terms matched where is worked out only for the hits shown. */
class IndexHit implements Hit {
  constructor(
    readonly id: string,
    readonly score: number,
    private readonly doc: number,
    private readonly context: HitContext,
  ) {}

  matches(): Record<string, string[]> {
    const { spec, terms, candidateTerms, fieldsOf } = this.context;
    const out: Record<string, string[]> = {};
    for (const t of candidateTerms) {
      const mask = fieldsOf(t, this.doc);
      spec.fields.forEach((field, f) => {
        if (!(mask & (1 << f))) return;
        out[field] ??= [];
        out[field].push(terms[t]!);
      });
    }
    return Object.fromEntries(spec.fields.filter((f) => out[f]).map((f) => [f, out[f]!.sort()]));
  }
}

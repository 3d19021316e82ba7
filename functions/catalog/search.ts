/**
 * Vietnamese search over the catalog, in memory. Text is folded (NFD, combining marks removed,
 * đ→d, lower case) so "giấy phép", "giay phep" and "GIAY PHEP" are one term; common abbreviations
 * (BHYT, GPLX, CCCD, C/O…) are indexed beside their spelled-out phrases, so either finds both.
 *
 * The index is a compact inverted index built when the catalog is published and loaded, already
 * built, at cold start: a sorted vocabulary (prefix look-up by binary search) and, per term, the
 * documents holding it with a bit mask of the fields it occurs in. A query intersects the posting
 * lists of its words, rarest first, so its cost follows the rarest word rather than the catalog's
 * size; field boosts and the term's rarity give the score.
 */

/** Bumped whenever tokenisation, fields or the index layout change, so a stale index is never loaded. */
export const INDEX_FORMAT = 2;

export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

/** Abbreviation → its spelled-out phrase, both folded. */
export const ABBREVIATIONS: Readonly<Record<string, string>> = {
  bhyt: 'bao hiem y te',
  bhxh: 'bao hiem xa hoi',
  gplx: 'giay phep lai xe',
  cccd: 'can cuoc cong dan',
  'c/o': 'giay chung nhan xuat xu',
  dkkd: 'dang ky kinh doanh',
  hkd: 'ho kinh doanh',
  gpxd: 'giay phep xay dung',
  km: 'khuyen mai',
  ubnd: 'uy ban nhan dan',
  tthc: 'thu tuc hanh chinh',
  mst: 'ma so thue',
  gcn: 'giay chung nhan',
  dvc: 'dich vu cong',
  qsdd: 'quyen su dung dat',
};

/** Spelling variants folded onto one form ("đăng kí" / "đăng ký"); "mãi"/"mại" already fold alike. */
const VARIANTS: Readonly<Record<string, string>> = { ki: 'ky' };

const phrases = Object.entries(ABBREVIATIONS).map(([abbr, phrase]) => ({
  abbr,
  words: phrase.split(' '),
}));

const TOKEN = /c\/o|[a-z0-9]+/g;

/** A map's own entry for a word: "constructor" or "__proto__" typed by a citizen must not reach Object's. */
const own = (map: Readonly<Record<string, string>>, word: string) =>
  Object.hasOwn(map, word) ? map[word] : undefined;

function words(text: string): string[] {
  return (fold(text).match(TOKEN) ?? []).map((t) => own(VARIANTS, t) ?? t);
}

/** Query terms: folded words, nothing added. */
export const queryTerms = (text: string): string[] => words(text);

/** Indexed terms: the words, plus each abbreviation's phrase and each phrase's abbreviation. */
export function indexTerms(text: string): string[] {
  const out = words(text);
  const extra: string[] = [];
  for (const t of out) {
    const phrase = own(ABBREVIATIONS, t);
    if (phrase) extra.push(...phrase.split(' '));
  }
  for (const { abbr, words: ws } of phrases) {
    for (let i = 0; i + ws.length <= out.length; i++) {
      if (ws.every((w, j) => out[i + j] === w)) {
        extra.push(abbr);
        break;
      }
    }
  }
  return extra.length ? [...out, ...extra] : out;
}

/** [start, end) offsets in `text` of the words whose folded form is in `terms`. */
export function highlightRanges(text: string, terms: ReadonlySet<string>): [number, number][] {
  const ranges: [number, number][] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}]+(?:\/[\p{L}])?/gu)) {
    const term = words(m[0])[0];
    const whole = fold(m[0]);
    if ((term && terms.has(term)) || terms.has(whole)) ranges.push([m.index, m.index + m[0].length]);
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

/** What is stored: ids, the sorted vocabulary, and per term a flat list of (document, field mask). */
interface SerializedIndex {
  format: number;
  fields: string[];
  ids: string[];
  terms: string[];
  postings: number[][];
}

/** Fewer exact hits than this and the search is repeated forgiving one typo per word. */
const FUZZY_BELOW = 10;
const PREFIX_WEIGHT = 0.6;
const FUZZY_WEIGHT = 0.45;
/** Prefix expansion of the word being typed stops here: "c" must not pull in the whole vocabulary. */
const MAX_EXPANSIONS = 50;
/** At most this many any-word matches are returned when no document holds every word. */
const MAX_LOOSE_HITS = 100;

/** True when a and b differ by one insertion, deletion or substitution. */
function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** A query word resolved to indexed terms, each with the weight a match through it carries. */
type Expansion = { termIndex: number; weight: number }[];

export class SearchIndex {
  private readonly termIndex = new Map<string, number>();
  private readonly weights: number[];

  private constructor(
    private readonly spec: SearchSpec,
    private readonly data: SerializedIndex,
  ) {
    for (const [i, t] of data.terms.entries()) this.termIndex.set(t, i);
    this.weights = spec.fields.map((f) => spec.boost[f] ?? 1);
  }

  static build(spec: SearchSpec, docs: readonly IndexedDoc[]): SearchIndex {
    const byTerm = new Map<string, Map<number, number>>();
    docs.forEach((doc, d) => {
      spec.fields.forEach((field, f) => {
        for (const term of indexTerms(doc[field] ?? '')) {
          const posting = byTerm.get(term) ?? new Map<number, number>();
          byTerm.set(term, posting);
          posting.set(d, (posting.get(d) ?? 0) | (1 << f));
        }
      });
    });
    const terms = [...byTerm.keys()].sort();
    const postings = terms.map((t) => [...byTerm.get(t)!.entries()].sort((a, b) => a[0] - b[0]).flat());
    return new SearchIndex(spec, {
      format: INDEX_FORMAT,
      fields: [...spec.fields],
      ids: docs.map((d) => d.id),
      terms,
      postings,
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
    return this.data;
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

  /** Vocabulary grouped by word length, built on the first typo-tolerant search only. */
  private termsOfLength(len: number): readonly number[] {
    if (!this.byLength) {
      this.byLength = new Map();
      for (const [i, t] of this.data.terms.entries()) {
        const list = this.byLength.get(t.length) ?? [];
        list.push(i);
        this.byLength.set(t.length, list);
      }
    }
    return this.byLength.get(len) ?? [];
  }

  private expand(word: string, last: boolean, fuzzy: boolean): Expansion {
    const found = new Map<number, number>();
    const add = (i: number, w: number) => found.set(i, Math.max(found.get(i) ?? 0, w));
    const exact = this.termIndex.get(word);
    if (exact !== undefined) add(exact, 1);
    if (last && word.length >= 2) for (const i of this.withPrefix(word)) add(i, PREFIX_WEIGHT);
    if (fuzzy && word.length >= 4 && !Object.hasOwn(ABBREVIATIONS, word)) {
      for (let len = word.length - 1; len <= word.length + 1; len++) {
        for (const i of this.termsOfLength(len))
          if (oneEditApart(word, this.data.terms[i]!)) add(i, FUZZY_WEIGHT);
      }
    }
    return [...found.entries()].map(([termIndex, weight]) => ({ termIndex, weight }));
  }

  /** The score of one field mask, for a term of this rarity reached with this weight. */
  private maskScore(mask: number, idf: number, weight: number): number {
    let fieldScore = 0;
    for (let f = 0; f < this.weights.length; f++) if (mask & (1 << f)) fieldScore += this.weights[f]!;
    return fieldScore * idf * weight;
  }

  private idf(termIndex: number): number {
    return Math.log(1 + this.data.ids.length / (this.data.postings[termIndex]!.length / 2));
  }

  /** doc → best score of this word in it, over every document holding one of its terms. */
  private scoreWord(expansion: Expansion): Map<number, number> {
    const scores = new Map<number, number>();
    for (const { termIndex, weight } of expansion) {
      const posting = this.data.postings[termIndex]!;
      const idf = this.idf(termIndex);
      for (let k = 0; k < posting.length; k += 2) {
        const s = this.maskScore(posting[k + 1]!, idf, weight);
        const doc = posting[k]!;
        if (s > (scores.get(doc) ?? 0)) scores.set(doc, s);
      }
    }
    return scores;
  }

  /** This word's best score in one document (0 when absent), by binary search in its postings. */
  private scoreIn(expansion: Expansion, doc: number): number {
    let best = 0;
    for (const { termIndex, weight } of expansion) {
      const mask = this.fieldsOf(termIndex, doc);
      if (mask) best = Math.max(best, this.maskScore(mask, this.idf(termIndex), weight));
    }
    return best;
  }

  private run(words: string[], combine: 'AND' | 'OR', fuzzy: boolean, accept: (id: string) => boolean) {
    const expansions = words.map((w, i) => this.expand(w, i === words.length - 1, fuzzy));
    const total = new Map<number, number>();
    if (combine === 'OR') {
      // Words found in most documents say little about which one is meant; matching any of them
      // would score nearly the whole catalog. The informative words decide (all, if none is).
      const half = this.data.ids.length / 2;
      const df = (e: Expansion) =>
        e.reduce((n, { termIndex }) => n + this.data.postings[termIndex]!.length / 2, 0);
      const informative = expansions.filter((e) => e.length > 0 && df(e) <= half);
      for (const e of informative.length ? informative : expansions) {
        for (const [doc, s] of this.scoreWord(e)) {
          if (accept(this.data.ids[doc]!)) total.set(doc, (total.get(doc) ?? 0) + s);
        }
      }
      return { total, expansions, combine };
    }
    if (expansions.some((e) => e.length === 0)) return { total, expansions, combine };
    // Rarest word first: its documents are the only candidates; the others are checked per candidate.
    const size = (e: Expansion) =>
      e.reduce((n, { termIndex }) => n + this.data.postings[termIndex]!.length, 0);
    const [rarest, ...rest] = [...expansions].sort((x, y) => size(x) - size(y));
    for (const [doc, s] of this.scoreWord(rarest!)) {
      let sum = s;
      for (const e of rest) {
        const o = this.scoreIn(e, doc);
        if (o === 0) {
          sum = 0;
          break;
        }
        sum += o;
      }
      if (sum > 0 && accept(this.data.ids[doc]!)) total.set(doc, sum);
    }
    return { total, expansions, combine };
  }

  private fieldsOf(termIndex: number, doc: number): number {
    const posting = this.data.postings[termIndex]!;
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
   * Every word must match (AND), exactly or as the prefix being typed; typos are forgiven only when
   * that finds little, and when even that finds nothing any word may match (OR), so a stray word does
   * not empty the page. Best score first, ties by id.
   */
  search(q: string, accept: (id: string) => boolean = () => true): Hit[] {
    const words = queryTerms(q);
    if (words.length === 0) return [];
    let result = this.run(words, 'AND', false, accept);
    if (result.total.size < FUZZY_BELOW) result = this.run(words, 'AND', true, accept);
    if (result.total.size === 0) result = this.run(words, 'OR', true, accept);
    const { total, expansions, combine } = result;
    const { ids } = this.data;
    const ranked = [...total.entries()].sort(
      ([da, sa], [db, sb]) => sb - sa || (ids[da]! < ids[db]! ? -1 : ids[da]! > ids[db]! ? 1 : 0),
    );
    // Loose (any-word) matches are a last resort: only the best of them are worth a page.
    const shown = combine === 'OR' ? ranked.slice(0, MAX_LOOSE_HITS) : ranked;
    const candidateTerms = [...new Set(expansions.flatMap((e) => e.map((x) => x.termIndex)))];
    return shown.map(([doc, score]) => ({
      id: ids[doc]!,
      score,
      matches: () => {
        const out: Record<string, string[]> = {};
        for (const t of candidateTerms) {
          const mask = this.fieldsOf(t, doc);
          this.spec.fields.forEach((field, f) => {
            if (!(mask & (1 << f))) return;
            out[field] ??= [];
            out[field].push(this.data.terms[t]!);
          });
        }
        return Object.fromEntries(this.spec.fields.filter((f) => out[f]).map((f) => [f, out[f]!.sort()]));
      },
    }));
  }
}

/**
 * Vietnamese search over the catalog, in memory. Text is folded (NFD, combining marks removed,
 * đ→d, lower case) so "giấy phép", "giay phep" and "GIAY PHEP" are one term; common abbreviations
 * (BHYT, GPLX, CCCD, C/O…) are indexed beside their spelled-out phrases, so either finds both. The index
 * (MiniSearch: BM25 with field boosts, prefix and one-edit fuzzy matching) is built when the catalog
 * is published and loaded, already built, at cold start.
 */
import MiniSearch, { type Options, type SearchResult } from 'minisearch';

/** Bumped whenever tokenisation or fields change, so a stale prebuilt index is never loaded. */
export const INDEX_FORMAT = 1;

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

function words(text: string): string[] {
  return (fold(text).match(TOKEN) ?? []).map((t) => VARIANTS[t] ?? t);
}

/** Query terms: folded words, nothing added. */
export const queryTerms = (text: string): string[] => words(text);

/** Indexed terms: the words, plus each abbreviation's phrase and each phrase's abbreviation. */
export function indexTerms(text: string): string[] {
  const out = words(text);
  const extra: string[] = [];
  for (const t of out) {
    const phrase = ABBREVIATIONS[t];
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

function options(spec: SearchSpec): Options<IndexedDoc> {
  return {
    fields: [...spec.fields],
    storeFields: [],
    tokenize: (text) => indexTerms(text),
    processTerm: (term) => term,
    searchOptions: {
      tokenize: queryTerms,
      processTerm: (term) => term,
      boost: { ...spec.boost },
      // The word being typed (the last one) matches as a prefix; longer words forgive one typo.
      prefix: (term, i, terms) => i === terms.length - 1 && term.length >= 2,
      fuzzy: (term) => (term.length >= 4 && !(term in ABBREVIATIONS) ? 1 : 0),
      weights: { fuzzy: 0.45, prefix: 0.6 },
    },
  };
}

export interface Hit {
  id: string;
  score: number;
  /** field → the indexed terms that matched there (computed only for the hits shown). */
  matches(): Record<string, string[]>;
}

/** Fewer exact hits than this and the search is repeated forgiving one typo per word. */
const FUZZY_BELOW = 10;

export class SearchIndex {
  private constructor(
    private readonly spec: SearchSpec,
    private readonly index: MiniSearch<IndexedDoc>,
  ) {}

  static build(spec: SearchSpec, docs: readonly IndexedDoc[]): SearchIndex {
    const index = new MiniSearch<IndexedDoc>(options(spec));
    index.addAll(docs);
    return new SearchIndex(spec, index);
  }

  static load(spec: SearchSpec, serialized: unknown): SearchIndex {
    return new SearchIndex(
      spec,
      MiniSearch.loadJS(serialized as Parameters<typeof MiniSearch.loadJS>[0], options(spec)),
    );
  }

  toJSON(): unknown {
    return this.index.toJSON();
  }

  get size(): number {
    return this.index.documentCount;
  }

  /**
   * Every word must match (AND), exactly or as the prefix being typed; typos are forgiven only when
   * that finds little (fuzzy matching is the costly part), and when even that finds nothing any word
   * may match (OR), so a stray word does not empty the page. Best score first, ties by id.
   */
  search(q: string, accept: (id: string) => boolean = () => true): Hit[] {
    if (queryTerms(q).length === 0) return [];
    const run = (combineWith: 'AND' | 'OR', fuzzy: boolean) =>
      this.index.search(q, {
        combineWith,
        filter: (r) => accept(r.id as string),
        ...(fuzzy ? {} : { fuzzy: false }),
      });
    let results: SearchResult[] = run('AND', false);
    if (results.length < FUZZY_BELOW) results = run('AND', true);
    if (results.length === 0) results = run('OR', true);
    const fields = this.spec.fields;
    return results
      .map((r) => ({ id: r.id as string, score: r.score, matches: () => byField(r, fields) }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

function byField(r: SearchResult, fields: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [term, where] of Object.entries(r.match)) {
    for (const f of where) {
      out[f] ??= [];
      out[f].push(term);
    }
  }
  return Object.fromEntries(fields.filter((f) => out[f]).map((f) => [f, out[f]!.sort()]));
}

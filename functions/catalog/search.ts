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
 *
 * Text analysis is in search-text.ts, ranking constants and typo helpers in search-scoring.ts, the stored
 * format in search-postings.ts and the shapes of documents and hits in search-hits.ts.
 */
import { type Hit, Hits, type IndexedDoc, IndexHit, type SearchSpec } from './search-hits.js';
import { decodePosting, encodePosting, type SerializedIndex } from './search-postings.js';
import {
  accentVariants,
  type Expansion,
  editDistance,
  FUZZY_BELOW,
  FUZZY_WEIGHT,
  LENGTH_K,
  MAX_EXPANSIONS,
  MAX_LOOSE_HITS,
  NAME_ALL_BONUS,
  nameLength,
  PREFIX_WEIGHT,
  SECONDARY_FACTOR,
  type Slot,
  SOFT_WEIGHT,
  SYNONYM_WEIGHT,
  typosAllowed,
} from './search-scoring.js';
import {
  contains,
  contextTerms,
  indexFormat,
  type Phrase,
  phrases,
  queryTerms,
  sameWord,
  secondaryFlags,
  termsOf,
  type Word,
  written,
} from './search-text.js';

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
      format: indexFormat(),
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
    if (data?.format !== indexFormat() || data.fields.join() !== spec.fields.join()) {
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
    if (fuzzy && max > 0 && !phrases().groupTerms.has(word) && /^[a-z]+$/.test(word)) {
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
    const known = (w: Word) => this.termIndex.has(w.folded) || phrases().groupTerms.has(w.folded);
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
      const syn = phraseAt(
        i,
        known(ws[i]!) ? (phrases().byFirst.get(ws[i]!.folded) ?? []) : phrases().synonyms,
      );
      const filler = phraseAt(i, phrases().filler);
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
      const soft = phrases().soft.get(w.folded);
      if (soft && (!w.marks || !soft.marks || w.marks === soft.marks)) {
        slots.push({ word: w.folded, optional: true });
        for (const o of soft.official) slots.push({ word: o, optional: true });
      } else {
        slots.push({
          word: w.folded,
          last: lastWord,
          ...(phrases().groupTerms.has(w.folded) ? { term: w.folded } : {}),
        });
      }
      i++;
    }
    return slots;
  }

  /** "dangky" → ["dang", "ky"] when the word is unknown and both halves are known syllables. */
  private split(word: string): string[] | undefined {
    if (
      word.length < 4 ||
      this.termIndex.has(word) ||
      phrases().groupTerms.has(word) ||
      phrases().single.has(word)
    )
      return undefined;
    const syllable = (x: string) =>
      /[aeiouy]/.test(x) && (this.termIndex.has(x) || phrases().groupTerms.has(x));
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
    phrases().secondary.forEach((s, i) => {
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

/**
 * What a search takes and gives: the documents and field boosts it indexes, and its hits, whose
 * matched terms are worked out only for the hits shown. Apart from the index so the catalog and its
 * importers name these shapes without loading the index.
 */
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

/** Matching documents and their scores, in the order found. */
export class Hits {
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

interface HitContext {
  spec: SearchSpec;
  terms: readonly string[];
  candidateTerms: readonly number[];
  fieldsOf(termIndex: number, doc: number): number;
}

/** A hit; which terms matched where is worked out only for the hits shown. */
export class IndexHit implements Hit {
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

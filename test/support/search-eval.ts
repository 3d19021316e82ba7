/** Relevance of procedure search over the evaluation set (test/bench/search-eval.json): top-1, top-3, MRR. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROCEDURE_SEARCH } from '../../functions/catalog/catalog.js';
import { catalogDataDir } from '../../functions/catalog/published.js';
import { SearchIndex } from '../../functions/catalog/search.js';

export interface EvalQuery {
  query: string;
  /** National codes a citizen asking this would accept as the answer. */
  accept: string[];
  note: string;
}

export const evalSet = (): EvalQuery[] =>
  JSON.parse(readFileSync(new URL('../bench/search-eval.json', import.meta.url), 'utf8')) as EvalQuery[];

/** The published catalog's own procedure index (curated + national entries), as the catalog serves it. */
export const nationalIndex = () => {
  const published = JSON.parse(readFileSync(join(catalogDataDir(), 'search-index.json'), 'utf8')) as {
    procedures: unknown;
  };
  return SearchIndex.load(PROCEDURE_SEARCH, published.procedures);
};

export interface Relevance {
  queries: number;
  top1: number;
  top3: number;
  mrr: number;
  /** Queries whose first acceptable answer is not in the top 3, with the rank found (0: not in the top 10). */
  misses: { query: string; rank: number; got: string[] }[];
}

export function relevance(index: SearchIndex, set: EvalQuery[] = evalSet()): Relevance {
  let top1 = 0;
  let top3 = 0;
  let rr = 0;
  const misses: Relevance['misses'] = [];
  for (const { query, accept } of set) {
    const got = index
      .search(query)
      .slice(0, 10)
      .map((h) => h.id);
    const rank = got.findIndex((id) => accept.includes(id)) + 1;
    if (rank === 1) top1++;
    if (rank >= 1 && rank <= 3) top3++;
    else misses.push({ query, rank, got: got.slice(0, 3) });
    if (rank) rr += 1 / rank;
  }
  const n = set.length;
  return { queries: n, top1: top1 / n, top3: top3 / n, mrr: rr / n, misses };
}

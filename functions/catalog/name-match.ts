/**
 * Finding agencies and communes by name: "hoan kiem", "Hoàn Kiếm" and "HOAN KIEM" are one query (text
 * folded as the catalog search folds it), and every word of the query must begin a word of the name, in
 * any order ("kiem hoan" finds Phường Hoàn Kiếm; "ha" does not find "Thanh Hóa"). The registry is small
 * and fixed per deployment, so a filtered list is a scan over names folded once per process.
 */
import { fold } from './search-text.js';

const words = (text: string) =>
  fold(text)
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

const folded = new WeakMap<object, readonly string[]>();

/** The query's words, folded; empty for a query with no letters or digits. */
export function queryWords(q: string | undefined): readonly string[] {
  return q ? [...new Set(words(q))] : [];
}

/** Whether every query word begins a word of one of `names` (folded once per `owner` object). */
export function matchesName(
  owner: object,
  names: () => readonly string[],
  query: readonly string[],
): boolean {
  if (query.length === 0) return true;
  let own = folded.get(owner);
  if (!own) {
    own = [...new Set(names().flatMap(words))];
    folded.set(owner, own);
  }
  return query.every((w) => own.some((o) => o.startsWith(w)));
}

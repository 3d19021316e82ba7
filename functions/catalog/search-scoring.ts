/**
 * Tuning and helpers of query matching and ranking: weights and limits, typo distance, name length,
 * regional-accent spellings, and the shapes a query is analysed into. Apart from the index so every
 * ranking constant reads in one place.
 */
import { words } from './search-text.js';

/** Fewer exact hits than this and the search is repeated forgiving typos. */
export const FUZZY_BELOW = 10;
export const PREFIX_WEIGHT = 0.6;
export const FUZZY_WEIGHT = 0.45;
/** A synonym reached through a single ambiguous syllable ("vat", "sung") weighs less than the word itself. */
export const SYNONYM_WEIGHT = 0.9;
/** An everyday verb's official counterpart ranks a procedure higher but is not required. */
export const SOFT_WEIGHT = 0.5;
/** Every required query word found in the name: the procedure is most likely the one meant. */
export const NAME_ALL_BONUS = 1.6;
/** Name length normalisation: score × K / (K + words in the name); general procedures have short names. */
export const LENGTH_K = 20;
/** A variant the query does not ask for (a reissue, a foreign element…): not the everyday procedure. */
export const SECONDARY_FACTOR = 0.7;
/** Prefix expansion of the word being typed stops here: "c" must not pull in the whole vocabulary. */
export const MAX_EXPANSIONS = 50;
/** At most this many any-word matches are returned when no document holds every word. */
export const MAX_LOOSE_HITS = 100;

/**
 * Edit distance (insertions, deletions, substitutions, swaps of neighbours) when at most `max`,
 * otherwise max + 1; rows are cut short once every cell exceeds `max`.
 */
const rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

export function editDistance(a: string, b: string, max: number): number {
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
export const nameLength = (name: string) => Math.min(MAX_NAME_LENGTH, words(name).length);

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
export const typosAllowed = (len: number) => (len >= 8 ? 2 : len >= 4 ? 1 : 0);

/** A query word resolved to indexed terms, each with the weight a match through it carries. */
export type Expansion = { termIndex: number; weight: number }[];

/** One unit of a query: a word, or a synonym phrase standing for its group term. */
export interface Slot {
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

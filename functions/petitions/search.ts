/**
 * Searching published answers with the catalog's Vietnamese folding: "đất đai", "dat dai" and
 * "ĐẤT ĐAI" are one term, abbreviations (UBND, GPXD…) match their spelled-out phrases.
 *
 * Published answers are few next to dossiers (hundreds a day nationally, each a small public view),
 * and an answer once published changes only by being withdrawn (re-indexed as new, so it is seen), so each function instance keeps them in memory: the
 * first request reads the publish index (gsi1, newest first), later ones read only what was published
 * since (with a short look-back for index lag). A search is a filter over that list — at portal scale
 * tens of thousands of short entries, well under a Lambda's memory and a millisecond's work; a
 * dedicated search service would be the step after that.
 *
 * The words are taken from the public view alone (the agency's public version, masked), so nothing
 * the public cannot read — a phone number, a citizen ID, the petitioner's name — finds an answer.
 */
import { indexTerms, queryTerms } from '../catalog/search-text.js';
import type { PublicPetition } from './model.js';
import { maskPublicView } from './public-version.js';

/** A published answer as the search keeps it: its public view and the folded words it is found by. */
export interface PublishedEntry {
  view: PublicPetition;
  terms: string[];
}

/** Indexes a public view: its subject, content, answer and agency, nothing else. */
export function publishedEntry(view: PublicPetition): PublishedEntry {
  const text = [view.subject, view.content, view.answer.text, view.agencyName].join(' ');
  return { view, terms: [...new Set(indexTerms(text))] };
}

/** Every query word must begin some term of the entry (prefix match, like the catalog's). */
export function matches(entry: PublishedEntry, query: string): boolean {
  const words = queryTerms(query);
  if (!words.length) return true;
  return words.every((w) => entry.terms.some((t) => t.startsWith(w)));
}

/** A published view as the table holds it; `masked` is false for answers published before masking. */
export interface StoredPublication {
  view: PublicPetition;
  indexKey: string;
  masked: boolean;
  /** The petitioner objected to publication: the entry leaves the list. */
  withdrawn?: boolean;
}

export interface PublishedSource {
  /** Entries published at or after `since` (all when undefined), any order. */
  since(since: string | undefined): Promise<StoredPublication[]>;
}

/** How far back each refresh looks again, for entries the index showed late. */
const LOOK_BACK_MS = 5 * 60_000;

export class PublishedAnswers {
  private readonly byCode = new Map<string, PublishedEntry & { indexKey: string }>();
  private newest: string | undefined;

  private inFlight: Promise<void> | undefined;
  private refreshedAt = Number.NEGATIVE_INFINITY;

  /**
   * `minRefreshMs`: how long a refresh serves every search of this instance. Public search is the busiest
   * read of the portal; without it each search read again everything published in the look-back window,
   * so during a burst of publications every search re-read the whole burst.
   */
  constructor(
    private readonly source: PublishedSource,
    private readonly options: { minRefreshMs?: number; now?: () => number } = {},
  ) {}

  /** Reads what is new at most once per `minRefreshMs`; searches arriving meanwhile share one read. */
  refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const now = (this.options.now ?? Date.now)();
    if (now - this.refreshedAt < (this.options.minRefreshMs ?? 0)) return Promise.resolve();
    this.inFlight = this.load()
      .then(() => {
        this.refreshedAt = now;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  private async load(): Promise<void> {
    const since = this.newest
      ? new Date(Date.parse(this.newest.slice(0, 24)) - LOOK_BACK_MS).toISOString()
      : undefined;
    for (const stored of await this.source.since(since)) {
      if (stored.withdrawn) {
        this.byCode.delete(stored.view.code);
        if (!this.newest || stored.indexKey > this.newest) this.newest = stored.indexKey;
        continue;
      }
      const e = {
        ...publishedEntry(stored.masked ? stored.view : maskPublicView(stored.view)),
        indexKey: stored.indexKey,
      };
      this.byCode.set(e.view.code, e);
      if (!this.newest || e.indexKey > this.newest) this.newest = e.indexKey;
    }
  }

  /** Newest first; `after`: the index key of the last entry of the previous page. */
  async search(
    q: string | undefined,
    limit: number,
    after: string | undefined,
  ): Promise<{ items: PublicPetition[]; last: string | undefined }> {
    await this.refresh();
    // A petition's code finds that petition alone: the public page of one published answer reads it so.
    const byCode = q ? this.byCode.get(q.trim().toUpperCase()) : undefined;
    if (byCode) return { items: after ? [] : [byCode.view], last: undefined };
    const sorted = [...this.byCode.values()]
      .filter((e) => (after ? e.indexKey < after : true))
      .sort((a, b) => (a.indexKey < b.indexKey ? 1 : -1));
    const found: (PublishedEntry & { indexKey: string })[] = [];
    for (const e of sorted) {
      if (q && !matches(e, q)) continue;
      found.push(e);
      if (found.length > limit) break;
    }
    const page = found.slice(0, limit);
    return {
      items: page.map((e) => e.view),
      last: found.length > limit ? page.at(-1)?.indexKey : undefined,
    };
  }
}

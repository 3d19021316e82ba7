/**
 * Information entries: procedures imported from the national database that have no online form here.
 * The portal tells what to bring, where, how long and how much, but does not take the dossier.
 *
 * Storage is split by who needs what. The catalog function bundles a compact summary of every current
 * entry (data/national/index.json: what search results and filters show) and the prebuilt search index;
 * the full entries, every version parsed and raw, are files beside the code (data/details/<code>.json),
 * read from local disk on demand. Intake bundles only the list of codes (data/national/codes.json) to
 * tell "exists, not filed online" from "no such procedure".
 */

import { type HandlerKey, handlerOfKey, handlersOf } from './agency-handlers.js';
import type { AuthorityTier, ChannelKind, NationalEntry } from './national-record.js';
import type { IndexedDoc } from './search-hits.js';

/** What search results and filters need of an information entry; one per current entry. */
export interface InformationSummary {
  code: string;
  name: string;
  field: string | null;
  levels: AuthorityTier[];
  channels: ChannelKind[];
  /** The lowest fee the record gives over its channels (0 when free), null when none is given. */
  fee: number | null;
  /** The shortest time in working days over its channels, null when none is given in working days. */
  processingDays: number | null;
  version: number;
  /**
   * Who handles it in the agency registry's terms (./agency-handlers.ts), read from its agency texts;
   * absent when the texts name no registry agency. Derived, so it never makes a new version.
   */
  handlers?: HandlerKey[];
}

/** One published version of an entry, as stored in data/details/<code>.json. */
export interface InformationVersion {
  version: number;
  /** The catalog version that published it. */
  catalogVersion: number;
  publishedAt: string;
  entry: NationalEntry;
}

export interface InformationDetails {
  code: string;
  /** Oldest first. */
  versions: InformationVersion[];
}

export interface InformationIndexFile {
  format: number;
  procedures: InformationSummary[];
}

export const INFORMATION_FORMAT = 1;

const minOf = (xs: (number | null)[]) => {
  const known = xs.filter((x): x is number => x !== null);
  return known.length ? Math.min(...known) : null;
};

/** The registry agencies an entry's competent and implementing agency texts name. */
export const handlersOfEntry = (entry: NationalEntry) =>
  handlersOf([entry.competentAgency, entry.implementingAgency], entry.levels.items);

export function summaryOf(entry: NationalEntry, version: number): InformationSummary {
  const channels = entry.channels.items;
  const { handlers } = handlersOfEntry(entry);
  return {
    code: entry.code,
    name: entry.name,
    field: entry.field,
    levels: entry.levels.items,
    channels: [...new Set(channels.map((c) => c.kind))],
    fee: minOf(channels.map((c) => c.fee.vnd)),
    processingDays: minOf(channels.map((c) => c.time?.workingDays ?? null)),
    version,
    ...(handlers.length ? { handlers } : {}),
  };
}

/**
 * The entry as the procedure search indexes it: the same fields as a curated procedure, with the
 * agencies, results and code as keywords and the documents' names as documents.
 */
export function searchDocOf(entry: NationalEntry): IndexedDoc {
  return {
    id: entry.code,
    name: entry.name,
    keywords: [entry.code, entry.competentAgency, entry.implementingAgency].filter(Boolean).join(' · '),
    field: entry.field ?? '',
    // Results are not indexed: one named like another procedure ("quyết định hoàn thuế") would outrank
    // that procedure itself.
    documents: entry.documents.items.map((d) => d.name).join(' · '),
  };
}

/** A search document from the summary alone, when no prebuilt index is at hand (tests, tools). */
export function searchDocOfSummary(s: InformationSummary): IndexedDoc {
  return {
    id: s.code,
    name: s.name,
    keywords: s.code,
    field: s.field ?? '',
    documents: '',
  };
}

/** GET /v1/procedures/{code} of an information entry: no form, not filed online. */
export function informationToView(details: InformationDetails, at: InformationVersion) {
  return {
    ...at.entry,
    handlers: handlersOfEntry(at.entry).handlers.map(handlerOfKey),
    onlineFiling: false as const,
    formId: null,
    form: null,
    version: at.version,
    versions: details.versions.map((v) => v.version),
    catalogVersion: at.catalogVersion,
    publishedAt: at.publishedAt,
  };
}

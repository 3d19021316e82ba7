/**
 * The portal's named table queries: every list a store reads from a secondary index, by what it is, with
 * typed pages and opaque cursors. The index, the partition and the sort-key range come from keys.ts and
 * the table definition; a store passes only whom or what it lists and how to parse each item.
 */
import { keys, type SlaKind } from './keys.js';
import {
  cursorAttributes,
  type Filter,
  type IndexQuery,
  type Page,
  queryAll,
  queryKeyed,
  queryPage,
  queryUpTo,
} from './table.js';

export type { Filter, Page } from './table.js';

/** One page of a deadline partition of the work index: the entries already past at `before`, oldest first. */
const lapsedPage = <K extends object, T>(
  partition: string,
  before: string,
  page: KeyedRequest<K>,
  parse: (item: Record<string, unknown>) => T,
) => queryKeyed({ index: 'work', partition, range: { below: before }, ...page, parse });

type Parse<T> = (item: Record<string, unknown>) => T;
/** A page request: how many, from which cursor (none: the first page). */
export interface PageRequest {
  limit: number;
  cursor: string | undefined;
}
/** A page request of lists that merge partitions and keep the last evaluated key as their cursor. */
export interface KeyedRequest<K> {
  limit: number;
  after?: K | undefined;
}

const page =
  (q: IndexQuery) =>
  <T>(r: PageRequest, parse: Parse<T>): Promise<Page<T>> =>
    queryPage({ ...q, ...r, parse });

export const queries = {
  /** A person's own objects of one kind (`DOSSIER#`, `PETITION#`, `SUPPORT#`…), newest first. */
  byOwner: (sub: string, kindPrefix: string, filter?: Filter) =>
    page({
      index: 'owner',
      partition: keys.ownerIndex(sub, '', '').gsi1pk,
      range: { prefix: kindPrefix },
      newestFirst: true,
      ...(filter ? { filter } : {}),
    }),

  /** An agency's objects of one kind in its unsharded work list (petitions), newest first. */
  byAgency: (agencyId: string, kindPrefix: string) =>
    page({
      index: 'work',
      partition: keys.agencyIndex(agencyId, '', '').gsi2pk,
      range: { prefix: kindPrefix },
      newestFirst: true,
    }),

  /** An enterprise's objects of one kind (every representative of the tax code reads them), newest first. */
  byEnterprise: (taxCode: string, kindPrefix: string) =>
    page({
      index: 'filed',
      partition: keys.enterpriseIndex(taxCode, '', '').gsi3pk,
      range: { prefix: kindPrefix },
      newestFirst: true,
    }),

  /** An agency's ratings, newest first. */
  agencyRatings: (agencyId: string) =>
    page({
      index: 'work',
      partition: keys.ratingIndex(agencyId, '', '').gsi2pk,
      range: { prefix: keys.ratingIndexPrefix },
      newestFirst: true,
    }),

  /** Payment anomalies an operator has yet to deal with, newest first. */
  paymentAnomalies: () =>
    page({ index: 'work', partition: keys.paymentAnomalyIndex('', '').gsi2pk, newestFirst: true }),

  /** The support desk's queue of one province, oldest first. */
  supportQueue: (province: string, filter?: Filter) =>
    page({
      index: 'work',
      partition: keys.supportQueueIndex(province, '', '').gsi2pk,
      ...(filter ? { filter } : {}),
    }),

  /** Every support ticket by when it was asked (the national desk's queue), oldest first. */
  supportAll: (filter?: Filter) =>
    page({ index: 'filed', partition: keys.supportAllIndex('', '').gsi3pk, ...(filter ? { filter } : {}) }),

  /** Open personal-data requests by the deadline in force, oldest first. */
  dataRequestQueue: (filter?: Filter) =>
    page({
      index: 'filed',
      partition: keys.dataRequestQueueIndex('', '').gsi3pk,
      ...(filter ? { filter } : {}),
    }),

  /** Open personal-data requests whose deadline in force is before `before` (the SLA watcher). */
  dataRequestsLapsed: <T>(before: string, parse: Parse<T>) =>
    queryAll({
      index: 'filed',
      partition: keys.dataRequestQueueIndex('', '').gsi3pk,
      range: { below: before },
      parse,
    }),

  /** Every personal-data request received in one month, oldest first (the operators' report). */
  dataRequestsOfMonth: <T>(month: string, parse: Parse<T>) =>
    queryAll({ index: 'work', partition: keys.dataRequestMonthIndex(month, '', '').gsi2pk, parse }),

  /** Every ticket asked between two instants (index keys `<createdAt>#<code>`), oldest first. */
  supportAskedBetween: <T>(from: string, to: string, parse: Parse<T>) =>
    queryAll({
      index: 'filed',
      partition: keys.supportAllIndex('', '').gsi3pk,
      range: { between: [from, to] },
      parse,
    }),

  /** Dossiers in one filed-for partition (an enterprise's or a desk officer's), newest first. */
  filedDossiers: <K extends object, T>(partition: string, r: KeyedRequest<K>, parse: Parse<T>) =>
    queryKeyed({
      index: 'filed',
      partition,
      range: { prefix: keys.agencyDossierIndexPrefix },
      newestFirst: true,
      ...r,
      parse,
    }),

  /** A person's own dossiers (optionally filtered and with only some attributes), newest first. */
  ownDossiers: <K extends object, T>(
    sub: string,
    r: KeyedRequest<K> & { filter?: Filter; attributes?: readonly string[] },
    parse: Parse<T>,
  ) =>
    queryKeyed({
      index: 'owner',
      partition: keys.ownerIndex(sub, '', '').gsi1pk,
      range: { prefix: 'DOSSIER#' },
      newestFirst: true,
      ...r,
      parse,
    }),

  /** A person's result documents, newest first. */
  ownResults: <K extends object, T>(sub: string, r: KeyedRequest<K>, parse: Parse<T>) =>
    queryKeyed({
      index: 'owner',
      partition: keys.ownerIndex(sub, '', '').gsi1pk,
      range: { prefix: keys.resultDocumentIndexPrefix },
      newestFirst: true,
      ...r,
      parse,
    }),

  /** Reads of a person's data by others, newest first. */
  ownAccessLog: <K extends object, T>(sub: string, r: KeyedRequest<K>, parse: Parse<T>) =>
    queryKeyed({
      index: 'owner',
      partition: keys.ownerAccessIndex(sub, '', '').gsi1pk,
      range: { prefix: keys.ownerAccessIndexPrefix },
      newestFirst: true,
      ...r,
      parse,
    }),

  /** Published petition answers from `since` (every one without it), oldest first. */
  published: <T>(since: string | undefined, parse: Parse<T>) =>
    queryAll({
      index: 'owner',
      partition: keys.publishedPetitionIndex('', '').gsi1pk,
      range: since ? { from: since } : {},
      parse,
    }),

  /** Every shard of every agency's current figures (one small partition a shard, side by side). */
  agenciesNow: async <T>(parse: Parse<T>) =>
    (
      await Promise.all(
        keys.agencyNowIndexPartitions().map((partition) => queryAll({ index: 'work', partition, parse })),
      )
    ).flat(),

  /** FAQ entries added at run time, oldest first. */
  runtimeFaq: <T>(parse: Parse<T>) =>
    queryAll({ index: 'owner', partition: keys.faqIndex('', '').gsi1pk, parse }),

  /** One page of a shard's payments waiting on a partner since before `before`, oldest first (ids only). */
  paymentWork: <K extends object>(
    queue: 'pending' | 'biller',
    shard: number,
    before: string,
    page: KeyedRequest<K>,
  ) =>
    queryKeyed({
      index: 'work',
      partition: keys.paymentWork(queue, shard, '', '').gsi2pk,
      range: { below: before },
      attributes: ['paymentId', ...cursorAttributes('work')],
      ...page,
      parse: (i) => i.paymentId as string,
    }),

  /** One page of a shard's dossier deadlines of a kind already past at `before`, oldest first (one read). */
  slaDue: <K extends object, T>(
    kind: SlaKind,
    shard: number,
    before: string,
    page: KeyedRequest<K>,
    parse: Parse<T>,
  ) => lapsedPage(keys.slaIndex(kind, shard, '', '').gsi2pk, before, page, parse),

  /** Answered support tickets whose quiet period lapsed before `before`, oldest first (codes, one read). */
  supportQuietLapsed: (before: string, limit: number) =>
    queryUpTo({
      index: 'work',
      partition: keys.supportQuietIndex('', '').gsi2pk,
      range: { below: before },
      attributes: ['ticketCode'],
      limit,
      onePage: true,
      parse: (i) => i.ticketCode as string,
    }),

  /** One page of a shard's petition deadlines already past at `before`, oldest first (one read). */
  petitionsDue: <K extends object, T>(
    shard: number,
    before: string,
    page: KeyedRequest<K>,
    parse: Parse<T>,
  ) => lapsedPage(keys.petitionDeadlineIndex(shard, '', '').gsi2pk, before, page, parse),
};

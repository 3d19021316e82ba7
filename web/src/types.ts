/** The API's shapes, read from the same zod schemas the API validates with (types only: no zod in the page). */
import type { z } from 'zod';
import type { agencyList, agencyView, faqList, provinceList } from '../../schemas/catalog.js';
import type { agencyStatsList, agencyStatsSeries } from '../../schemas/feedback.js';
import type { procedureList, procedureView } from '../../schemas/procedure.js';
import type { serviceIndexList, serviceIndexSeries } from '../../schemas/service-index.js';
import type { stepView } from '../../schemas/steps.js';

export type ProcedureList = z.output<typeof procedureList>;
export type ProcedureSummary = ProcedureList['items'][number];
export type ProcedureView = z.output<typeof procedureView>;
export type FaqList = z.output<typeof faqList>;
export type ProvinceList = z.output<typeof provinceList>;
export type AgencyList = z.output<typeof agencyList>;
export type AgencyView = z.output<typeof agencyView>;
export type AgencyStatsList = z.output<typeof agencyStatsList>;
export type AgencyStatsSeries = z.output<typeof agencyStatsSeries>;
export type ServiceIndexList = z.output<typeof serviceIndexList>;
export type ServiceIndexSeries = z.output<typeof serviceIndexSeries>;

export interface TimelineEntry {
  at: string;
  type: string;
  status: string;
  note?: string;
}

/** A dossier as its owner sees it (GET /v1/dossiers/{code}) or as public tracking shows it. */
export interface DossierView {
  code: string;
  procedureName: string;
  agencyName: string;
  status: string;
  submittedAt: string;
  dueAt: string;
  overdue: boolean;
  timeline?: TimelineEntry[];
  steps?: DossierStep[];
  /** The owner's view only: the key of the receipt that public tracking asks for. */
  trackingKey?: string;
}

/** A processing step as the owner sees it; public tracking leaves out the officer and the apology's reason. */
export type DossierStep = z.output<typeof stepView>;

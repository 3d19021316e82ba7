/** Agency registry and FAQ (Bộ câu hỏi – trả lời) as the catalog publishes them. */
import * as z from 'zod';
import { agencyLevel } from './agency-level.js';
import { procedureCode } from './common.js';
import { departmentKind, searchHighlight } from './procedure.js';

export { agencyLevel };

export const agencyView = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    nameEn: z.string(),
    level: agencyLevel,
    kind: departmentKind.nullable(),
    parentId: z.string().nullable(),
    provinceCode: z.string().nullable(),
    /** The integration endpoint (and queue) the agency's dossiers travel through. */
    channel: z.string(),
  })
  .meta({ id: 'Agency' });

export const agencyList = z.object({ items: z.array(agencyView), nextCursor: z.string().nullable() });

const provinceCode = z.string().regex(/^\d{2}$/, 'a two-digit province code such as 01');

/** Words of a name, with or without tone marks, in any order; every word must match. */
const nameQuery = z.string().trim().max(100).optional();

export const agencyQuery = z.object({
  level: agencyLevel.optional(),
  province: provinceCode.optional(),
  /** Which of a province's departments, e.g. ubnd (people's committees, communes' included), ca, stp. */
  kind: departmentKind.optional(),
  q: nameQuery,
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
});

export const agencyParams = z.object({
  code: z.string().regex(/^[A-Za-z0-9_.-]{2,40}$/, 'an agency code such as CAHN'),
});

/** The administrative map of 1 July 2025 (Quyết định 19/2025/QĐ-TTg): 34 provinces, 3,321 communes. */
export const provinceView = z
  .object({
    code: z.string(),
    name: z.string(),
    /** With its kind, e.g. "Thành phố Hà Nội", "Tỉnh Cao Bằng". */
    fullName: z.string(),
    type: z.enum(['thanh_pho_truc_thuoc_tw', 'tinh']),
    nameEn: z.string(),
    communeCount: z.number().int(),
  })
  .meta({ id: 'Province' });

export const provinceList = z.object({ items: z.array(provinceView) });

export const provinceParams = z.object({ code: provinceCode });

export const communeView = z
  .object({
    code: z.string(),
    name: z.string(),
    /** With its kind, e.g. "Phường Hoàn Kiếm", "Xã Sóc Sơn", "Đặc khu Phú Quốc". */
    fullName: z.string(),
    type: z.enum(['xa', 'phuong', 'dac_khu']),
    nameEn: z.string(),
    /** The commune's People's Committee, which receives its dossiers (GET /v1/agencies/{code}). */
    agencyId: z.string(),
  })
  .meta({ id: 'Commune' });

/** Every commune of the province (at most 168, Hồ Chí Minh City's), unpaged. */
export const communeList = z.object({ provinceCode: z.string(), items: z.array(communeView) });

export const communeQuery = z.object({ q: nameQuery });

export const faqRecord = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{3,60}$/),
    /** null: a general question, not about one procedure. */
    procedureCode: procedureCode.nullable(),
    question: z.string().trim().min(5).max(500),
    answer: z.string().trim().min(5).max(5000),
    keywords: z.array(z.string().trim().min(1).max(80)).max(20).default([]),
  })
  .strict();
export type FaqRecord = z.output<typeof faqRecord>;

export const faqItem = faqRecord
  .extend({
    score: z.number().optional(),
    highlights: z.array(searchHighlight.omit({ field: true }).extend({ field: z.string() })).optional(),
  })
  .meta({ id: 'FaqItem' });

export const faqList = z.object({ items: z.array(faqItem), nextCursor: z.string().nullable() });

export const faqQuery = z.object({
  q: z.string().trim().max(200).optional(),
  procedure: procedureCode.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
});

/** A catalog file a catalog admin wants checked before it goes into the next release. */
export const catalogCheckRequest = z
  .object({
    format: z.enum(['csv', 'json']),
    /** The file's text (UTF-8); the request body limit (1 MiB) bounds it. */
    content: z.string().min(1),
  })
  .strict()
  .meta({ id: 'CatalogCheckRequest' });

export const catalogCheckResult = z
  .object({
    /** Whether the file would be published as it is. */
    ok: z.boolean(),
    /** Every problem, by CSV line or JSON item number and field path. */
    problems: z.array(z.object({ row: z.number().int(), path: z.string(), message: z.string() })),
    /** Procedure versions it would add (rows identical to the published version add none). */
    added: z.array(z.object({ code: procedureCode, version: z.number().int() })),
    unchanged: z.array(z.string()),
    /** The catalog version it would become (the current one when refused). */
    catalogVersion: z.number().int(),
    indexBytes: z.number().int().optional(),
  })
  .meta({ id: 'CatalogCheckResult' });

import * as z from 'zod';
import { procedureCode } from './common.js';

export const implementationLevel = z.enum(['toan_trinh', 'mot_phan']);
/** Competent authority tiers since 1 July 2025 (no district tier). */
export const authorityLevel = z.enum(['ministry', 'province', 'commune']);
export type AuthorityLevel = z.infer<typeof authorityLevel>;

const slug = z.string().regex(/^[a-z0-9_]+$/, 'lower-case letters, digits and _');
const viText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .transform((s) => s.normalize('NFC'));

export const requiredDocument = z.object({
  type: slug,
  name: viText(300),
  nameEn: viText(300),
  required: z.boolean(),
  maxBytes: z
    .number()
    .int()
    .positive()
    .max(50 * 1024 * 1024),
  mimeTypes: z
    .array(z.string().regex(/^[a-z]+\/[a-z0-9.+-]+$/, 'a MIME type such as application/pdf'))
    .min(1),
  copies: z.number().int().positive().max(20).default(1),
});

/** A step of the processing time limit, in working days (half days allowed). */
export const processingStep = z.object({
  name: viText(200),
  days: z.number().positive().multipleOf(0.5),
});

/** Kinds of provincial agencies every province has; resolution rules name one of them. */
export const departmentKind = z.enum([
  'ubnd',
  'ttpvhcc',
  'stp',
  'sxd',
  'sct',
  'stc',
  'syt',
  'snnmt',
  'ca',
  'bhxh',
  'thue',
  'dien_luc',
]);

/**
 * How the handling agency is found when it depends on the applicant: a department of the applicant's
 * province, or the commune (falling back to the province's public administration service centre).
 */
export const agencyRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('province_department'), department: departmentKind }).strict(),
  z.object({ kind: z.literal('commune') }).strict(),
]);

/** One version of a procedure as the catalog team publishes it (seed, CSV or JSON import). */
export const procedureRecord = z
  .object({
    code: procedureCode,
    name: viText(300),
    nameEn: viText(300),
    field: viText(120),
    level: implementationLevel,
    authorityLevel,
    agencyId: z
      .string()
      .regex(/^[a-z0-9_-]{2,40}$/, 'an agency id from the registry')
      .nullable(),
    agencyRule: agencyRule.nullable(),
    /** Name of the form in the form registry (functions/catalog/forms.ts). */
    formId: slug,
    documents: z.array(requiredDocument).max(40),
    fee: z.number().int().min(0),
    /** Named rule when the amount depends on the case (tariff, tax declared); `fee` is then the base. */
    feeRule: slug.nullable(),
    processingDays: z.number().int().positive().max(365),
    steps: z.array(processingStep).min(1).max(20),
    multiDestination: z.boolean(),
    bundle: z.array(procedureCode).min(2).max(10).nullable(),
    legalBasis: z.array(viText(300)).min(1),
    keywords: z.array(viText(80)).max(30).default([]),
    version: z.number().int().positive(),
    effectiveFrom: z.iso.date(),
    /** Fields whose values are illustrative (not yet confirmed against the national database). */
    illustrative: z.array(z.string()).default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    if ((p.agencyId === null) === (p.agencyRule === null))
      ctx.addIssue({
        code: 'custom',
        path: ['agencyId'],
        message: 'give exactly one of agencyId or agencyRule',
      });
    const stepDays = p.steps.reduce((sum, s) => sum + s.days, 0);
    if (stepDays > p.processingDays)
      ctx.addIssue({
        code: 'custom',
        path: ['steps'],
        message: `step budgets (${stepDays} days) exceed processingDays (${p.processingDays})`,
      });
    const types = p.documents.map((d) => d.type);
    for (const [i, t] of types.entries())
      if (types.indexOf(t) !== i)
        ctx.addIssue({ code: 'custom', path: ['documents', i, 'type'], message: `duplicate document ${t}` });
    if (p.bundle?.includes(p.code))
      ctx.addIssue({ code: 'custom', path: ['bundle'], message: 'a bundle cannot contain itself' });
  });
export type ProcedureRecord = z.output<typeof procedureRecord>;

// Information entries: procedures of the national database without an online form here. Each parsed
// field keeps the published text beside what was read from it (status: parsed, raw or empty).

const parsedField = <T extends z.ZodType>(item: T) =>
  z.object({
    status: z.enum(['parsed', 'raw', 'empty']),
    items: z.array(item),
    raw: z.string(),
    /** Text the parse could not attribute to an item. */
    leftover: z.string().optional(),
  });

/** Authority levels of the national database; "Cơ quan khác" (other bodies) is the fourth. */
export const authorityTier = z.enum(['ministry', 'province', 'commune', 'other']);
export const channelKind = z.enum(['online', 'in_person', 'post']);

export const nationalChannel = z.object({
  kind: channelKind,
  time: z
    .object({
      value: z.number(),
      /** Kept as published: only "Ngày làm việc" (working_day) sets workingDays; null unit = bare number. */
      unit: z.enum(['working_day', 'day', 'hour', 'working_hour', 'month', 'year']).nullable(),
      workingDays: z.number().nullable(),
      raw: z.string(),
    })
    .nullable(),
  fee: z.object({
    /** free: "Miễn phí" (vnd 0); amount: vnd set; none: "Không có thông tin"; text: kept as published. */
    kind: z.enum(['free', 'amount', 'none', 'text']),
    vnd: z.number().int().min(0).nullable(),
    note: z.string().nullable(),
    raw: z.string(),
  }),
  description: z.string().nullable(),
  raw: z.string(),
});

export const nationalDocument = z.object({
  name: z.string(),
  group: z.string().nullable(),
  templates: z.array(z.string()),
  copies: z.object({
    originals: z.number().int().nullable(),
    copies: z.number().int().nullable(),
    sets: z.number().int().nullable(),
    raw: z.string(),
  }),
});

/** A national record as the portal reads it: what to bring, where, how long, how much, on what basis. */
export const nationalEntry = z
  .object({
    code: procedureCode,
    name: z.string(),
    field: z.string().nullable(),
    decision: z.string().nullable(),
    type: z.string().nullable(),
    applicants: z.string().nullable(),
    competentAgency: z.string().nullable(),
    implementingAgency: z.string().nullable(),
    levels: parsedField(authorityTier),
    channels: parsedField(nationalChannel),
    documents: parsedField(nationalDocument),
    results: parsedField(z.object({ name: z.string(), code: z.string().nullable() })),
    legalBasis: parsedField(z.object({ title: z.string(), number: z.string().nullable() })),
    related: z.string().nullable(),
    source: z.object({ url: z.string().nullable(), text: z.string().nullable() }),
  })
  .meta({ id: 'NationalEntry' });

/** An information entry: not filed online here (no form); the view says where and how to file. */
export const informationView = nationalEntry
  .extend({
    /**
     * Who handles it in the agency registry's terms, read from competentAgency and implementingAgency:
     * a department kind of the applicant's province or commune (`{tier, kind}`), or a national body
     * (`{national: id}`). Empty when the texts name no body the registry holds.
     */
    handlers: z.array(
      z.union([
        z.object({ tier: z.enum(['province', 'commune']), kind: departmentKind }),
        z.object({ national: z.string() }),
      ]),
    ),
    onlineFiling: z.literal(false),
    formId: z.null(),
    form: z.null(),
    version: z.number().int().positive(),
    versions: z.array(z.number().int().positive()),
    /** The catalog version that published this version, and when. */
    catalogVersion: z.number().int().positive(),
    publishedAt: z.string(),
  })
  .meta({ id: 'InformationEntry' });

/** What the catalog returns for a procedure filed online: the procedure with its form as JSON Schema. */
export const onlineProcedureView = z
  .object({
    onlineFiling: z.literal(true),
    code: procedureCode,
    name: z.string(),
    nameEn: z.string(),
    field: z.string(),
    level: implementationLevel,
    authorityLevel,
    agencyId: z.string().nullable(),
    agencyRule: agencyRule.nullable(),
    documents: z.array(requiredDocument),
    formId: z.string(),
    form: z.record(z.string(), z.unknown()),
    fee: z.number().int().min(0),
    feeRule: z.object({ id: z.string(), name: z.string(), nameEn: z.string() }).nullable(),
    processingDays: z.number().int().positive(),
    steps: z.array(processingStep),
    multiDestination: z.boolean(),
    bundle: z.array(procedureCode).nullable(),
    legalBasis: z.array(z.string()),
    keywords: z.array(z.string()),
    version: z.number().int().positive(),
    /** Every published version of this procedure, oldest first. */
    versions: z.array(z.number().int().positive()),
    effectiveFrom: z.iso.date(),
    illustrative: z.array(z.string()),
    /** The national database's record of the same code, when it has one (its documents, legal basis…). */
    national: nationalEntry.nullable(),
  })
  .meta({ id: 'OnlineProcedure' });

/** One procedure: filed online here (with its form), or an information entry (how to file elsewhere). */
export const procedureView = z
  .discriminatedUnion('onlineFiling', [onlineProcedureView, informationView])
  .meta({ id: 'Procedure' });

const searchField = z.enum(['name', 'keywords', 'field', 'documents']);

/** Which query terms matched where; `ranges` are [start, end) offsets into name or field. */
export const searchHighlight = z.object({
  field: searchField,
  terms: z.array(z.string()),
  ranges: z.array(z.tuple([z.number().int(), z.number().int()])).optional(),
});

/**
 * A search result. Information entries (onlineFiling false) have no English name, implementation
 * level or agencyId (the `agency` filter matches them by the registry agencies their agency texts name);
 * their fee is the lowest over their channels and their processing days the shortest given in working
 * days, each null when the record gives none.
 */
export const procedureSummary = z
  .object({
    code: procedureCode,
    name: z.string(),
    nameEn: z.string().nullable(),
    field: z.string().nullable(),
    level: implementationLevel.nullable(),
    authorityLevel: authorityLevel.nullable(),
    authorityLevels: z.array(authorityTier),
    agencyId: z.string().nullable(),
    fee: z.number().int().min(0).nullable(),
    processingDays: z.number().positive().nullable(),
    multiDestination: z.boolean(),
    version: z.number().int().positive(),
    onlineFiling: z.boolean(),
    /** How an information entry can be filed at its agency. */
    channels: z.array(channelKind).optional(),
    score: z.number().optional(),
    highlights: z.array(searchHighlight).optional(),
  })
  .meta({ id: 'ProcedureSummary' });

export const procedureList = z.object({
  items: z.array(procedureSummary),
  nextCursor: z.string().nullable(),
});

export const procedureParams = z.object({ code: procedureCode });

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** `level` filters by implementation level (toan_trinh/mot_phan) or competent authority level. */
export const procedureQuery = z.object({
  q: z.string().trim().max(200).optional(),
  level: z.enum([...implementationLevel.options, ...authorityLevel.options]).optional(),
  agency: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{2,40}$/)
    .optional(),
  field: z.string().trim().min(1).max(120).optional(),
  province: z
    .string()
    .regex(/^\d{2}$/, 'a two-digit province code such as 01')
    .optional(),
  fullyOnline: flag.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
});
export type ProcedureQuery = z.output<typeof procedureQuery>;

export const procedureVersionQuery = z.object({
  version: z.coerce.number().int().positive().max(100_000).optional(),
});

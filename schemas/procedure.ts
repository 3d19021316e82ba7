import { z } from 'zod';
import { procedureCode } from './common.js';

export const implementationLevel = z.enum(['toan_trinh', 'mot_phan']);
export const authorityLevel = z.enum(['ministry', 'province', 'commune']);

export const requiredDocument = z.object({
  type: z.string().regex(/^[a-z0-9_]+$/),
  name: z.string(),
  nameEn: z.string(),
  required: z.boolean(),
  maxBytes: z.number().int().positive(),
  mimeTypes: z.array(z.string()).min(1),
  copies: z.number().int().positive().default(1),
});

/** What the catalog returns: the procedure with its form published as JSON Schema. */
export const procedureView = z
  .object({
    code: procedureCode,
    name: z.string(),
    nameEn: z.string(),
    field: z.string(),
    level: implementationLevel,
    authorityLevel,
    agencyId: z.string(),
    documents: z.array(requiredDocument),
    form: z.record(z.string(), z.unknown()),
    fee: z.number().int().min(0),
    processingDays: z.number().int().positive(),
    multiDestination: z.boolean(),
    bundle: z.array(procedureCode).nullable(),
    legalBasis: z.array(z.string()),
    version: z.number().int().positive(),
    effectiveFrom: z.iso.date(),
    illustrative: z.array(z.string()),
  })
  .meta({ id: 'Procedure' });

export const procedureSummary = procedureView
  .pick({ code: true, name: true, nameEn: true, field: true, level: true, fee: true, processingDays: true })
  .meta({ id: 'ProcedureSummary' });

export const procedureList = z.object({
  items: z.array(procedureSummary),
  nextCursor: z.string().nullable(),
});

export const procedureParams = z.object({ code: procedureCode });

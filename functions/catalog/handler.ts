import type { z } from 'zod';
import type { listQuery } from '../../schemas/common.js';
import type { procedureParams } from '../../schemas/procedure.js';
import { AppError } from '../core/errors.js';
import { httpFunction } from '../core/http.js';
import { findProcedure, listProcedures, procedureToView } from './catalog.js';

export const handler = httpFunction('catalog', {
  listProcedures: async (req) => {
    const { limit, cursor } = req.query as z.output<typeof listQuery>;
    return { body: listProcedures(limit, cursor) };
  },
  getProcedure: async (req) => {
    const { code } = req.params as z.output<typeof procedureParams>;
    const procedure = findProcedure(code);
    if (!procedure) throw new AppError('PROCEDURE_NOT_FOUND');
    return { body: procedureToView(procedure), headers: { 'cache-control': 'public, max-age=300' } };
  },
});

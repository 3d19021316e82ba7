/** FAQ entries added at run time (from support answers), read by the catalog function. */
import type { FaqRecord } from '../../schemas/catalog.js';
import { queries } from '../core/queries.js';

/** FAQ entries added at run time, oldest first: the catalog merges them with its published FAQ. */
export function runtimeFaq(): Promise<FaqRecord[]> {
  return queries.runtimeFaq((i) => i.faq as FaqRecord);
}

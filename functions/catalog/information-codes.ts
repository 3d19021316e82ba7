/**
 * The codes of every imported national record (a few KiB, bundled): intake tells a procedure that
 * exists but is not filed online (an information entry) from a code that names no procedure at all.
 */
import codes from './data/national/codes.json' with { type: 'json' };

const known = new Set<string>(codes);

/** Whether the national catalog holds this code; a curated procedure of the same code is checked first. */
export const isNationalProcedure = (code: string): boolean => known.has(code);

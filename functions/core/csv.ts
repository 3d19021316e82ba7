/**
 * CSV as spreadsheets open it (RFC 4180, CRLF, UTF-8 with a BOM so Excel shows Vietnamese correctly).
 * A text cell starting with = + - @ is prefixed with ' so a spreadsheet never runs it as a formula.
 */
export type CsvCell = string | number | null | undefined;

function cell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv<T>(columns: readonly (keyof T & string)[], rows: readonly T[]): string {
  const lines = [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c] as CsvCell)).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export const CSV_TYPE = 'text/csv; charset=utf-8';

/** Whether the caller asked for CSV rather than JSON. */
export const wantsCsv = (accept: string | undefined) => /\btext\/csv\b/i.test(accept ?? '');

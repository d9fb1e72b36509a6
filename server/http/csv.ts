export type CsvCell = string | number | null | undefined;

// Spreadsheets run a cell that starts with one of these as a formula (CSV/formula injection);
// tab and carriage return too, since some programs strip them before looking.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field: text that a spreadsheet would take as a formula gets a leading apostrophe
 * (OWASP's advice), and a field with a comma, quote or line break is quoted with quotes doubled
 * (RFC 4180). Numbers are written as they are.
 */
export function csvField(value: CsvCell, separator: CsvSeparator = ','): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /["\r\n]/.test(text) || text.includes(separator) ? `"${text.replace(/"/g, '""')}"` : text;
}

export type CsvSeparator = ',' | ';';

/**
 * The separator a spreadsheet in that language expects: Excel with Finnish or Swedish regional
 * settings splits on `;` (the comma is their decimal mark), English on `,`. No `sep=` line: Excel
 * then ignores the byte order mark and garbles å, ä and ö (decision 0011).
 */
export function csvSeparatorFor(lang: 'fi' | 'sv' | 'en'): CsvSeparator {
  return lang === 'en' ? ',' : ';';
}

/**
 * A CSV document: CRLF line ends (RFC 4180) and a UTF-8 byte order mark, without which Excel
 * reads å, ä and ö as two odd characters each.
 */
export function toCsv(rows: readonly (readonly CsvCell[])[], separator: CsvSeparator = ','): string {
  return `\uFEFF${rows.map((row) => row.map((cell) => csvField(cell, separator)).join(separator)).join('\r\n')}\r\n`;
}

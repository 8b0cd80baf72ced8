// Breakdown rows copied from a spreadsheet: what Excel or LibreOffice put on the clipboard.

export interface PastedRow {
  dimension: string;
  category: string;
  value: number;
}

export interface PastedRows {
  rows: PastedRow[];
  /** 1-based line numbers that could not be read (not counting a header line). */
  badLines: number[];
}

/**
 * A number as a German (or English) spreadsheet writes it: `1.234,5`, `1234,5`, `12.5`, `-3`,
 * with spaces or a trailing `%` ignored; NaN when it is no number.
 */
export function parseSheetNumber(raw: string): number {
  let s = raw.replace(/[\s\u00a0%]/g, '');
  if (s === '') return NaN;
  if (s.includes(',')) {
    // German: dots group thousands, the comma is the decimal mark.
    s = s.replace(/\./g, '').replace(',', '.');
  } else if (/^-?\d{1,3}(\.\d{3})+$/.test(s)) {
    // 1.234 or 1.234.567 with no comma: German thousands, not a decimal point.
    s = s.replace(/\./g, '');
  }
  return /^-?(\d+\.?\d*|\.\d+)$/.test(s) ? Number(s) : NaN;
}

/**
 * Tab-separated lines (a spreadsheet's copy) or semicolon-separated ones (German CSV):
 * dimension, category, value. A first line whose value is not a number is taken as the header;
 * empty lines are skipped; with two columns the dimension of the line above is kept (a merged cell).
 */
export function parsePastedRows(text: string): PastedRows {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const rows: PastedRow[] = [];
  const badLines: number[] = [];
  let dimension = '';
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const cells = (line.includes('\t') ? line.split('\t') : line.split(';')).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
    const value = parseSheetNumber(cells[cells.length - 1] ?? '');
    if (cells.length === 3 && cells[0]) dimension = cells[0];
    const category = cells.length >= 2 ? (cells[cells.length - 2] ?? '') : '';
    const ok = (cells.length === 3 || (cells.length === 2 && dimension !== '')) && category !== '' && !Number.isNaN(value);
    if (ok) {
      rows.push({ dimension, category, value });
    } else if (!(rows.length === 0 && badLines.length === 0 && Number.isNaN(value))) {
      badLines.push(i + 1);
    }
  });
  return { rows, badLines };
}

/** Which side a column's cells are padded on: numbers read best right-aligned. */
export type Align = 'left' | 'right';

export interface Column {
  readonly header: string;
  readonly align?: Align;
}

// eslint-disable-next-line no-control-regex -- colour codes start with ESC, the character this strips
const ANSI = /\x1b\[[0-9;]*m/g;

/** Characters a terminal shows for the text (colour codes take none). */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

function pad(text: string, width: number, align: Align): string {
  const fill = ' '.repeat(Math.max(0, width - visibleWidth(text)));
  return align === 'right' ? `${fill}${text}` : `${text}${fill}`;
}

/** Rows under a header, columns two spaces apart, each line indented by `indent`; no trailing blanks. */
export function renderTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>, indent = '  '): string {
  const widths = columns.map((column, i) => Math.max(visibleWidth(column.header), ...rows.map((row) => visibleWidth(row[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    `${indent}${columns
      .map((column, i) => pad(cells[i] ?? '', widths[i] ?? 0, column.align ?? 'left'))
      .join('  ')
      .trimEnd()}`;
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n') + '\n';
}

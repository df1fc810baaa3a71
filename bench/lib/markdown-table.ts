export type Cell = string | number;
export type Align = 'left' | 'right';

/** A GitHub-flavoured markdown table with padded columns (readable in a terminal too). */
export function markdownTable(header: readonly string[], rows: readonly (readonly Cell[])[], align: readonly Align[] = []): string {
  const text = rows.map((row) => header.map((_, i) => String(row[i] ?? '')));
  const widths = header.map((title, i) => Math.max(3, title.length, ...text.map((row) => (row[i] ?? '').length)));
  const pad = (value: string, i: number): string => (align[i] === 'right' ? value.padStart(widths[i] ?? 0) : value.padEnd(widths[i] ?? 0));
  const line = (cells: readonly string[]): string => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (align[i] === 'right' ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(header), rule, ...text.map(line)].join('\n');
}

/** A number with a fixed count of decimals, without `-0`. */
export function fixed(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  const rounded = value.toFixed(decimals);
  return Number(rounded) === 0 ? (0).toFixed(decimals) : rounded;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

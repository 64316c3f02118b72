// report.ts: the side-by-side table the ingest benchmark prints.

/** Row is one figure for both systems; undefined prints as "-". */
export interface Row {
  label: string;
  prometheus?: number;
  vigie?: number;
  /** digits after the decimal point. */
  digits: number;
}

/** formatTable renders rows as aligned columns with a Vigie/Prometheus ratio column. */
export function formatTable(rows: Row[]): string {
  const cell = (v: number | undefined, digits: number) =>
    v === undefined || !Number.isFinite(v)
      ? '-'
      : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const table = [
    ['', 'Prometheus 2.42', 'Vigie', 'Vigie/Prom'],
    ...rows.map((r) => [
      r.label,
      cell(r.prometheus, r.digits),
      cell(r.vigie, r.digits),
      r.prometheus && r.vigie !== undefined ? cell(r.vigie / r.prometheus, 2) + '×' : '-',
    ]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  return table
    .map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
    .join('\n');
}

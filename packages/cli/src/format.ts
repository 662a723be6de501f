import { formatDurationHuman } from '@airworthy/plugin-operability-common';

/** A number for people: at most 4 significant digits, no exponent for usual sizes. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** 0.0005 as `0.05%`. */
export function percent(value: number): string {
  return `${num(value * 100)}%`;
}

/** A length in ms for people, e.g. `16h 48m`. */
export function duration(ms: number): string {
  return formatDurationHuman(ms);
}

/** Left-aligned columns separated by two spaces. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) =>
    Math.max(...rows.map(row => row[column].length)),
  );
  return rows
    .map(row =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell.padEnd(widths[column]),
        )
        .join('  '),
    )
    .join('\n')
    .concat('\n');
}

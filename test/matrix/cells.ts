/** One Hadoop x Flink combination the matrix runs live. */
export interface Cell {
  readonly hadoop: string;
  readonly flink: string;
}

/**
 * The issue's cells: every supported Hadoop line with Flink 1.20, and Hadoop 3.4 with the other
 * Flink lines. 3.4.2 x 1.20.1 is also what the integration tier runs.
 */
export const CELLS: readonly Cell[] = [
  { hadoop: '3.3.6', flink: '1.20.1' },
  { hadoop: '3.4.2', flink: '1.20.1' },
  { hadoop: '3.5.0', flink: '1.20.1' },
  { hadoop: '3.4.2', flink: '1.19.1' },
  { hadoop: '3.4.2', flink: '2.2.0' },
];

/** FLINK_YARN_MATRIX=3.3.6/1.20.1,3.4.2/2.2.0 picks cells; unset, all of them. */
export function selectedCells(spec: string | undefined): Cell[] {
  if (spec === undefined || spec.trim() === '') return [...CELLS];
  return spec.split(',').map((s) => {
    const [hadoop, flink] = s.trim().split('/');
    const cell = CELLS.find((c) => c.hadoop === hadoop && c.flink === flink);
    if (cell === undefined)
      throw new Error(
        `FLINK_YARN_MATRIX: ${s} is not a cell (${CELLS.map((c) => `${c.hadoop}/${c.flink}`).join(', ')})`,
      );
    return cell;
  });
}

/**
 * Month-by-month columns in SVG (no chart library). The SVG is an image with its own text alternative
 * (a title and a description listing every value), and the table beside it holds the same figures for
 * everyone; months with nothing to measure are marked "—" instead of a column.
 */
export interface Column {
  label: string;
  /** Short label under the column (e.g. "11/26"). */
  short: string;
  /** null: nothing to measure. */
  value: number | null;
}

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { top: 12, right: 8, bottom: 28, left: 36 };

export function ColumnChart({
  id,
  title,
  columns,
  max = 100,
  format,
}: {
  id: string;
  title: string;
  columns: Column[];
  max?: number;
  format: (v: number) => string;
}) {
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const step = innerW / Math.max(columns.length, 1);
  const barW = Math.max(4, step * 0.6);
  const y = (v: number) => PAD.top + innerH - (Math.min(v, max) / max) * innerH;
  const description = columns
    .map((c) => `${c.label}: ${c.value === null ? '—' : format(c.value)}`)
    .join('; ');
  return (
    <figure class="chart">
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg
        class="column-chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-svg-title ${id}-desc`}
      >
        <title id={`${id}-svg-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {[0, 50, 100].map((tick) => (
          <g key={tick}>
            <line class="grid" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} />
            <text class="axis" x={PAD.left - 4} y={y(tick) + 4} text-anchor="end">
              {tick}
            </text>
          </g>
        ))}
        {columns.map((c, i) => {
          const x = PAD.left + i * step + (step - barW) / 2;
          return (
            <g key={c.label}>
              {c.value === null ? (
                <text class="axis" x={x + barW / 2} y={y(0) - 4} text-anchor="middle">
                  —
                </text>
              ) : (
                <rect
                  class="column"
                  x={x}
                  y={y(c.value)}
                  width={barW}
                  height={Math.max(0, y(0) - y(c.value))}
                />
              )}
              <text class="axis" x={x + barW / 2} y={HEIGHT - 8} text-anchor="middle">
                {c.short}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/**
 * Horizontal bars in plain HTML and CSS (no chart library), so labels stay readable on a 360 px phone.
 * The bars repeat, for the eye, figures that the table next to them holds for everyone: screen readers
 * are sent to the table (the chart is hidden from them and its caption says so). Widths are set through
 * the CSS object model, which the page's content security policy allows (no inline style attributes).
 */
export interface Bar {
  label: string;
  /** null: nothing to measure yet; drawn as "—". */
  value: number | null;
}

export function BarChart({
  title,
  bars,
  max = 100,
  format,
}: {
  title: string;
  bars: Bar[];
  max?: number;
  format: (v: number) => string;
}) {
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <ul class="bars" aria-hidden="true">
        {bars.map((b, i) => (
          <li key={`${b.label}-${i}`}>
            <span class="bar-label">{b.label}</span>
            <span class="bar-track">
              <span
                class="bar"
                style={{
                  width: `${b.value === null || max <= 0 ? 0 : (Math.min(b.value, max) / max) * 100}%`,
                }}
              />
            </span>
            <span class="bar-value">{b.value === null ? '—' : format(b.value)}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

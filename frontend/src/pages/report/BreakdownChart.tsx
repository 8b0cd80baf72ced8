import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../lib/format';

export interface BreakdownItem {
  dimension: string;
  category: string;
  value: number;
}

/** The breakdown grouped by dimension (e.g. district, gender), in the order delivered. */
export function byDimension(items: BreakdownItem[]): [string, BreakdownItem[]][] {
  const groups = new Map<string, BreakdownItem[]>();
  for (const item of items) {
    const list = groups.get(item.dimension) ?? [];
    list.push(item);
    groups.set(item.dimension, list);
  }
  return [...groups.entries()];
}

const W = 640;
const ROW = 30;
const LABEL = 170;
const VALUE = 90;
const TOP = 8;

/**
 * One value broken down by a dimension as a horizontal bar chart. The bars are hatched with a
 * dark outline and carry their value as text, so nothing is told by colour; a data table and a
 * sentence say the same.
 */
export function BreakdownChart({
  items,
  dimension,
  period,
  unit,
  name,
}: {
  items: BreakdownItem[];
  dimension: string;
  period: string;
  unit: string;
  name: string;
}) {
  const { t, i18n } = useTranslation();
  const uid = useId().replace(/:/g, '');
  const lang = i18n.language;
  const fmt = (v: number) => formatNumber(v, lang);
  if (items.length === 0) return null;
  const values = items.map((i) => i.value);
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const span = hi - lo || 1;
  const inner = W - LABEL - VALUE;
  const x = (v: number) => LABEL + ((v - lo) / span) * inner;
  const H = TOP * 2 + ROW * items.length;
  const sorted = [...items].sort((a, b) => b.value - a.value);
  const max = sorted[0] ?? items[0]!;
  const min = sorted[sorted.length - 1] ?? max;
  const summary = t('report.breakdown.summary', {
    name,
    dimension,
    period,
    count: items.length,
    max: fmt(max.value),
    maxCategory: max.category,
    min: fmt(min.value),
    minCategory: min.category,
    unit,
  });
  const caption = t('report.breakdown.table', { dimension, period });

  return (
    <figure className="chart breakdown">
      <p className="chart-summary">{summary}</p>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${uid}-title`}
        aria-describedby={`${uid}-desc`}
        className="chart-svg breakdown-svg"
      >
        <title id={`${uid}-title`}>{t('report.breakdown.chartTitle', { name, dimension, period })}</title>
        <desc id={`${uid}-desc`}>{summary}</desc>
        <defs>
          <pattern id={`${uid}-hatch`} width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="8" height="8" className="breakdown-hatch-bg" />
            <line x1="0" y1="0" x2="0" y2="8" className="breakdown-hatch-line" />
          </pattern>
        </defs>
        {lo < 0 && <line x1={x(0)} x2={x(0)} y1={TOP} y2={H - TOP} className="chart-grid" />}
        {items.map((item, i) => {
          const y = TOP + i * ROW;
          const a = x(Math.min(0, item.value));
          const b = x(Math.max(0, item.value));
          return (
            <g key={`${item.category}-${i}`}>
              <text x={LABEL - 8} y={y + ROW / 2} className="chart-label" textAnchor="end" dominantBaseline="middle">
                {item.category.length > 24 ? `${item.category.slice(0, 23)}…` : item.category}
              </text>
              <rect
                x={a}
                y={y + 5}
                width={Math.max(1, b - a)}
                height={ROW - 10}
                fill={`url(#${uid}-hatch)`}
                className="breakdown-bar"
              />
              <text x={b + 6} y={y + ROW / 2} className="chart-label" dominantBaseline="middle">
                {fmt(item.value)}
              </text>
            </g>
          );
        })}
      </svg>
      <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{dimension}</th>
              <th scope="col">{t('indicators.valueIn', { unit })}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item, i) => (
              <tr key={`${item.category}-${i}`}>
                <th scope="row">{item.category}</th>
                <td>{fmt(item.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

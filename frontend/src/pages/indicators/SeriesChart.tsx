import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { IndicatorDetailQuery } from '../../gql/graphql';
import { formatNumber } from '../../lib/format';
import { useWidth } from '../../lib/useWidth';

type Series = NonNullable<IndicatorDetailQuery['indicator']>['timeSeries'];

/** A comparison series ("Vergleichswert") drawn beside the values, never assessed. */
export interface ReferenceLine {
  label: string;
  values: { period: string; value: number }[];
}

/** The periods of the values and of every comparison series, in time order. */
export function axisPeriods(own: string[], references: ReferenceLine[]): string[] {
  const all = new Set([...own, ...references.flatMap((r) => r.values.map((v) => v.period))]);
  return [...all].sort();
}

/** Dash patterns that tell comparison series apart from the values and from each other. */
const DASHES = ['8 4', '2 4', '12 4 2 4', '4 4'];

/** Drawn at the width it is shown (within these bounds), so labels keep their size on a phone. */
const MIN_W = 280;
const MAX_W = 768;
const H = 280;
/** Room one period label needs on the x axis. */
const LABEL_SLOT = 56;
const PAD = { top: 16, right: 16, bottom: 48, left: 64 };

/** Splits the points into runs; a run ends where the definition changes (a series break). */
export function segments<T extends { breakBefore: boolean }>(points: T[]): T[][] {
  const out: T[][] = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (!last || p.breakBefore) out.push([p]);
    else last.push(p);
  }
  return out;
}

/** "nice" axis ticks between min and max. */
export function ticks(min: number, max: number, count = 5): number[] {
  if (min === max) {
    const d = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    min -= d;
    max += d;
  }
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toFixed(10)));
  const top = out[out.length - 1] ?? min;
  if (top < max) out.push(top + step);
  return out;
}

/** The accepted values as an SVG line chart with the target line, plus a table and a summary. */
export function SeriesChart({
  series,
  name,
  references = [],
}: {
  series: Series;
  name: string;
  references?: ReferenceLine[];
}) {
  const { t, i18n } = useTranslation();
  const uid = useId();
  const [figureRef, shownWidth] = useWidth<HTMLElement>(640);
  const W = Math.min(MAX_W, Math.max(MIN_W, shownWidth));
  const lang = i18n.language;
  const points = series.points;
  const fmt = (v: number) => formatNumber(v, lang);
  if (points.length === 0) return <p>{t('indicators.noSeries')}</p>;

  const values = points.map((p) => p.value);
  if (series.targetValue != null) values.push(series.targetValue);
  for (const r of references) values.push(...r.values.map((v) => v.value));
  const axis = axisPeriods(
    points.map((p) => p.period),
    references,
  );
  const slot = new Map(axis.map((p, i) => [p, i]));
  const ys = ticks(Math.min(...values), Math.max(...values));
  const y0 = ys[0] ?? 0;
  const y1 = ys[ys.length - 1] ?? 1;
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (axis.length === 1 ? innerW / 2 : (i * innerW) / (axis.length - 1));
  const y = (v: number) => PAD.top + innerH - ((v - y0) / (y1 - y0 || 1)) * innerH;
  const index = new Map(points.map((p) => [p, slot.get(p.period) ?? 0]));
  const runs = segments(points);
  const breaks = points.filter((p) => p.breakBefore).length;

  const first = points[0] ?? { period: '', value: 0 };
  const last = points[points.length - 1] ?? first;
  const summary = [
    t('indicators.summary', {
      name,
      count: points.length,
      from: first.period,
      to: last.period,
      first: fmt(first.value),
      last: fmt(last.value),
      unit: series.unit,
    }),
    series.targetValue != null ? t('indicators.summaryTarget', { target: fmt(series.targetValue), unit: series.unit }) : '',
    breaks > 0 ? t('indicators.summaryBreaks', { count: breaks }) : '',
  ]
    .filter(Boolean)
    .join(' ');

  const labelEvery = Math.ceil(axis.length / Math.max(2, Math.floor(innerW / LABEL_SLOT)));
  return (
    <figure className="chart" ref={figureRef}>
      <p className="chart-summary">{summary}</p>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${uid}-title ${uid}-desc`} className="chart-svg">
        <title id={`${uid}-title`}>{t('indicators.chartTitle', { name })}</title>
        <desc id={`${uid}-desc`}>{summary}</desc>
        {ys.map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} className="chart-grid" />
            <text x={PAD.left - 8} y={y(v)} className="chart-label" textAnchor="end" dominantBaseline="middle">
              {fmt(v)}
            </text>
          </g>
        ))}
        {axis.map((period, i) =>
          i % labelEvery === 0 || i === axis.length - 1 ? (
            <text key={period} x={x(i)} y={H - PAD.bottom + 20} className="chart-label" textAnchor="middle">
              {period}
            </text>
          ) : null,
        )}
        {references.map((r, k) => (
          <polyline
            key={r.label}
            className="chart-reference"
            strokeDasharray={DASHES[k % DASHES.length]}
            points={r.values.map((v) => `${x(slot.get(v.period) ?? 0)},${y(v.value)}`).join(' ')}
          />
        ))}
        {series.targetValue != null && (
          <g>
            <line
              x1={PAD.left}
              x2={W - PAD.right}
              y1={y(series.targetValue)}
              y2={y(series.targetValue)}
              className="chart-target"
            />
            <text x={W - PAD.right} y={y(series.targetValue) - 6} className="chart-label" textAnchor="end">
              {t('indicators.targetLabel', { value: fmt(series.targetValue) })}
            </text>
          </g>
        )}
        {runs.map((run) => (
          <polyline
            key={run[0]?.period}
            className="chart-line"
            points={run.map((p) => `${x(index.get(p) ?? 0)},${y(p.value)}`).join(' ')}
          />
        ))}
        {points.map((p) => (
          <circle key={p.period} cx={x(index.get(p) ?? 0)} cy={y(p.value)} r={4} className="chart-point" />
        ))}
      </svg>
      <figcaption className="chart-legend">
        <span className="legend-line" aria-hidden="true" /> {t('indicators.legendValues')}{' '}
        {series.targetValue != null && (
          <>
            <span className="legend-target" aria-hidden="true" /> {t('indicators.legendTarget')}
          </>
        )}{' '}
        {breaks > 0 && t('indicators.legendBreak')}
        {references.map((r, k) => (
          <span key={r.label} className="legend-reference-item">
            {' '}
            <svg width="24" height="6" aria-hidden="true" className="legend-reference">
              <line x1="0" x2="24" y1="3" y2="3" strokeDasharray={DASHES[k % DASHES.length]} />
            </svg>{' '}
            {t('reference.legend', { label: r.label })}
          </span>
        ))}
      </figcaption>
      <div className="table-wrap" tabIndex={0} role="region" aria-label={t('indicators.seriesTable')}>
        <table>
          <caption>{t('indicators.seriesTable')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('indicators.period')}</th>
              <th scope="col">{t('indicators.valueIn', { unit: series.unit })}</th>
              <th scope="col">{t('indicators.target')}</th>
              <th scope="col">{t('indicators.seriesBreak')}</th>
              {references.map((r) => (
                <th scope="col" key={r.label}>
                  {t('reference.legend', { label: r.label })}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {axis.map((period) => {
              const p = points.find((q) => q.period === period);
              return (
                <tr key={period}>
                  <th scope="row">{period}</th>
                  <td>{p ? fmt(p.value) : '–'}</td>
                  <td>{series.targetValue != null ? fmt(series.targetValue) : '–'}</td>
                  <td>{p?.breakBefore ? t('indicators.breakYes') : ''}</td>
                  {references.map((r) => {
                    const v = r.values.find((w) => w.period === period);
                    return <td key={r.label}>{v ? fmt(v.value) : '–'}</td>;
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

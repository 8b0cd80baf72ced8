// A choropleth of one indicator over the city's districts, drawn from the uploaded GeoJSON with
// d3-geo (no tiles): classed colours with a legend, the data table beside it as the accessible
// equivalent, a sentence naming the highest and lowest value, and a period picker.
import { geoArea, geoMercator, geoPath, type GeoPermissibleObjects } from 'd3-geo';
import { useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../lib/format';
import { classesOf, classOf, extremes, type DistrictValue } from './classes';
import './map.css';

export type { DistrictValue } from './classes';

export interface MapPeriod {
  period: string;
  cells: DistrictValue[];
}

interface Feature {
  type: 'Feature';
  properties: { code: string };
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] };
}

interface Collection {
  type: 'FeatureCollection';
  features: Feature[];
}

/**
 * d3-geo reads rings on the sphere and takes an exterior ring wound as RFC 7946 wants (counter-
 * clockwise) as "everything but this area": turn such polygons round.
 */
export function rewind(collection: Collection): Collection {
  const fix = (rings: number[][][]) => {
    const polygon = { type: 'Polygon', coordinates: rings } as GeoPermissibleObjects;
    return geoArea(polygon) > 2 * Math.PI ? rings.map((r) => [...r].reverse()) : rings;
  };
  return {
    ...collection,
    features: collection.features.map((f) => ({
      ...f,
      geometry:
        f.geometry.type === 'Polygon'
          ? { ...f.geometry, coordinates: fix(f.geometry.coordinates as number[][][]) }
          : { ...f.geometry, coordinates: (f.geometry.coordinates as number[][][][]).map(fix) },
    })),
  };
}

// One request per page view, however many maps the report shows.
let shapes: Promise<Collection | null> | null = null;

function loadShapes(): Promise<Collection | null> {
  shapes ??= fetch('/api/districts.geojson', { credentials: 'same-origin' })
    .then((r) => (r.ok ? (r.json() as Promise<Collection>) : null))
    .then((c) => (c && Array.isArray(c.features) ? rewind(c) : null))
    .catch(() => null);
  return shapes;
}

/** Forget the cached shapes (after a new upload). */
export function reloadDistrictShapes() {
  shapes = null;
}

const W = 640;
const H = 420;

export function ChoroplethMap({
  name,
  unit,
  periods,
  note,
}: {
  name: string;
  unit: string;
  periods: MapPeriod[];
  /** The footnote of "•", when values are hidden. */
  note?: string | null;
}) {
  const { t, i18n } = useTranslation();
  const uid = useId().replace(/:/g, '');
  const lang = i18n.language;
  const fmt = (v: number) => formatNumber(v, lang);
  const [collection, setCollection] = useState<Collection | null | undefined>(undefined);
  const [chosen, setChosen] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void loadShapes().then((c) => {
      if (live) setCollection(c);
    });
    return () => {
      live = false;
    };
  }, []);
  const current = periods.find((p) => p.period === chosen) ?? periods[periods.length - 1];
  const drawn = useMemo(() => {
    if (!collection || collection.features.length === 0) return null;
    const projection = geoMercator().fitSize([W, H], collection as unknown as GeoPermissibleObjects);
    const path = geoPath(projection);
    return collection.features.map((f) => ({ code: f.properties.code, d: path(f as unknown as GeoPermissibleObjects) ?? '' }));
  }, [collection]);
  if (!current || collection === undefined) return null;
  // Without shapes the map has nothing to draw; hidden cells still need their "•" in a table.
  if (!drawn && !current.cells.some((c) => c.value == null)) return null;

  const byCode = new Map(current.cells.map((c) => [c.code, c]));
  const classes = classesOf(current.cells.flatMap((c) => (c.value == null ? [] : [c.value])));
  const hidden = current.cells.some((c) => c.value == null);
  const ext = extremes(current.cells);
  const summary = ext
    ? t('map.summary', {
        name,
        period: current.period,
        max: fmt(ext.max.value!),
        maxDistrict: ext.max.category,
        min: fmt(ext.min.value!),
        minDistrict: ext.min.category,
        unit,
      })
    : t('map.noValues', { name, period: current.period });
  const title = t('map.title', { name, period: current.period });
  const caption = t('map.table', { name, period: current.period });
  const sorted = [...current.cells].sort((a, b) => a.category.localeCompare(b.category, lang));

  return (
    <figure className="chart district-map" aria-labelledby={`${uid}-fig`}>
      <figcaption id={`${uid}-fig`} className="district-map-caption">
        {title}
      </figcaption>
      {periods.length > 1 && (
        <p className="district-map-period">
          <label htmlFor={`${uid}-period`}>{t('map.period')}</label>{' '}
          <select id={`${uid}-period`} value={current.period} onChange={(e) => setChosen(e.target.value)}>
            {periods.map((p) => (
              <option key={p.period} value={p.period}>
                {p.period}
              </option>
            ))}
          </select>
        </p>
      )}
      <p className="chart-summary">{summary}</p>
      <div className="district-map-body">
        {drawn && (
          <div className="district-map-drawing">
            <svg
              viewBox={`0 0 ${W} ${H}`}
              role="img"
              aria-labelledby={`${uid}-title`}
              aria-describedby={`${uid}-desc`}
              className="district-map-svg"
            >
              <title id={`${uid}-title`}>{title}</title>
              <desc id={`${uid}-desc`}>{`${summary} ${t('map.tableHint')}`}</desc>
              <defs>
                <pattern id={`${uid}-hidden`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                  <rect width="6" height="6" className="district-map-hidden-bg" />
                  <line x1="0" y1="0" x2="0" y2="6" className="district-map-hidden-line" />
                </pattern>
              </defs>
              {drawn.map((f) => {
                const cell = byCode.get(f.code);
                const fill =
                  cell == null
                    ? 'district-map-none'
                    : cell.value == null
                      ? `url(#${uid}-hidden)`
                      : (classOf(cell.value, classes)?.colour ?? 'transparent');
                return (
                  <path
                    key={f.code}
                    d={f.d}
                    className={cell == null ? 'district-map-area district-map-none' : 'district-map-area'}
                    fill={fill.startsWith('district') ? undefined : fill}
                    data-code={f.code}
                  />
                );
              })}
            </svg>
            <ul className="district-map-legend" aria-label={t('map.legend')}>
              {classes.map((c, i) => (
                <li key={i}>
                  <span className="district-map-swatch" style={{ background: c.colour }} aria-hidden="true" />
                  {c.from === c.to ? `${fmt(c.from)} ${unit}` : t('map.range', { from: fmt(c.from), to: fmt(c.to), unit })}
                </li>
              ))}
              {hidden && (
                <li>
                  <span className="district-map-swatch district-map-swatch-hidden" aria-hidden="true" />
                  {t('map.hidden')}
                </li>
            )}
            <li>
              <span className="district-map-swatch district-map-swatch-none" aria-hidden="true" />
              {t('map.none')}
            </li>
          </ul>
        </div>
        )}
        <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
          <table>
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{t('map.district')}</th>
                <th scope="col">{t('indicators.valueIn', { unit })}</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((c) => (
                <tr key={c.code}>
                  <th scope="row">{c.category}</th>
                  <td>
                    {c.value == null ? (
                      <>
                        <span aria-hidden="true">•</span>
                        <span className="visually-hidden">{note ?? t('map.hidden')}</span>
                      </>
                    ) : (
                      fmt(c.value)
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      {hidden && note && <p className="district-map-note">• {note}</p>}
    </figure>
  );
}

interface Cell {
  dimension: string;
  category: string;
  value?: number;
  code?: string | null;
}

/**
 * The periods of a series that carry district cells (by their code), oldest first; hidden
 * cells (`suppressed`) are listed without a value.
 */
export function districtPeriods(
  series: { period: string; breakdown: Cell[]; suppressed?: Omit<Cell, 'value'>[] | null }[],
): MapPeriod[] {
  return series
    .map((p) => ({
      period: p.period,
      cells: [
        ...p.breakdown.filter((b) => b.code).map((b) => ({ code: b.code!, category: b.category, value: b.value ?? null })),
        ...(p.suppressed ?? []).filter((b) => b.code).map((b) => ({ code: b.code!, category: b.category, value: null })),
      ],
    }))
    .filter((p) => p.cells.length > 0);
}

import { useEffect, useState, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { GoalStatus, ReportDocumentPartsFragment as Report } from '../../gql/graphql';
import { formatDate, formatDateTime, formatNumber } from '../../lib/format';
import { SeriesChart } from '../indicators/SeriesChart';
import { BreakdownChart, byDimension } from './BreakdownChart';
import { FieldText } from './FieldText';
import '../indicators/indicators.css';
import './report.css';

export type ReportDoc = Report;
type ReportGoal = Report['fields'][number]['goals'][number];
type ReportIndicator = ReportGoal['indicators'][number];

/** The public status of an indicator: when data came last and when the next are expected. */
export interface PublicStatus {
  indicatorId: string;
  lastPeriod: string | null;
  lastAcceptedAt: string | null;
  nextExpectedAt: string | null;
}

/** Icons beside the status text, so that the status is never told by colour alone. */
const STATUS_ICON: Record<GoalStatus, string> = {
  REACHED: '✓',
  ON_TRACK: '↗',
  OFF_TRACK: '✗',
  INSUFFICIENT_DATA: '…',
  NO_TARGET: '–',
  NO_DATA: '∅',
};

export function StatusBadge({ status }: { status: GoalStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`report-status report-status-${status.toLowerCase()}`}>
      <span aria-hidden="true" className="report-status-icon">
        {STATUS_ICON[status]}
      </span>{' '}
      <span>{t(`report.status.${status}`)}</span>
    </span>
  );
}

/** The latest value that was delivered with a breakdown. */
export function latestBreakdown<T extends { breakdown: unknown[] }>(series: T[]): T | undefined {
  for (let i = series.length - 1; i >= 0; i--) {
    const p = series[i];
    if (p && p.breakdown.length > 0) return p;
  }
  return undefined;
}

/**
 * The report document: gaps, fields of action with the coordinator's text, goals with their
 * indicators, charts with tables, vintages and the definitions as footnotes. The live, the frozen
 * and the public report all render through here, so they print alike.
 */
export function ReportDocument({
  report,
  banner,
  actions,
  meta,
  editTexts = false,
  onTextSaved,
  internalLinks = true,
  showGaps = true,
  publicStatus,
  busy = false,
}: {
  report: Report;
  banner?: ReactNode;
  actions?: ReactNode;
  meta?: ReactNode;
  editTexts?: boolean;
  onTextSaved?: () => void;
  internalLinks?: boolean;
  showGaps?: boolean;
  publicStatus?: Map<string, PublicStatus>;
  busy?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const footnote = new Map(report.definitions.map((d, i) => [d.id, i + 1]));
  const span =
    report.fromPeriod || report.toPeriod
      ? t('report.span', { from: report.fromPeriod ?? '…', to: report.toPeriod ?? '…' })
      : t('report.allPeriods');

  return (
    <article className="report" aria-labelledby="report-heading" aria-busy={busy}>
      {banner}
      <h2 id="report-heading">
        {report.leitbildTitle} ({report.leitbildYear})
      </h2>
      <p className="report-meta">
        {span} · {t('report.generated', { date: formatDateTime(report.generatedAt, lang) })}
      </p>
      {meta}
      {actions && <div className="report-actions no-print">{actions}</div>}

      {showGaps && (
        <section className="report-gaps" aria-labelledby="gaps-heading">
          <h2 id="gaps-heading">{t('report.gaps')}</h2>
          {report.gaps.length === 0 ? (
            <p>{t('report.noGaps')}</p>
          ) : (
            <ul>
              {report.gaps.map((g, i) => (
                <li key={i}>
                  <strong>{t(`report.gapKind.${g.kind}`)}:</strong> {g.message}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      {report.fields.map((field) => (
        <section key={field.id} className="report-field" aria-labelledby={`field-${field.id}`}>
          <h2 id={`field-${field.id}`}>{field.title}</h2>
          {field.description && <p>{field.description}</p>}
          <FieldText
            key={field.id}
            fieldId={field.id}
            fieldTitle={field.title}
            text={field.text}
            version={field.textVersion}
            editable={editTexts}
            onSaved={onTextSaved}
          />
          {field.goals.length === 0 && <p>{t('report.noGoals')}</p>}
          {field.goals.map((goal) => (
            <GoalBlock
              key={goal.id}
              goal={goal}
              footnote={footnote}
              internalLinks={internalLinks}
              publicStatus={publicStatus}
            />
          ))}
        </section>
      ))}

      <section className="report-definitions" aria-labelledby="definitions-heading">
        <h2 id="definitions-heading">{t('report.definitions')}</h2>
        {report.definitions.length === 0 ? (
          <p>{t('report.noDefinitions')}</p>
        ) : (
          <ol>
            {report.definitions.map((d) => (
              <li key={d.id} id={`def-${d.id}`}>
                <strong>{t('report.definitionOf', { term: d.termLabel, version: d.version })}:</strong> {d.text}
                {(d.sourcePublisher || d.sourceStatistic || d.sourceLink) && (
                  <>
                    {' '}
                    ({t('report.source')}:{' '}
                    {[d.sourcePublisher, d.sourceStatistic, d.sourceDate ? formatDate(d.sourceDate, lang) : null]
                      .filter(Boolean)
                      .join(', ')}
                    {d.sourceLink && (
                      <>
                        {' '}
                        <a href={d.sourceLink}>{d.sourceLink}</a>
                      </>
                    )}
                    )
                  </>
                )}
              </li>
            ))}
          </ol>
        )}
      </section>
    </article>
  );
}

function GoalBlock({
  goal,
  footnote,
  internalLinks,
  publicStatus,
}: {
  goal: ReportGoal;
  footnote: Map<string, number>;
  internalLinks: boolean;
  publicStatus?: Map<string, PublicStatus>;
}) {
  const { t } = useTranslation();
  return (
    <section className="report-goal" aria-labelledby={`goal-${goal.id}`}>
      <h3 id={`goal-${goal.id}`}>{goal.title}</h3>
      <p>
        {t('report.goalStatus')}: <StatusBadge status={goal.status} />
      </p>
      {goal.description && <p>{goal.description}</p>}
      {goal.indicators.length === 0 ? (
        <p>{t('report.noIndicators')}</p>
      ) : (
        <nav className="report-goal-links no-print" aria-label={t('report.goalIndicators', { goal: goal.title })}>
          <span>{t('report.indicatorsOfGoal')}:</span>{' '}
          <ul>
            {goal.indicators.map((ind) => (
              <li key={ind.id}>
                <a href={`#ind-${goal.id}-${ind.id}`}>
                  {ind.code} {ind.name}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {goal.indicators.map((ind) => (
        <IndicatorBlock
          key={ind.id}
          anchor={`ind-${goal.id}-${ind.id}`}
          ind={ind}
          footnote={footnote}
          internalLinks={internalLinks}
          publicStatus={publicStatus?.get(ind.id)}
        />
      ))}
    </section>
  );
}

function IndicatorBlock({
  anchor,
  ind,
  footnote,
  internalLinks,
  publicStatus,
}: {
  anchor: string;
  ind: ReportIndicator;
  footnote: Map<string, number>;
  internalLinks: boolean;
  publicStatus?: PublicStatus;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const used = [...new Set(ind.series.map((p) => p.definitionId).filter((x): x is string => !!x))]
    .filter((id) => footnote.has(id))
    .sort((a, b) => (footnote.get(a) ?? 0) - (footnote.get(b) ?? 0));
  const name = `${ind.code} ${ind.name}`;
  const withBreakdown = latestBreakdown(ind.series);
  const dash = '–';
  return (
    <div className="report-indicator" id={anchor}>
      <h4>
        {name}
        {used.map((id) => (
          <sup key={id}>
            {' '}
            <a href={`#def-${id}`} aria-label={t('report.footnote', { n: footnote.get(id) })}>
              {footnote.get(id)}
            </a>
          </sup>
        ))}
      </h4>
      {internalLinks && (
        <p className="no-print">
          <Link to={`/indikatoren/${ind.id}`}>{t('report.indicatorPage', { name })}</Link>
        </p>
      )}
      <dl className="report-facts">
        <dt>{t('report.indicatorStatus')}</dt>
        <dd>
          <StatusBadge status={ind.status} />
        </dd>
        <dt>{t('report.latest')}</dt>
        <dd>{ind.latestValue != null ? `${formatNumber(ind.latestValue, lang)} ${ind.unit}` : dash}</dd>
        <dt>{t('report.trend')}</dt>
        <dd>
          {ind.trendPerYear != null
            ? `${ind.trendPerYear > 0 ? '+' : ''}${formatNumber(ind.trendPerYear, lang)} ${ind.unit}`
            : dash}
        </dd>
        <dt>{t('report.target')}</dt>
        <dd>
          {ind.targetValue != null
            ? `${formatNumber(ind.targetValue, lang)} ${ind.unit}${ind.targetDirection ? ` (${t(`report.direction.${ind.targetDirection}`)})` : ''}`
            : dash}
        </dd>
        {!publicStatus && (
          <>
            <dt>{t('report.owner')}</dt>
            <dd>{ind.ownerName ?? t('report.noOwner')}</dd>
          </>
        )}
        {publicStatus && (
          <>
            <dt>{t('report.lastDelivered')}</dt>
            <dd>
              {publicStatus.lastPeriod
                ? publicStatus.lastAcceptedAt
                  ? t('report.lastDeliveredValue', {
                      period: publicStatus.lastPeriod,
                      date: formatDate(publicStatus.lastAcceptedAt, lang),
                    })
                  : publicStatus.lastPeriod
                : t('report.notYetDelivered')}
            </dd>
            <dt>{t('report.nextExpected')}</dt>
            <dd>{publicStatus.nextExpectedAt ? formatDate(publicStatus.nextExpectedAt, lang) : t('report.noneExpected')}</dd>
          </>
        )}
        {ind.terms.length > 0 && (
          <>
            <dt>{t('report.terms')}</dt>
            <dd>
              {ind.terms.map((x, i) => {
                const label = x.agreed ? x.label : `${x.label} (${t('report.notAgreed')})`;
                return (
                  <span key={x.id}>
                    {i > 0 && ', '}
                    {internalLinks ? <Link to={`/glossar/${x.id}`}>{label}</Link> : label}
                  </span>
                );
              })}
            </dd>
          </>
        )}
        {ind.sourceDescription && (
          <>
            <dt>{t('report.dataSource')}</dt>
            <dd>{ind.sourceDescription}</dd>
          </>
        )}
      </dl>
      <SeriesChart
        series={{ unit: ind.unit, targetValue: ind.targetValue, targetDirection: ind.targetDirection, points: ind.series }}
        name={name}
      />
      {ind.series.length > 0 && <Vintages ind={ind} footnote={footnote} internalLinks={internalLinks} />}
      {withBreakdown &&
        byDimension(withBreakdown.breakdown).map(([dimension, items]) => (
          <BreakdownChart
            key={dimension}
            items={items}
            dimension={dimension}
            period={withBreakdown.period}
            unit={ind.unit}
            name={name}
          />
        ))}
    </div>
  );
}

/** Who delivered each value and when, who accepted it, and which definition it follows. */
function Vintages({
  ind,
  footnote,
  internalLinks,
}: {
  ind: ReportIndicator;
  footnote: Map<string, number>;
  internalLinks: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const dash = '–';
  const caption = t('report.vintage.table', { name: `${ind.code} ${ind.name}` });
  const [open, setOpen] = useState(false);
  useEffect(() => {
    // Paper has no disclosures: open (and mount) the table before the browser lays out the print.
    const beforePrint = () => flushSync(() => setOpen(true));
    window.addEventListener('beforeprint', beforePrint);
    return () => window.removeEventListener('beforeprint', beforePrint);
  }, []);
  return (
    // The table mounts when opened: a report of 200 indicators would otherwise build 2,000 hidden rows.
    <details className="report-vintage" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t('report.vintage.summary')}</summary>
      {open && (
      <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t('indicators.period')}</th>
              <th scope="col">{t('indicators.valueIn', { unit: ind.unit })}</th>
              <th scope="col">{t('report.vintage.definition')}</th>
              <th scope="col">{t('report.vintage.deliveredBy')}</th>
              <th scope="col">{t('report.vintage.deliveredAt')}</th>
              <th scope="col">{t('report.vintage.acceptedBy')}</th>
              <th scope="col">{t('report.vintage.acceptedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {ind.series.map((p) => {
              const n = p.definitionId ? footnote.get(p.definitionId) : undefined;
              return (
                <tr key={p.period}>
                  <th scope="row">
                    {internalLinks ? (
                      <Link to={`/lieferungen/${p.deliveryId}`} aria-label={t('report.vintage.delivery', { period: p.period })}>
                        {p.period}
                      </Link>
                    ) : (
                      p.period
                    )}
                  </th>
                  <td>{formatNumber(p.value, lang)}</td>
                  <td>
                    {n != null && p.definitionId ? (
                      <a href={`#def-${p.definitionId}`}>{t('report.footnote', { n })}</a>
                    ) : (
                      dash
                    )}
                  </td>
                  <td>{p.deliveredBy || dash}</td>
                  <td>{p.deliveredAt ? formatDateTime(p.deliveredAt, lang) : dash}</td>
                  <td>{p.acceptedBy || dash}</td>
                  <td>{p.acceptedAt ? formatDateTime(p.acceptedAt, lang) : dash}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      )}
    </details>
  );
}

import { useEffect, useState, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { GoalStatus, ReportDocumentPartsFragment as Report } from '../../gql/graphql';
import { formatDate, formatDateTime, formatNumber } from '../../lib/format';
import { SeriesChart } from '../indicators/SeriesChart';
import { BreakdownChart, byDimension } from './BreakdownChart';
import { ChoroplethMap, districtPeriods } from '../../components/map/ChoroplethMap';
import { ComputedTrace } from './ComputedTrace';
import { FieldText, Paragraphs } from './FieldText';
import { explainGoal } from './plainLanguage';
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

/** What the title page says about the document beside the report itself. */
export interface DocumentInfo {
  /** The report's title, e.g. "Integrationsbericht 2025". */
  title: string;
  /** The number of a frozen report. */
  number?: number;
  /** When it was frozen (or generated). */
  date: string;
}

/** A string for a CSS `content:` value: quotes and backslashes escaped, no line breaks. */
export function cssString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\r\n]+/g, ' ')}"`;
}

/** Mounts what only paper needs (the provenance appendix) when the browser starts to print. */
function usePrinting(): boolean {
  const [printing, setPrinting] = useState(false);
  useEffect(() => {
    const beforePrint = () => flushSync(() => setPrinting(true));
    window.addEventListener('beforeprint', beforePrint);
    return () => window.removeEventListener('beforeprint', beforePrint);
  }, []);
  return printing;
}

const COUNT_COLUMNS = ['REACHED', 'ON_TRACK', 'OFF_TRACK', 'NO_DATA', 'OTHER'] as const;
type CountColumn = (typeof COUNT_COLUMNS)[number];
type Counts = Report['summary']['counts'];

function countOf(c: Counts, column: CountColumn): number {
  switch (column) {
    case 'REACHED':
      return c.reached;
    case 'ON_TRACK':
      return c.onTrack;
    case 'OFF_TRACK':
      return c.offTrack;
    case 'NO_DATA':
      return c.noData;
    case 'OTHER':
      return c.insufficientData + c.noTarget;
  }
}

/**
 * The report document: title page, contents, a one-page summary, each field of action the
 * monitoring covers with its goals, charts, data tables and footnotes, the fields not yet covered,
 * and an appendix (further definitions, provenance of the values, gaps). The live, the frozen and
 * the public report all render through here, so they print alike; `@page` rules give paper its
 * running heads and page numbers.
 */
export function ReportDocument({
  report,
  info,
  banner,
  actions,
  meta,
  editTexts = false,
  onTextSaved,
  internalLinks = true,
  showGaps = true,
  publicStatus,
  explain,
  busy = false,
}: {
  report: Report;
  info: DocumentInfo;
  banner?: ReactNode;
  actions?: ReactNode;
  meta?: ReactNode;
  editTexts?: boolean;
  onTextSaved?: () => void;
  internalLinks?: boolean;
  showGaps?: boolean;
  publicStatus?: Map<string, PublicStatus>;
  /** Plain-language sentences beside each indicator (the public pages). */
  explain?: (ind: ReportIndicator) => string[];
  busy?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const printing = usePrinting();
  const footnote = new Map(report.definitions.map((d, i) => [d.id, i + 1]));
  const span =
    report.fromPeriod || report.toPeriod
      ? t('report.span', { from: report.fromPeriod ?? '…', to: report.toPeriod ?? '…' })
      : t('report.allPeriods');
  const covered = report.fields.filter((f) => f.inMonitoringScope);
  const uncovered = report.fields.filter((f) => !f.inMonitoringScope);
  const cited = new Set(
    covered.flatMap((f) => f.goals.flatMap((g) => g.indicators.flatMap((i) => i.series.map((p) => p.definitionId)))),
  );
  const further = report.definitions.filter((d) => !cited.has(d.id));
  const withValues = covered.flatMap((f) =>
    f.goals.flatMap((g) => g.indicators.filter((i) => i.series.length > 0).map((i) => ({ goal: g, ind: i }))),
  );
  const date = formatDate(info.date, lang);
  const head = [report.city, info.title].filter(Boolean).join(' · ');
  const tail = [info.number != null ? t('report.doc.number', { number: info.number }) : null, date]
    .filter(Boolean)
    .join(' · ');
  const pageCss = `@page { @top-left { content: ${cssString(head)}; } @top-right { content: ${cssString(tail)}; }
  @bottom-center { content: ${cssString(t('report.doc.page'))} " " counter(page) " " ${cssString(t('report.doc.of'))} " " counter(pages); } }
@page :first { @top-left { content: none; } @top-right { content: none; } @bottom-center { content: none; } }`;
  let appendix = 0;
  const letter = () => String.fromCharCode(65 + appendix++);
  const furtherLetter = further.length > 0 ? letter() : null;
  const provenanceLetter = withValues.length > 0 ? letter() : null;
  const gapsLetter = showGaps ? letter() : null;

  return (
    <article className="report report-document" aria-labelledby="report-heading" aria-busy={busy}>
      <style>{pageCss}</style>
      <header className="report-title-page print-only">
        {report.city && <p className="report-title-city">{report.city}</p>}
        <p className="report-title-main">{info.title}</p>
        <p className="report-title-edition">
          {report.leitbildTitle} ({report.leitbildYear})
        </p>
        <dl className="report-title-facts">
          <dt>{t('report.doc.period')}</dt>
          <dd>
            {report.fromPeriod || report.toPeriod
              ? t('report.doc.spanValue', { from: report.fromPeriod ?? '…', to: report.toPeriod ?? '…' })
              : t('report.allPeriods')}
          </dd>
          {info.number != null && (
            <>
              <dt>{t('report.doc.numberLabel')}</dt>
              <dd>{info.number}</dd>
            </>
          )}
          <dt>{t('report.doc.date')}</dt>
          <dd>{date}</dd>
        </dl>
      </header>
      <div className="report-screen-head">
        {banner}
        <h2 id="report-heading">
          {report.leitbildTitle} ({report.leitbildYear})
        </h2>
        <p className="report-meta">
          {span} · {t('report.generated', { date: formatDateTime(report.generatedAt, lang) })}
        </p>
        {meta}
        {actions && <div className="report-actions no-print">{actions}</div>}
      </div>

      <nav className="report-toc" aria-labelledby="toc-heading">
        <h2 id="toc-heading">{t('report.doc.contents')}</h2>
        <ol>
          <li>
            <a href="#report-summary">1 {t('report.doc.summary')}</a>
          </li>
          {covered.map((f, i) => (
            <li key={f.id}>
              <a href={`#field-${f.id}`}>
                {i + 2} {f.title}
              </a>
            </li>
          ))}
          {uncovered.length > 0 && (
            <li>
              <a href="#report-uncovered">
                {covered.length + 2} {t('report.doc.uncovered')}
              </a>
            </li>
          )}
          {furtherLetter && (
            <li>
              <a href="#report-definitions">
                {t('report.doc.appendix', { letter: furtherLetter })} {t('report.doc.furtherDefinitions')}
              </a>
            </li>
          )}
          {provenanceLetter && (
            <li className="print-only-block">
              <a href="#report-provenance">
                {t('report.doc.appendix', { letter: provenanceLetter })} {t('report.doc.provenance')}
              </a>
            </li>
          )}
          {gapsLetter && (
            <li>
              <a href="#gaps-heading">
                {t('report.doc.appendix', { letter: gapsLetter })} {t('report.gaps')}
              </a>
            </li>
          )}
        </ol>
      </nav>

      <Summary report={report} />

      {covered.map((field, i) => (
        <FieldSection
          key={field.id}
          number={i + 2}
          field={field}
          footnote={footnote}
          definitions={report.definitions}
          editTexts={editTexts}
          onTextSaved={onTextSaved}
          internalLinks={internalLinks}
          publicStatus={publicStatus}
          explain={explain}
        />
      ))}

      {uncovered.length > 0 && (
        <section id="report-uncovered" className="report-uncovered" aria-labelledby="uncovered-heading">
          <h2 id="uncovered-heading">
            {covered.length + 2} {t('report.doc.uncovered')}
          </h2>
          <p>{t('report.doc.uncoveredIntro')}</p>
          <ul>
            {uncovered.map((f) => (
              <li key={f.id}>
                <strong>{f.title}</strong>
                {f.goals.length > 0 && <>: {f.goals.map((g) => g.title).join('; ')}</>}
              </li>
            ))}
          </ul>
        </section>
      )}

      {furtherLetter && (
        <section id="report-definitions" className="report-definitions report-appendix" aria-labelledby="definitions-heading">
          <h2 id="definitions-heading">
            {t('report.doc.appendix', { letter: furtherLetter })} {t('report.doc.furtherDefinitions')}
          </h2>
          <p>{t('report.doc.furtherDefinitionsIntro')}</p>
          <ol>
            {further.map((d) => (
              <li key={d.id} value={footnote.get(d.id)} id={`def-${d.id}`}>
                <Definition d={d} />
              </li>
            ))}
          </ol>
        </section>
      )}

      {provenanceLetter && (
        <section id="report-provenance" className="report-provenance report-appendix print-only" aria-labelledby="provenance-heading">
          <h2 id="provenance-heading">
            {t('report.doc.appendix', { letter: provenanceLetter })} {t('report.doc.provenance')}
          </h2>
          {printing &&
            withValues.map(({ goal, ind }) => (
              <ProvenanceTable key={`${goal.id}-${ind.id}`} ind={ind} footnote={footnote} internalLinks={false} dateOnly />
            ))}
        </section>
      )}

      {gapsLetter && (
        <section className="report-gaps report-appendix" aria-labelledby="gaps-heading">
          <h2 id="gaps-heading">
            <span className="print-only-inline">{t('report.doc.appendix', { letter: gapsLetter })} </span>
            {t('report.gaps')}
          </h2>
          {report.monitoringScope.length > 0 && (
            <p>{t('report.doc.gapsScope', { count: report.summary.fieldsCovered, total: report.summary.fieldsTotal })}</p>
          )}
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
    </article>
  );
}

/** A definition with its source, as a footnote or in the appendix. */
function Definition({ d }: { d: Report['definitions'][number] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <>
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
    </>
  );
}

/** One page: what the monitoring covers, goals by status overall and by field, and the coordinators' texts. */
function Summary({ report }: { report: Report }) {
  const { t } = useTranslation();
  const s = report.summary;
  const texts = report.fields.filter((f) => f.inMonitoringScope && f.text);
  return (
    <section id="report-summary" className="report-summary" aria-labelledby="summary-heading">
      <h2 id="summary-heading">1 {t('report.doc.summary')}</h2>
      <p>
        {report.monitoringScope.length > 0
          ? t('report.doc.scopeSome', { count: s.fieldsCovered, total: s.fieldsTotal })
          : t('report.doc.scopeAll', { count: s.fieldsTotal })}{' '}
        {t('report.doc.goalsCounted', { count: s.counts.goals })}
      </p>
      <ul className="report-summary-counts">
        {COUNT_COLUMNS.map((c) => (
          <li key={c}>
            <span className="report-summary-count">{countOf(s.counts, c)}</span> {t(`report.doc.column.${c}`)}
          </li>
        ))}
      </ul>
      <div className="table-wrap" tabIndex={0} role="region" aria-label={t('report.doc.byField')}>
        <table className="report-summary-table">
          <caption>{t('report.doc.byField')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('report.doc.field')}</th>
              {COUNT_COLUMNS.map((c) => (
                <th scope="col" key={c}>
                  {t(`report.doc.column.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {s.byField
              .filter((f) => f.inMonitoringScope)
              .map((f) => (
                <tr key={f.fieldOfActionId}>
                  <th scope="row">{f.title}</th>
                  {COUNT_COLUMNS.map((c) => (
                    <td key={c}>{countOf(f.counts, c)}</td>
                  ))}
                </tr>
              ))}
          </tbody>
        </table>
      </div>
      {texts.length > 0 && (
        <div className="report-summary-texts">
          <h3>{t('report.doc.texts')}</h3>
          {texts.map((f) => (
            <div key={f.id} className="report-summary-text">
              <h4>{f.title}</h4>
              <Paragraphs text={f.text ?? ''} />
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

function FieldSection({
  number,
  field,
  footnote,
  definitions,
  editTexts,
  onTextSaved,
  internalLinks,
  publicStatus,
  explain,
}: {
  number: number;
  field: Report['fields'][number];
  footnote: Map<string, number>;
  definitions: Report['definitions'];
  editTexts: boolean;
  onTextSaved?: () => void;
  internalLinks: boolean;
  publicStatus?: Map<string, PublicStatus>;
  explain?: (ind: ReportIndicator) => string[];
}) {
  const { t } = useTranslation();
  const used = new Set(field.goals.flatMap((g) => g.indicators.flatMap((i) => i.series.map((p) => p.definitionId))));
  const notes = definitions.filter((d) => used.has(d.id));
  const noteId = (id: string) => `def-${field.id}-${id}`;
  return (
    <section id={`field-${field.id}`} className="report-field" aria-labelledby={`field-h-${field.id}`}>
      <h2 id={`field-h-${field.id}`}>
        <span className="report-field-number" aria-hidden="true">
          {number}{' '}
        </span>
        {field.title}
      </h2>
      {field.description && <p>{field.description}</p>}
      {editTexts && (
        <div className="no-print">
          <FieldText
            key={field.id}
            fieldId={field.id}
            fieldTitle={field.title}
            text={field.text}
            version={field.textVersion}
            editable={editTexts}
            onSaved={onTextSaved}
          />
        </div>
      )}
      {field.goals.length === 0 && <p>{t('report.noGoals')}</p>}
      {field.goals.map((goal) => (
        <GoalBlock
          key={goal.id}
          goal={goal}
          footnote={footnote}
          noteId={noteId}
          internalLinks={internalLinks}
          publicStatus={publicStatus}
          explain={explain}
        />
      ))}
      {notes.length > 0 && (
        <aside className="report-footnotes" aria-label={t('report.doc.footnotes', { field: field.title })}>
          <ol>
            {notes.map((d) => (
              <li key={d.id} value={footnote.get(d.id)} id={noteId(d.id)}>
                <Definition d={d} />
              </li>
            ))}
          </ol>
        </aside>
      )}
    </section>
  );
}

function GoalBlock({
  goal,
  footnote,
  noteId,
  internalLinks,
  publicStatus,
  explain,
}: {
  goal: ReportGoal;
  footnote: Map<string, number>;
  noteId: (definitionId: string) => string;
  internalLinks: boolean;
  publicStatus?: Map<string, PublicStatus>;
  explain?: (ind: ReportIndicator) => string[];
}) {
  const { t, i18n } = useTranslation();
  return (
    <section className="report-goal" aria-labelledby={`goal-${goal.id}`}>
      <h3 id={`goal-${goal.id}`}>{goal.title}</h3>
      <p>
        {t('report.goalStatus')}: <StatusBadge status={goal.status} />
      </p>
      {explain && <p className="report-explain-goal">{explainGoal(goal, i18n.language)}</p>}
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
          noteId={noteId}
          internalLinks={internalLinks}
          publicStatus={publicStatus?.get(ind.id)}
          explain={explain}
        />
      ))}
    </section>
  );
}

function IndicatorBlock({
  anchor,
  ind,
  footnote,
  noteId,
  internalLinks,
  publicStatus,
  explain,
}: {
  anchor: string;
  ind: ReportIndicator;
  footnote: Map<string, number>;
  noteId: (definitionId: string) => string;
  internalLinks: boolean;
  publicStatus?: PublicStatus;
  explain?: (ind: ReportIndicator) => string[];
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
            <a href={`#${noteId(id)}`} aria-label={t('report.footnote', { n: footnote.get(id) })}>
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
      {explain && (
        <div className="report-explain" role="note" aria-label={t('report.explain.label', { name })}>
          {explain(ind).map((sentence, i) => (
            <p key={i}>{sentence}</p>
          ))}
        </div>
      )}
      <SeriesChart
        series={{ unit: ind.unit, targetValue: ind.targetValue, targetDirection: ind.targetDirection, points: ind.series }}
        name={name}
        references={ind.references}
      />
      {ind.formula && <ComputedTrace ind={ind} internalLinks={internalLinks} />}
      {ind.series.length > 0 && <Vintages ind={ind} footnote={footnote} noteId={noteId} internalLinks={internalLinks} />}
      {ind.suppressedPeriods.length > 0 && (
        <p className="district-map-note">
          {t('map.hiddenPeriods', { periods: ind.suppressedPeriods.join(', ') })} {ind.suppressionNote}
        </p>
      )}
      {districtPeriods(ind.series).length > 0 && (
        <ChoroplethMap name={name} unit={ind.unit} periods={districtPeriods(ind.series)} note={ind.suppressionNote} />
      )}
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

/** On screen: the provenance of the values behind a disclosure (paper has them in the appendix). */
function Vintages({
  ind,
  footnote,
  noteId,
  internalLinks,
}: {
  ind: ReportIndicator;
  footnote: Map<string, number>;
  noteId: (definitionId: string) => string;
  internalLinks: boolean;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    // The table mounts when opened: a report of 200 indicators would otherwise build 2,000 hidden rows.
    <details className="report-vintage no-print" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t('report.vintage.summary')}</summary>
      {open && <ProvenanceTable ind={ind} footnote={footnote} noteId={noteId} internalLinks={internalLinks} />}
    </details>
  );
}

/** Who delivered each value and when, who accepted it, and which definition it follows. */
function ProvenanceTable({
  ind,
  footnote,
  noteId,
  internalLinks,
  dateOnly = false,
}: {
  ind: ReportIndicator;
  footnote: Map<string, number>;
  noteId?: (definitionId: string) => string;
  internalLinks: boolean;
  /** Paper: dates without the time, so that the table fits the page's width. */
  dateOnly?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const when = (at: string) => (dateOnly ? formatDate(at, lang) : formatDateTime(at, lang));
  const lang = i18n.language;
  const dash = '–';
  const caption = t('report.vintage.table', { name: `${ind.code} ${ind.name}` });
  return (
    <div className="table-wrap report-provenance-table" tabIndex={0} role="region" aria-label={caption}>
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
                    noteId ? (
                      <a href={`#${noteId(p.definitionId)}`}>{t('report.footnote', { n })}</a>
                    ) : (
                      t('report.footnote', { n })
                    )
                  ) : (
                    dash
                  )}
                </td>
                <td>{p.deliveredBy || dash}</td>
                <td>{p.deliveredAt ? when(p.deliveredAt) : dash}</td>
                <td>{p.acceptedBy || dash}</td>
                <td>{p.acceptedAt ? when(p.acceptedAt) : dash}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

import { useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage';
import { SelectField, TextInput } from '../../components/fields';
import { Loading } from '../../components/Notice';
import { PageHeading } from '../../components/PageHeading';
import type { GoalStatus, MonitoringReportQuery as ReportData } from '../../gql/graphql';
import { formText } from '../../lib/form';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useQuery } from '../../lib/hooks';
import { SeriesChart } from '../indicators/SeriesChart';
import { MonitoringReportQuery, ReportEditionsQuery } from './operations';
import '../indicators/indicators.css';
import './report.css';

type Report = ReportData['monitoringReport'];
type ReportIndicator = Report['fields'][number]['goals'][number]['indicators'][number];

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

/** The query string of the download links: `?from=2023&to=2025`, empty parts left out. */
export function periodQuery(from: string, to: string): string {
  const params = new URLSearchParams();
  if (from) params.set('from', from);
  if (to) params.set('to', to);
  const s = params.toString();
  return s ? `?${s}` : '';
}

interface Choice {
  leitbildId: string;
  from: string;
  to: string;
}

export function ReportPage() {
  const { t } = useTranslation();
  const editions = useQuery(ReportEditionsQuery);
  const [choice, setChoice] = useState<Choice | null>(null);
  const list = editions.data?.leitbilder ?? [];
  const adopted = list.find((l) => l.status === 'ADOPTED') ?? list[0];
  const current: Choice | null = choice ?? (adopted ? { leitbildId: adopted.id, from: '', to: '' } : null);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const leitbildId = formText(data, 'leitbild') || current?.leitbildId || '';
    if (!leitbildId) return;
    setChoice({ leitbildId, from: formText(data, 'from'), to: formText(data, 'to') });
  }

  return (
    <>
      <PageHeading title={t('report.title')} />
      <p className="no-print">{t('report.intro')}</p>
      {editions.loading && !editions.data && <Loading />}
      <ErrorMessage error={editions.error} />
      {editions.data && list.length === 0 && <p>{t('report.noEditions')}</p>}
      {current && (
        <Form className="report-form no-print" onSubmit={onSubmit} aria-label={t('report.choose')}>
          <SelectField
            label={t('report.edition')}
            name="leitbild"
            defaultValue={current.leitbildId}
            options={list.map((l) => ({ id: l.id, label: `${l.title} (${l.year}, ${t(`report.editionStatus.${l.status}`)})` }))}
          />
          <TextInput label={t('report.from')} name="from" defaultValue={current.from} description={t('report.periodHint')} />
          <TextInput label={t('report.to')} name="to" defaultValue={current.to} />
          <Button type="submit" className="btn">
            {t('report.show')}
          </Button>
        </Form>
      )}
      {current && <ReportView choice={current} />}
    </>
  );
}

function ReportView({ choice }: { choice: Choice }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const q = useQuery(MonitoringReportQuery, {
    leitbildId: choice.leitbildId,
    fromPeriod: choice.from || null,
    toPeriod: choice.to || null,
  });
  const report = q.data?.monitoringReport;
  if (!report) {
    return (
      <>
        {q.loading && <Loading />}
        <ErrorMessage error={q.error} />
      </>
    );
  }
  const footnote = new Map(report.definitions.map((d, i) => [d.id, i + 1]));
  const query = periodQuery(choice.from, choice.to);
  const base = `/api/reports/${encodeURIComponent(report.leitbildId)}/monitoring`;
  const span =
    report.fromPeriod || report.toPeriod
      ? t('report.span', { from: report.fromPeriod ?? '…', to: report.toPeriod ?? '…' })
      : t('report.allPeriods');

  return (
    <article className="report" aria-labelledby="report-heading" aria-busy={q.loading}>
      <h2 id="report-heading">
        {report.leitbildTitle} ({report.leitbildYear})
      </h2>
      <p className="report-meta">
        {span} · {t('report.generated', { date: formatDateTime(report.generatedAt, lang) })}
      </p>
      <div className="report-actions no-print">
        <a className="btn btn-quiet" href={`${base}.csv${query}`} download>
          {t('report.downloadCsv')}
        </a>
        <a className="btn btn-quiet" href={`${base}.xlsx${query}`} download>
          {t('report.downloadXlsx')}
        </a>
        <Button className="btn" onPress={() => window.print()}>
          {t('report.print')}
        </Button>
      </div>

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

      {report.fields.map((field) => (
        <section key={field.id} className="report-field" aria-labelledby={`field-${field.id}`}>
          <h2 id={`field-${field.id}`}>{field.title}</h2>
          {field.description && <p>{field.description}</p>}
          {field.goals.length === 0 && <p>{t('report.noGoals')}</p>}
          {field.goals.map((goal) => (
            <section key={goal.id} className="report-goal" aria-labelledby={`goal-${goal.id}`}>
              <h3 id={`goal-${goal.id}`}>{goal.title}</h3>
              <p>
                {t('report.goalStatus')}: <StatusBadge status={goal.status} />
              </p>
              {goal.description && <p>{goal.description}</p>}
              {goal.indicators.length === 0 && <p>{t('report.noIndicators')}</p>}
              {goal.indicators.map((ind) => (
                <IndicatorBlock key={ind.id} ind={ind} footnote={footnote} />
              ))}
            </section>
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
                {d.text}
                {(d.sourcePublisher || d.sourceStatistic || d.sourceLink) && (
                  <>
                    {' '}
                    ({t('report.source')}:{' '}
                    {[d.sourcePublisher, d.sourceStatistic, d.sourceDate].filter(Boolean).join(', ')}
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

function IndicatorBlock({ ind, footnote }: { ind: ReportIndicator; footnote: Map<string, number> }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const used = [...new Set(ind.series.map((p) => p.definitionId).filter((x): x is string => !!x))]
    .filter((id) => footnote.has(id))
    .sort((a, b) => (footnote.get(a) ?? 0) - (footnote.get(b) ?? 0));
  const name = `${ind.code} ${ind.name}`;
  return (
    <div className="report-indicator">
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
      <dl className="report-facts">
        <dt>{t('report.indicatorStatus')}</dt>
        <dd>
          <StatusBadge status={ind.status} />
        </dd>
        <dt>{t('report.latest')}</dt>
        <dd>{ind.latestValue != null ? `${formatNumber(ind.latestValue, lang)} ${ind.unit}` : '–'}</dd>
        <dt>{t('report.trend')}</dt>
        <dd>
          {ind.trendPerYear != null
            ? `${ind.trendPerYear > 0 ? '+' : ''}${formatNumber(ind.trendPerYear, lang)} ${ind.unit}`
            : '–'}
        </dd>
        <dt>{t('report.target')}</dt>
        <dd>
          {ind.targetValue != null
            ? `${formatNumber(ind.targetValue, lang)} ${ind.unit}${ind.targetDirection ? ` (${t(`report.direction.${ind.targetDirection}`)})` : ''}`
            : '–'}
        </dd>
        <dt>{t('report.owner')}</dt>
        <dd>{ind.ownerName ?? t('report.noOwner')}</dd>
        {ind.terms.length > 0 && (
          <>
            <dt>{t('report.terms')}</dt>
            <dd>
              {ind.terms
                .map((x) => (x.agreed ? x.label : `${x.label} (${t('report.notAgreed')})`))
                .join(', ')}
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
    </div>
  );
}

import type { ReactNode } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, useParams } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PublicLayout } from '../../components/Layout';
import { Loading } from '../../components/Notice';
import { PageHeading } from '../../components/PageHeading';
import { RequestError } from '../../lib/client';
import { formatDate } from '../../lib/format';
import { useQuery } from '../../lib/hooks';
import { ReportActions } from '../report/ReportActions';
import { ReportDocument, type PublicStatus } from '../report/ReportDocument';
import { spanText } from '../report/FrozenReportsPage';
import { explainIndicator } from '../report/plainLanguage';
import { PublicEditionQuery, PublicGlossaryQuery, PublicOverviewQuery, PublicReportQuery } from './operations';
import './public.css';

/** The frame of the pages anyone may read without login. */
function PublicFrame({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <PublicLayout>
      <nav className="public-nav no-print" aria-label={t('public.nav.label')}>
        <ul>
          <li>
            <NavLink to="/oeffentlich" end>
              {t('public.nav.overview')}
            </NavLink>
          </li>
          <li>
            <NavLink to="/oeffentlich/glossar">{t('public.nav.glossary')}</NavLink>
          </li>
          <li>
            <Link to="/login">{t('public.nav.login')}</Link>
          </li>
        </ul>
      </nav>
      {children}
    </PublicLayout>
  );
}

/** NOT_FOUND from a public query means: not (or no longer) published. */
function NotPublished({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (error instanceof RequestError && error.hasCode('NOT_FOUND')) {
    return (
      <div className="notice" role="note">
        <p>{t('public.notPublished')}</p>
        <p>
          <Link to="/oeffentlich">{t('public.backToOverview')}</Link>
        </p>
      </div>
    );
  }
  return <ErrorMessage error={error} />;
}

export function PublicOverviewPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const q = useQuery(PublicOverviewQuery);
  const o = q.data?.publicOverview;
  return (
    <PublicFrame>
      <PageHeading title={t('public.title')} />
      <p>{t('public.intro')}</p>
      {q.loading && !o && <Loading />}
      <ErrorMessage error={q.error} />
      {o && (
        <>
          <section aria-labelledby="public-editions">
            <h2 id="public-editions">{t('public.editions')}</h2>
            {o.editions.length === 0 ? (
              <p>{t('public.noEditions')}</p>
            ) : (
              <ul className="public-list">
                {o.editions.map((e) => (
                  <li key={e.id}>
                    <Link to={`/oeffentlich/leitbild/${e.id}`}>
                      {e.title} ({e.year})
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="public-reports">
            <h2 id="public-reports">{t('public.reports')}</h2>
            {o.reports.length === 0 ? (
              <p>{t('public.noReports')}</p>
            ) : (
              <ul className="public-list">
                {o.reports.map((r) => (
                  <li key={r.id}>
                    <Link to={`/oeffentlich/bericht/${r.id}`}>
                      {t('public.reportLink', { number: r.number, title: r.title })}
                    </Link>{' '}
                    ({spanText(t, r.fromPeriod, r.toPeriod)}, {t('public.frozenAt', { date: formatDate(r.frozenAt, lang) })})
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="public-glossary">
            <h2 id="public-glossary">{t('public.glossary')}</h2>
            {o.glossaryPublished ? (
              <ul className="public-list">
                <li>
                  <Link to="/oeffentlich/glossar">{t('public.glossaryLink')}</Link>
                </li>
                <li>
                  <a href="/glossary.ttl">{t('public.skosLink')}</a>
                </li>
              </ul>
            ) : (
              <p>{t('public.noGlossary')}</p>
            )}
          </section>
        </>
      )}
    </PublicFrame>
  );
}

export function PublicEditionPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const q = useQuery(PublicEditionQuery, { id });
  const edition = q.data?.publicEdition;
  const status = new Map<string, PublicStatus>((edition?.indicatorStatus ?? []).map((s) => [s.indicatorId, s]));
  return (
    <PublicFrame>
      <PageHeading title={edition ? edition.report.leitbildTitle : t('public.editionTitle')} />
      {q.loading && !edition && <Loading />}
      {!edition && <NotPublished error={q.error} />}
      {edition && (
        <>
          <p>{t('public.editionIntro')}</p>
          <ReportDocument
            report={edition.report}
            info={{ title: t('public.editionDocTitle'), date: edition.report.generatedAt }}
            busy={q.loading}
            showGaps={false}
            internalLinks={false}
            publicStatus={status}
            explain={(ind) => explainIndicator(ind, i18n.language)}
            actions={
              <Button className="btn" onPress={() => window.print()}>
                {t('report.print')}
              </Button>
            }
          />
        </>
      )}
    </PublicFrame>
  );
}

export function PublicReportPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const q = useQuery(PublicReportQuery, { id });
  const fr = q.data?.publicReport;
  const base = `/api/reports/frozen/${encodeURIComponent(id)}/bericht`;
  return (
    <PublicFrame>
      <PageHeading title={fr ? t('public.reportLink', { number: fr.number, title: fr.title }) : t('public.reportTitle')} />
      {q.loading && !fr && <Loading />}
      {!fr && <NotPublished error={q.error} />}
      {fr && (
        <ReportDocument
          report={fr.report}
          info={{ title: fr.title, number: fr.number, date: fr.frozenAt }}
          busy={q.loading}
          showGaps={false}
          internalLinks={false}
          explain={(ind) => explainIndicator(ind, lang)}
          banner={
            <div className="report-frozen-banner" role="note" aria-label={t('public.reportAbout')}>
              <p>
                <strong>{t('public.reportBanner', { number: fr.number, date: formatDate(fr.frozenAt, lang) })}</strong>
                {' – '}
                {fr.title}
              </p>
              <p>{spanText(t, fr.fromPeriod, fr.toPeriod)}</p>
              <p>{t('public.reportPinned', { date: formatDate(fr.frozenAt, lang) })}</p>
            </div>
          }
          actions={
            <ReportActions base={base} />
          }
        />
      )}
    </PublicFrame>
  );
}

export function PublicGlossaryPage() {
  const { t } = useTranslation();
  const q = useQuery(PublicGlossaryQuery);
  const terms = q.data?.publicGlossary;
  const labelOf = new Map((terms ?? []).map((x) => [x.id, x.label]));
  return (
    <PublicFrame>
      <PageHeading title={t('public.glossaryTitle')} />
      {q.loading && !terms && <Loading />}
      {!terms && <NotPublished error={q.error} />}
      {terms && (
        <>
          <p>{t('public.glossaryIntro')}</p>
          <p>
            <a href="/glossary.ttl">{t('public.skosLink')}</a>
          </p>
          {terms.length === 0 && <p>{t('public.noTerms')}</p>}
          <dl className="public-glossary">
            {terms.map((term) => (
              <div key={term.id} id={`term-${term.id}`} className="public-term">
                <dt>
                  <strong>{term.label}</strong>
                  {term.synonyms.length > 0 && (
                    <span> ({t('public.synonyms')}: {term.synonyms.join(', ')})</span>
                  )}
                </dt>
                <dd>
                  <p>{term.definition ?? t('public.noDefinition')}</p>
                  {(term.sourcePublisher || term.sourceStatistic || term.sourceLink) && (
                    <p>
                      {t('report.source')}: {[term.sourcePublisher, term.sourceStatistic].filter(Boolean).join(', ')}
                      {term.sourceLink && (
                        <>
                          {' '}
                          <a href={term.sourceLink}>{term.sourceLink}</a>
                        </>
                      )}
                    </p>
                  )}
                  {term.related.some((r) => labelOf.has(r)) && (
                    <p>
                      {t('public.related')}:{' '}
                      {term.related
                        .filter((r) => labelOf.has(r))
                        .map((r, i) => (
                          <span key={r}>
                            {i > 0 && ', '}
                            <a href={`#term-${r}`}>{labelOf.get(r)}</a>
                          </span>
                        ))}
                    </p>
                  )}
                </dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </PublicFrame>
  );
}

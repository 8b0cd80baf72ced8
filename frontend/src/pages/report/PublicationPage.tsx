import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading, NotAvailable } from '../../components/Notice';
import { PageHeading } from '../../components/PageHeading';
import type { PublicationKind } from '../../gql/graphql';
import { formatDateTime } from '../../lib/format';
import { useMutation, useQuery } from '../../lib/hooks';
import { canCoordinate, useUser } from '../../session/context';
import { PublicationStateQuery, SetPublishedMutation } from './operations';
import { ReportNav } from './ReportNav';
import './report.css';
import { ConfirmDialog } from '../../components/ConfirmDialog';

/** What coordinators publish for reading without login: editions, the glossary, frozen reports. */
export function PublicationPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const user = useUser();
  const q = useQuery(PublicationStateQuery);
  const publish = useMutation(SetPublishedMutation);
  const [announcement, setAnnouncement] = useState('');
  // Publishing (and withdrawing) changes what anyone can read without login: asked first.
  const [asking, setAsking] = useState<{ kind: PublicationKind; id: string; published: boolean; label: string } | null>(
    null,
  );
  if (!canCoordinate(user)) {
    return (
      <>
        <PageHeading title={t('report.publication.title')} />
        <NotAvailable />
      </>
    );
  }
  const data = q.data;
  const publishedEditions = new Set(data?.publicOverview.editions.map((e) => e.id));

  async function toggle(kind: PublicationKind, targetId: string, published: boolean, label: string) {
    setAnnouncement('');
    const r = await publish.run({ kind, targetId, published });
    if (r != null) {
      setAnnouncement(
        published ? t('report.publication.nowPublished', { label }) : t('report.publication.nowWithdrawn', { label }),
      );
      q.refetch();
    }
  }

  function row(kind: PublicationKind, id: string, label: string, published: boolean, publicPath: string) {
    return (
      <tr key={id}>
        <th scope="row">{label}</th>
        <td>
          <span aria-hidden="true">{published ? '● ' : '○ '}</span>
          {published ? t('report.publication.published') : t('report.publication.notPublished')}
          {published && (
            <>
              {' · '}
              <Link to={publicPath}>{t('report.publication.publicPage')}</Link>
            </>
          )}
        </td>
        <td>
          <Button
            className="btn btn-secondary"
            onPress={() => setAsking({ kind, id, published: !published, label })}
            isDisabled={publish.pending}
            aria-label={
              published
                ? t('report.publication.withdrawLabel', { label })
                : t('report.publication.publishLabel', { label })
            }
          >
            {published ? t('report.publication.withdraw') : t('report.publication.publish')}
          </Button>
        </td>
      </tr>
    );
  }

  const adopted = (data?.leitbilder ?? []).filter((l) => l.status === 'ADOPTED');
  return (
    <>
      <PageHeading title={t('report.publication.title')} />
      <ReportNav />
      <p>{t('report.publication.intro')}</p>
      <p>
        <Link to="/oeffentlich">{t('report.publication.publicOverview')}</Link>
      </p>
      {q.loading && !data && <Loading />}
      <ErrorMessage error={q.error} />
      <ErrorMessage error={publish.error} />
      <p role="status">{announcement}</p>
      <ConfirmDialog
        isOpen={asking !== null}
        title={
          asking?.published
            ? t('report.publication.confirmPublishTitle', { label: asking.label })
            : t('report.publication.confirmWithdrawTitle', { label: asking?.label ?? '' })
        }
        confirmLabel={asking?.published ? t('report.publication.publish') : t('report.publication.withdraw')}
        destructive={asking?.published === false}
        pending={publish.pending}
        onCancel={() => setAsking(null)}
        onConfirm={() => {
          const a = asking;
          if (!a) return;
          void toggle(a.kind, a.id, a.published, a.label).then(() => setAsking(null));
        }}
      >
        <p>{asking?.published ? t('report.publication.confirmPublishText') : t('report.publication.confirmWithdrawText')}</p>
      </ConfirmDialog>
      {data && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('report.publication.tableLabel')}>
          <table className="publication-table">
            <caption>{t('report.publication.tableLabel')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('report.publication.what')}</th>
                <th scope="col">{t('report.publication.state')}</th>
                <th scope="col">{t('report.publication.action')}</th>
              </tr>
            </thead>
            <tbody>
              {adopted.map((l) =>
                row(
                  'LEITBILD',
                  l.id,
                  t('report.publication.edition', { title: l.title, year: l.year }),
                  publishedEditions.has(l.id),
                  `/oeffentlich/leitbild/${l.id}`,
                ),
              )}
              {row(
                'GLOSSARY',
                data.glossary.id,
                t('report.publication.glossary'),
                data.publicOverview.glossaryPublished,
                '/oeffentlich/glossar',
              )}
              {data.frozenReports.map((r) =>
                row(
                  'REPORT',
                  r.id,
                  t('report.publication.report', {
                    number: r.number,
                    title: r.title,
                    date: formatDateTime(r.frozenAt, lang),
                  }),
                  r.published,
                  `/oeffentlich/bericht/${r.id}`,
                ),
              )}
            </tbody>
          </table>
        </div>
      )}
      {data && adopted.length === 0 && <p>{t('report.frozen.noAdopted')}</p>}
    </>
  );
}

import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Notice';
import { PageHeading } from '../../components/PageHeading';
import type { DeliveryStatus } from '../../gql/graphql';
import { formatDate } from '../../lib/format';
import { useQuery } from '../../lib/hooks';
import { paramsWith } from '../../lib/searchParams';
import { byName } from '../../lib/labels';
import { DeliveriesQuery } from './deliveriesOperations';
import { FilterSelect } from './FilterSelect';
import { DeliveryStatusBadge } from './IndicatorPage';
import '../glossary/glossary.css';
import './indicators.css';

const ANY = '__any__';
const STATUSES: DeliveryStatus[] = ['REQUESTED', 'RETURNED', 'DELIVERED', 'ACCEPTED'];
/** The server's cap on one list; more than this many would need narrower filters. */
const PAGE = 500;

/**
 * Every data delivery, at `/lieferungen`: by status and by department (the delivery's owner),
 * filtered on the server; the filters live in the URL (`?status=…&abteilung=…`).
 */
export function DeliveriesPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status');
  const status = STATUSES.find((s) => s === statusParam) ?? null;
  const owner = params.get('abteilung');
  const q = useQuery(DeliveriesQuery, { status, ownerId: owner, first: PAGE });

  function set(key: string, value: string) {
    setParams(paramsWith(key, value, ANY), { replace: true });
  }
  const orgs = [...(q.data?.organizations ?? [])].sort(byName(lang));
  const list = q.data?.deliveries ?? [];

  return (
    <>
      <PageHeading title={t('deliveries.title')} />
      <p className="lead">{t('deliveries.intro')}</p>
      <section aria-labelledby="deliveries-list">
        <h2 id="deliveries-list">{t('deliveries.list')}</h2>
        <div className="filter-grid">
          <FilterSelect
            label={t('deliveries.filterStatus')}
            value={status ?? ANY}
            onChange={(v) => set('status', v)}
            options={[
              { id: ANY, label: t('indicators.any') },
              ...STATUSES.map((s) => ({ id: s, label: t(`indicators.deliveryStatus.${s}`) })),
            ]}
          />
          <FilterSelect
            label={t('deliveries.filterDepartment')}
            value={owner ?? ANY}
            onChange={(v) => set('abteilung', v)}
            options={[{ id: ANY, label: t('indicators.any') }, ...orgs.map((o) => ({ id: o.id, label: o.name }))]}
          />
        </div>
        {q.loading && !q.data && <Loading />}
        <ErrorMessage error={q.error} />
        <p role="status" className="result-count">
          {q.data && !q.loading ? t('deliveries.count', { count: list.length }) : ''}
        </p>
        {list.length > 0 && (
          // A changed filter keeps the previous rows on screen until the new ones arrive.
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="deliveries-list" aria-busy={q.loading}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('deliveries.indicator')}</th>
                  <th scope="col">{t('indicators.period')}</th>
                  <th scope="col">{t('deliveries.department')}</th>
                  <th scope="col">{t('indicators.dueAt')}</th>
                  <th scope="col">{t('deliveries.status')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <Link to={`/lieferungen/${d.id}`}>
                        {d.indicator ? `${d.indicator.code} – ${d.indicator.name}` : d.period}
                      </Link>
                    </td>
                    <td>{d.period}</td>
                    <td>{d.owner?.name ?? '–'}</td>
                    <td>{formatDate(d.expectedAt ?? d.dueAt, lang)}</td>
                    <td>
                      <DeliveryStatusBadge status={d.status} overdue={d.overdue} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

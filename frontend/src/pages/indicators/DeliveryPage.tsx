import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { PageHeading } from '../../components/PageHeading';
import { QueryView } from '../../components/QueryView';
import type { DeliveryDetailQuery } from '../../gql/graphql';
import { formatDate, formatNumber } from '../../lib/format';
import { formatChange } from '../report/plainLanguage';
import { useQuery } from '../../lib/hooks';
import { canCoordinate, useUser } from '../../session/context';
import { ConfirmDeliveryForm } from './ConfirmDeliveryForm';
import { AcceptOrReturn, ConfirmedFacts } from './DeliveryReview';
import { DeliveryStatusBadge, termDefinitions } from './IndicatorPage';
import { DeliveryQuery } from './operations';
import '../glossary/glossary.css';
import './indicators.css';

type Delivery = NonNullable<DeliveryDetailQuery['delivery']>;

/**
 * One delivery, at `/lieferungen/<id>` (calendar feed, return mail), for people logged in; the
 * signed link of a reminder mail (`/lieferungen/<id>/bestaetigen?token=…`) is SignedLinkPage.
 */
export function DeliveryPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const q = useQuery(DeliveryQuery, { id });
  return (
    <QueryView
      query={q}
      select={(data) => data.delivery}
      heading={(d) =>
        d ? (
          <>
            {d.indicator && (
              <p className="breadcrumb">
                <Link to={`/indikatoren/${d.indicator.id}`}>
                  {d.indicator.code} – {d.indicator.name}
                </Link>
              </p>
            )}
            <PageHeading title={t('indicators.deliveryTitle', { period: d.period, name: d.indicator?.name ?? '' })} />
          </>
        ) : (
          <PageHeading title={t('indicators.delivery')} />
        )
      }
      notFound={
        <>
          <PageHeading title={t('indicators.deliveryNotFound')} />
          <Link to="/indikatoren">{t('indicators.back')}</Link>
        </>
      }
    >
      {(d, data) => <DeliveryDetails d={d} me={data.me} onChanged={q.refetch} />}
    </QueryView>
  );
}

function DeliveryDetails({ d, me, onChanged }: { d: Delivery; me: DeliveryDetailQuery['me']; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const user = useUser();
  const terms = termDefinitions(d.indicator?.terms ?? []);
  const [confirmed, setConfirmed] = useState(false);
  const myOrgs = new Set(me?.organizations.map((o) => o.id) ?? []);
  const canConfirm = canCoordinate(user) || (!!d.owner && myOrgs.has(d.owner.id));
  const open = d.status === 'REQUESTED' || d.status === 'RETURNED';
  const change = changeSincePrevious(d, lang);

  return (
    <>
      <p>
        <DeliveryStatusBadge status={d.status} overdue={d.overdue} />
      </p>
      <dl className="facts">
        <dt>{t('indicators.owner')}</dt>
        <dd>{d.owner?.name ?? '–'}</dd>
        <dt>{t('indicators.dueAt')}</dt>
        <dd>{formatDate(d.expectedAt ?? d.dueAt, lang)}</dd>
        {d.value != null && (
          <>
            <dt>{t('indicators.value')}</dt>
            <dd>
              {formatNumber(d.value, lang)} {d.indicator?.unit}
            </dd>
          </>
        )}
        {change && (
          <>
            <dt>{t('indicators.changeSince', { period: change.period })}</dt>
            <dd>{change.text}</dd>
          </>
        )}
        {d.returnReason && (
          <>
            <dt>{t('indicators.returnReason')}</dt>
            <dd>{d.returnReason}</dd>
          </>
        )}
        <ConfirmedFacts d={d} />
      </dl>
      {d.status === 'DELIVERED' && canCoordinate(user) && (
        <section aria-labelledby="delivery-review">
          <h2 id="delivery-review">{t('indicators.reviewTitle')}</h2>
          <AcceptOrReturn d={d} onChanged={onChanged} />
        </section>
      )}
      {confirmed && (
        <p role="status" className="alert alert-success">
          {t('indicators.confirmedThanks')}
        </p>
      )}
      {open && canConfirm && (
        <section aria-labelledby="delivery-confirm">
          <h2 id="delivery-confirm">{t('indicators.confirmTitle', { period: d.period })}</h2>
          <ConfirmDeliveryForm
            deliveryId={d.id}
            version={d.version}
            unit={d.indicator?.unit ?? ''}
            definitions={terms.definitions}
            onDone={() => {
              setConfirmed(true);
              onChanged();
            }}
          />
        </section>
      )}
      {open && !canConfirm && <p>{t('indicators.notYourDelivery')}</p>}
    </>
  );
}

/**
 * The value against the accepted value of the period before, unless a series break lies between
 * them; rates change by percentage points.
 */
function changeSincePrevious(d: Delivery, lang: string): { period: string; text: string } | null {
  if (d.value == null || !d.indicator) return null;
  const points = d.indicator.timeSeries.points;
  const at = points.findIndex((p) => p.period === d.period);
  const before = at >= 0 ? points.slice(0, at) : points.filter((p) => p.period < d.period);
  const previous = before[before.length - 1];
  if (!previous) return null;
  const breakBetween = (at >= 0 && points[at]?.breakBefore) ?? false;
  if (breakBetween) return null;
  return { period: previous.period, text: formatChange(d.value - previous.value, d.indicator.unit, lang) };
}

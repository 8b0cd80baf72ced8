import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams, useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PublicLayout } from '../../components/Layout';
import { Loading } from '../../components/Notice';
import { PageHeading } from '../../components/PageHeading';
import { errorsOf } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { useQuery } from '../../lib/hooks';
import { useSession } from '../../session/context';
import { ConfirmDeliveryForm, type DefinitionOption, type LinkResult } from './ConfirmDeliveryForm';
import { DeliveryStatusBadge } from './IndicatorPage';
import { DeliveryLinkQuery } from './operations';
import './indicators.css';

/** The definitions a value may follow, agreed ones marked. */
export function linkDefinitionOptions(
  defs: { id: string; termLabel: string; text: string; agreed: boolean }[],
  agreedLabel: string,
): DefinitionOption[] {
  return defs.map((d) => {
    const text = d.text.length > 60 ? `${d.text.slice(0, 60)}…` : d.text;
    return { id: d.id, label: `${d.termLabel}${d.agreed ? ` (${agreedLabel})` : ''}: ${text}` };
  });
}

/**
 * `/lieferungen/<id>/bestaetigen?token=…`, the signed link of a reminder mail. Outside the login:
 * the token alone opens the delivery's facts and, where the city's policy needs no login
 * (`loginRequired` false), confirms this one delivery. Otherwise a visitor who is not logged in is
 * sent to the login and back here (with the token).
 */
export function SignedLinkPage() {
  return (
    <PublicLayout>
      <SignedLinkContent />
    </PublicLayout>
  );
}

function SignedLinkContent() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const location = useLocation();
  const token = params.get('token') ?? '';
  const { state: session } = useSession();
  const q = useQuery(DeliveryLinkQuery, { deliveryId: id, token });
  // After confirming, the answer of the mutation replaces the loaded state.
  const [confirmed, setConfirmed] = useState<LinkResult | null>(null);
  const loggedIn = session.status === 'authenticated';
  const back = location.pathname + location.search;
  const loginUrl = `/login?${new URLSearchParams({ next: back }).toString()}`;

  if (!token) return <Invalid id={id} loggedIn={loggedIn} />;
  if (!q.data) {
    return (
      <>
        <PageHeading title={t('signedLink.title')} />
        {q.loading && <Loading />}
        <ErrorMessage error={q.error} />
      </>
    );
  }
  const link = confirmed ?? q.data.deliveryLink;
  if (!link) return <Invalid id={id} loggedIn={loggedIn} />;

  const open = link.status === 'REQUESTED' || link.status === 'RETURNED';
  const title = t('signedLink.deliveryTitle', { period: link.period, name: link.indicatorName });
  const why = (
    <p className="signed-link-intro">
      {t('signedLink.why', {
        sender: link.sentBy,
        owner: link.ownerName,
        indicator: `${link.indicatorCode} – ${link.indicatorName}`,
        period: link.period,
      })}
    </p>
  );
  if (open && !confirmed && link.loginRequired) {
    if (session.status === 'loading') return <Loading />;
    // Before sending anyone to a login, say who asks and why a login is needed here.
    if (session.status === 'anonymous') {
      return (
        <>
          <PageHeading title={title} />
          {why}
          <h2>{t('signedLink.whyLoginTitle')}</h2>
          <p>{t('signedLink.whyLogin', { owner: link.ownerName })}</p>
          <p>
            <Link className="btn" to={loginUrl}>
              {t('signedLink.login')}
            </Link>
          </p>
        </>
      );
    }
  }

  function errorSummary(error: unknown) {
    const codes = new Set(errorsOf(error).map((e) => e.code));
    let text: string | null = null;
    let login = false;
    if (codes.has('UNAUTHENTICATED')) {
      text = t('signedLink.errorLogin');
      login = true;
    } else if (codes.has('FORBIDDEN')) {
      text = loggedIn ? t('signedLink.errorForbiddenLoggedIn') : t('signedLink.errorForbidden');
    } else if (codes.has('CONFLICT')) {
      text = t('signedLink.errorConflict');
    }
    if (!text) return null;
    return (
      <div role="alert" className="alert alert-error">
        <p>{text}</p>
        {login && (
          <p>
            <Link to={loginUrl}>{t('signedLink.login')}</Link>
          </p>
        )}
        {codes.has('CONFLICT') && (
          <p>
            <a href={back}>{t('signedLink.reload')}</a>
          </p>
        )}
      </div>
    );
  }

  return (
    <>
      <PageHeading title={title} />
      {why}
      <p>{t('signedLink.intro')}</p>
      <dl className="facts">
        <dt>{t('signedLink.indicator')}</dt>
        <dd>
          {link.indicatorCode} – {link.indicatorName}
        </dd>
        <dt>{t('signedLink.period')}</dt>
        <dd>{link.period}</dd>
        <dt>{t('signedLink.unit')}</dt>
        <dd>{link.unit || '–'}</dd>
        <dt>{t('signedLink.dueAt')}</dt>
        <dd>{formatDate(link.dueAt, lang)}</dd>
        <dt>{t('signedLink.status')}</dt>
        <dd>
          <DeliveryStatusBadge status={link.status} overdue={false} />
        </dd>
      </dl>
      <div role="status" aria-live="polite">
        {confirmed && (
          <div className="alert alert-success">
            <p>{confirmed.status === 'DELIVERED' ? t('signedLink.thanks') : t('signedLink.thanksNoData')}</p>
            {confirmed.status !== 'DELIVERED' && <p>{t('signedLink.nextDue', { date: formatDate(confirmed.dueAt, lang) })}</p>}
          </div>
        )}
      </div>
      {open && !confirmed && (
        <section aria-labelledby="signed-link-confirm">
          <h2 id="signed-link-confirm">{t('signedLink.confirmTitle', { period: link.period })}</h2>
          <p>{link.loginRequired ? t('signedLink.policyLogin') : t('signedLink.policyNoLogin')}</p>
          <ConfirmDeliveryForm
            deliveryId={link.deliveryId}
            version={link.version}
            unit={link.unit}
            definitions={linkDefinitionOptions(link.definitions, t('signedLink.agreed'))}
            token={token}
            errorSummary={errorSummary}
            onDone={(r) => {
              if (r) setConfirmed(r);
            }}
          />
        </section>
      )}
      {!open && !confirmed && <p>{t('signedLink.notOpen')}</p>}
      {loggedIn && (
        <p>
          <Link to={`/lieferungen/${link.deliveryId}`}>{t('signedLink.toDelivery')}</Link>
        </p>
      )}
    </>
  );
}

/** A wrong or expired link: says so and points to where the delivery can still be confirmed. */
function Invalid({ id, loggedIn }: { id: string; loggedIn: boolean }) {
  const { t } = useTranslation();
  const delivery = `/lieferungen/${id}`;
  return (
    <>
      <PageHeading title={t('signedLink.invalidTitle')} />
      <p>{t('signedLink.invalidText')}</p>
      <p>
        {loggedIn ? (
          <Link to={delivery}>{t('signedLink.toDelivery')}</Link>
        ) : (
          <Link to={`/login?${new URLSearchParams({ next: delivery }).toString()}`}>{t('signedLink.loginToDelivery')}</Link>
        )}
      </p>
    </>
  );
}

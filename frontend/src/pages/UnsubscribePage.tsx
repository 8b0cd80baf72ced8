// The page a mail's unsubscribe link opens in a browser: it asks first, because link scanners open every URL of a mail.
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { PublicLayout } from '../components/Layout';
import { PageHeading } from '../components/PageHeading';

type State = 'ask' | 'pending' | 'done' | 'invalid' | 'failed';

/** POSTs as a mail client does for RFC 8058's one-click unsubscribe: no cookie, the token decides. */
async function unsubscribe(token: string): Promise<State> {
  try {
    const res = await fetch(`/abbestellen/${encodeURIComponent(token)}`, {
      method: 'POST',
      credentials: 'omit',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    if (res.ok) return 'done';
    return res.status === 404 ? 'invalid' : 'failed';
  } catch {
    return 'failed';
  }
}

export function UnsubscribePage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const [state, setState] = useState<State>('ask');
  return (
    <PublicLayout>
      <div className="login">
        <PageHeading title={t('unsubscribe.title')} />
        {state === 'done' ? (
          <div role="status" className="alert alert-success">
            <p>{t('unsubscribe.done')}</p>
            <p>{t('unsubscribe.keep')}</p>
          </div>
        ) : state === 'invalid' ? (
          <p role="alert" className="alert alert-error">
            {t('unsubscribe.invalid')}
          </p>
        ) : (
          <>
            <p>{t('unsubscribe.intro')}</p>
            <p>{t('unsubscribe.keep')}</p>
            {state === 'failed' && (
              <p role="alert" className="alert alert-error">
                {t('unsubscribe.failed')}
              </p>
            )}
            <Button
              className="btn"
              isPending={state === 'pending'}
              onPress={() => {
                setState('pending');
                void unsubscribe(token).then(setState);
              }}
            >
              {t('unsubscribe.confirm')}
            </Button>
          </>
        )}
        <p>
          {state === 'done' && <>{t('unsubscribe.undo')} </>}
          <Link to="/einstellungen">{t('unsubscribe.settings')}</Link>
        </p>
      </div>
    </PublicLayout>
  );
}

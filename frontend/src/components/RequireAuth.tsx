import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { useSession } from '../session/context';
import { ErrorMessage } from './ErrorMessage';
import { Loading } from './Notice';
import { PublicLayout } from './Layout';
import { Button } from 'react-aria-components';

export function RequireAuth({ children }: { children: ReactNode }) {
  const { state, reload } = useSession();
  const location = useLocation();
  const { t } = useTranslation();
  switch (state.status) {
    case 'loading':
      return (
        <PublicLayout>
          <Loading />
        </PublicLayout>
      );
    case 'error':
      return (
        <PublicLayout>
          <h1 id="page-title" tabIndex={-1}>
            {t('app.unreachable')}
          </h1>
          <ErrorMessage error={state.error} />
          <Button className="btn" onPress={() => void reload()}>
            {t('common.retry')}
          </Button>
        </PublicLayout>
      );
    case 'anonymous': {
      const next = location.pathname + location.search;
      const params = new URLSearchParams();
      if (next !== '/') params.set('next', next);
      if (state.expired) params.set('expired', '1');
      const qs = params.toString();
      return <Navigate to={qs ? `/login?${qs}` : '/login'} replace />;
    }
    case 'authenticated':
      return <>{children}</>;
  }
}

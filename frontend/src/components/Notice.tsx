import { useTranslation } from 'react-i18next';

export function NotAvailable() {
  const { t } = useTranslation();
  return (
    <div className="notice" role="note">
      <p>{t('common.notAvailable')}</p>
    </div>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status">
      {t('common.loading')}
    </p>
  );
}

import { useTranslation } from 'react-i18next';
import { NotAvailable } from '../components/Notice';
import { PageHeading } from '../components/PageHeading';

/** A view whose backend has not landed yet: a plain notice, no example data. */
export function PlaceholderPage({ titleKey, introKey }: { titleKey: string; introKey: string }) {
  const { t } = useTranslation();
  return (
    <>
      <PageHeading title={t(titleKey)} />
      <p className="lead">{t(introKey)}</p>
      <NotAvailable />
    </>
  );
}

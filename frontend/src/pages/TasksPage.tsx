import { useTranslation } from 'react-i18next';
import { NotAvailable } from '../components/Notice';
import { PageHeading } from '../components/PageHeading';
import { useUser } from '../session/context';

export function TasksPage() {
  const { t } = useTranslation();
  const user = useUser();
  return (
    <>
      <PageHeading title={t('tasks.title')} />
      <p className="lead">{t('tasks.greeting', { name: user.name })}</p>
      <section aria-labelledby="tasks-open">
        <h2 id="tasks-open">{t('tasks.open')}</h2>
        <NotAvailable />
      </section>
      <section aria-labelledby="tasks-data">
        <h2 id="tasks-data">{t('tasks.myData')}</h2>
        <p>{t('tasks.myDataText')}</p>
        <p>
          <a className="btn btn-secondary" href="/api/me/export" download>
            {t('tasks.export')}
          </a>
        </p>
      </section>
    </>
  );
}

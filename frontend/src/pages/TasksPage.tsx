import { useTranslation } from 'react-i18next';
import { PageHeading } from '../components/PageHeading';
import { useUser } from '../session/context';
import { MyTasks } from './tasks/MyTasks';

export function TasksPage() {
  const { t } = useTranslation();
  const user = useUser();
  return (
    <>
      <PageHeading title={t('tasks.title')} />
      <p className="lead">{t('tasks.greeting', { name: user.name })}</p>
      <MyTasks />
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

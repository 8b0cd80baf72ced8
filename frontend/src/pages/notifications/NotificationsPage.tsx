import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Notice';
import { PageHeading } from '../../components/PageHeading';
import { formatDateTime } from '../../lib/format';
import { useMutation, useQuery } from '../../lib/hooks';
import { InboxQuery, MarkAllReadMutation, MarkReadMutation } from './operations';
import { announceUnreadChanged } from './unread';
import '../../components/work.css';

/** The notification centre: what was mailed to the person, read or not, with a link to each item. */
export function NotificationsPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [first, setFirst] = useState(25);
  const q = useQuery(InboxQuery, { first, unreadOnly });
  const markRead = useMutation(MarkReadMutation);
  const markAll = useMutation(MarkAllReadMutation);
  const [status, setStatus] = useState('');

  const afterChange = (message: string) => {
    setStatus(message);
    q.refetch();
    announceUnreadChanged();
  };

  const items = q.data?.myInbox.edges.map((e) => e.node) ?? [];
  const unread = q.data?.myUnreadCount ?? 0;
  return (
    <>
      <PageHeading title={t('work.inbox.title')} />
      <p className="lead">{t('work.inbox.intro')}</p>
      <div className="inbox-tools">
        <label className="inbox-filter">
          <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} />{' '}
          {t('work.inbox.unreadOnly')}
        </label>
        <Button
          className="btn btn-secondary"
          isDisabled={unread === 0 || markAll.pending}
          onPress={() => {
            void markAll.run({}).then((r) => {
              if (r) afterChange(t('work.inbox.allMarked', { count: r.markAllNotificationsRead }));
            });
          }}
        >
          {t('work.inbox.markAll')}
        </Button>
        <p role="status">{status}</p>
      </div>
      <ErrorMessage error={markRead.error ?? markAll.error} />
      <section aria-labelledby="inbox-list">
        <h2 id="inbox-list">{t('work.inbox.list', { count: unread })}</h2>
        {!q.data ? (
          q.error ? (
            <ErrorMessage error={q.error} />
          ) : (
            <Loading />
          )
        ) : items.length === 0 ? (
          <p>{t('work.inbox.empty')}</p>
        ) : (
          <ul className="inbox">
            {items.map((n) => (
              <li key={n.id} className={n.readAt ? 'inbox-item read' : 'inbox-item unread'}>
                <span className="inbox-state">{n.readAt ? t('work.inbox.read') : t('work.inbox.unread')}</span>{' '}
                {n.path ? (
                  <Link
                    to={n.path}
                    onClick={() => {
                      if (!n.readAt) void markRead.run({ id: n.id }).then(() => announceUnreadChanged());
                    }}
                  >
                    {n.subject}
                  </Link>
                ) : (
                  n.subject
                )}{' '}
                – <span className="inbox-kind">{t(`work.notificationKind.${n.kind}`)}</span>,{' '}
                {formatDateTime(n.at, lang)}
                {!n.readAt && (
                  <>
                    {' '}
                    <Button
                      className="btn btn-quiet btn-small"
                      aria-label={t('work.inbox.markOneLabel', { subject: n.subject })}
                      onPress={() => {
                        void markRead.run({ id: n.id }).then((r) => {
                          if (r) afterChange(t('work.inbox.marked'));
                        });
                      }}
                    >
                      {t('work.inbox.markOne')}
                    </Button>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
        {q.data?.myInbox.pageInfo.hasNextPage && (
          <Button className="btn btn-secondary" onPress={() => setFirst((f) => f + 25)}>
            {t('work.inbox.more')}
          </Button>
        )}
      </section>
      <section aria-labelledby="inbox-mail">
        <h2 id="inbox-mail">{t('work.inbox.mailTitle')}</h2>
        <p>
          {q.data?.myNotificationSettings.digest ? t('work.inbox.mailDigest') : t('work.inbox.mailSingle')}{' '}
          <Link to="/einstellungen">{t('work.inbox.mailChange')}</Link>
        </p>
      </section>
    </>
  );
}

import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage';
import { QueryView } from '../../components/QueryView';
import { graphql } from '../../gql';
import { formatDateTime } from '../../lib/format';
import { useMutation, useQuery } from '../../lib/hooks';

export const OutboxQuery = graphql(`
  query Outbox($first: Int, $after: String) {
    notifications(first: $first, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        kind
        subject
        status
        attempts
        dueAt
        nextAttemptAt
        sentAt
        lastError
        viaDigest
        recipient {
          id
          name
        }
      }
    }
    myNotificationSettings {
      digest
      calendarUrl
    }
  }
`);

export const RotateCalendarMutation = graphql(`
  mutation RotateCalendarToken {
    rotateCalendarToken {
      calendarUrl
    }
  }
`);

const PAGE = 50;

/** The outbox (sent, pending, failed mails) and the personal calendar feed. */
export function NotificationsPanel() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1];
  const q = useQuery(OutboxQuery, { first: PAGE, after });
  const rotate = useMutation(RotateCalendarMutation);
  const nodes = q.data?.notifications.nodes ?? [];
  const page = q.data?.notifications.pageInfo;

  return (
    <div className="panel-stack">
      <section aria-labelledby="notif-calendar">
        <h2 id="notif-calendar">{t('notificationsPanel.calendar')}</h2>
        <p>{t('notificationsPanel.calendarHelp')}</p>
        {q.data && (
          <p>
            <a href={q.data.myNotificationSettings.calendarUrl}>{t('notificationsPanel.calendarLink')}</a>
            <br />
            <code className="calendar-url">{q.data.myNotificationSettings.calendarUrl}</code>
          </p>
        )}
        <ErrorMessage error={rotate.error} />
        <Button className="btn btn-secondary" isPending={rotate.pending} onPress={() => void rotate.run({}).then(() => q.refetch())}>
          {t('notificationsPanel.rotate')}
        </Button>
      </section>
      <section aria-labelledby="notif-outbox">
        <h2 id="notif-outbox">{t('notificationsPanel.outbox')}</h2>
        <QueryView query={q}>
          {() => (
            <>
              {nodes.length === 0 && <p>{t('notificationsPanel.empty')}</p>}
              {nodes.length > 0 && (
                <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="notif-outbox">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t('notificationsPanel.subject')}</th>
                        <th scope="col">{t('notificationsPanel.recipient')}</th>
                        <th scope="col">{t('notificationsPanel.status')}</th>
                        <th scope="col">{t('notificationsPanel.attempts')}</th>
                        <th scope="col">{t('notificationsPanel.due')}</th>
                        <th scope="col">{t('notificationsPanel.sent')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {nodes.map((n) => (
                        <tr key={n.id}>
                          <th scope="row">
                            {n.subject}
                            <br />
                            <span className="muted">{t(`notificationsPanel.kind.${n.kind}`)}</span>
                          </th>
                          <td>{n.recipient?.name ?? '–'}</td>
                          <td>
                            {t(`notificationsPanel.statuses.${n.status}`)}
                            {n.viaDigest && ` (${t('notificationsPanel.digest')})`}
                            {n.lastError && (
                              <>
                                <br />
                                <span className="muted">{n.lastError}</span>
                              </>
                            )}
                          </td>
                          <td>{n.attempts}</td>
                          <td>
                            {formatDateTime(n.dueAt, lang)}
                            {n.status === 'PENDING' && n.attempts > 0 && (
                              <>
                                <br />
                                {t('notificationsPanel.nextAttempt', { date: formatDateTime(n.nextAttemptAt, lang) })}
                              </>
                            )}
                          </td>
                          <td>{n.sentAt ? formatDateTime(n.sentAt, lang) : '–'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </>
          )}
        </QueryView>
        <div className="row-actions">
          {cursors.length > 1 && (
            <Button className="btn btn-secondary" onPress={() => setCursors(cursors.slice(0, -1))}>
              {t('notificationsPanel.previous')}
            </Button>
          )}
          {page?.hasNextPage && page.endCursor && (
            <Button className="btn btn-secondary" onPress={() => setCursors([...cursors, page.endCursor ?? null])}>
              {t('notificationsPanel.next')}
            </Button>
          )}
        </div>
      </section>
    </div>
  );
}

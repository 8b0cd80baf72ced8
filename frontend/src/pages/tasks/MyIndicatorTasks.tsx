import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { QueryView } from '../../components/QueryView';
import { graphql } from '../../gql';
import { formatDate } from '../../lib/format';
import { useQuery } from '../../lib/hooks';

export const MyIndicatorTasksQuery = graphql(`
  query MyIndicatorTasks {
    me {
      id
      organizations {
        id
      }
    }
    deliveries(first: 200) {
      id
      period
      dueAt
      expectedAt
      status
      overdue
      owner {
        id
      }
      indicator {
        id
        code
        name
      }
    }
    indicators {
      id
      code
      name
      nextReviewAt
      owner {
        id
      }
    }
  }
`);

const REVIEW_AHEAD_DAYS = 30;

/** Meine Aufgaben: open deliveries of my organisations (overdue first) and indicator reviews due. */
export function MyIndicatorTasks() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const q = useQuery(MyIndicatorTasksQuery);
  const [now] = useState(() => Date.now());
  const mine = new Set(q.data?.me?.organizations.map((o) => o.id) ?? []);
  const due = (d: { dueAt: string; expectedAt?: string | null }) => new Date(d.expectedAt ?? d.dueAt).getTime();
  const deliveries = (q.data?.deliveries ?? [])
    .filter((d) => (d.status === 'REQUESTED' || d.status === 'RETURNED') && d.owner && mine.has(d.owner.id))
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || due(a) - due(b));
  const horizon = now + REVIEW_AHEAD_DAYS * 86_400_000;
  const reviews = (q.data?.indicators ?? [])
    .filter((i) => i.owner && mine.has(i.owner.id) && new Date(i.nextReviewAt).getTime() <= horizon)
    .sort((a, b) => new Date(a.nextReviewAt).getTime() - new Date(b.nextReviewAt).getTime());

  return (
    <>
      <section aria-labelledby="tasks-deliveries">
        <h2 id="tasks-deliveries">{t('myTasks.deliveries')}</h2>
        <QueryView query={q}>
          {() => (
            <>
              {deliveries.length === 0 && <p>{t('myTasks.noDeliveries')}</p>}
              {deliveries.length > 0 && (
                <ul className="task-list">
                  {deliveries.map((d) => (
                    <li key={d.id}>
                      <Link to={`/lieferungen/${d.id}`}>
                        {d.indicator ? `${d.indicator.code} – ${d.indicator.name}` : ''}, {d.period}
                      </Link>{' '}
                      – {t('myTasks.dueOn', { date: formatDate(d.expectedAt ?? d.dueAt, lang) })}
                      {d.overdue && <strong> ({t('myTasks.overdue')})</strong>}
                      {d.status === 'RETURNED' && <> ({t('myTasks.returned')})</>}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </QueryView>
      </section>
      <section aria-labelledby="tasks-reviews">
        <h2 id="tasks-reviews">{t('myTasks.reviews')}</h2>
        {q.data && reviews.length === 0 && <p>{t('myTasks.noReviews')}</p>}
        {reviews.length > 0 && (
          <ul className="task-list">
            {reviews.map((i) => (
              <li key={i.id}>
                <Link to={`/indikatoren/${i.id}`}>
                  {i.code} – {i.name}
                </Link>{' '}
                – {t('myTasks.reviewOn', { date: formatDate(i.nextReviewAt, lang) })}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

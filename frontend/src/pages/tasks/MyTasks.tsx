import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Notice';
import type { MyTasksQuery as Data } from '../../gql/graphql';
import { formatDate, formatDateTime } from '../../lib/format';
import { useMutation, useQuery } from '../../lib/hooks';
import { MyTasksQuery, RemindAgainMutation } from './operations';

type Task = Data['myTasks']['edges'][number]['node'];

const PAGE = 25;

/** Process deadlines carry a time, the others a date. */
const TIMED = new Set(['VOTE_CLOSING', 'PHASE_ENDING', 'DRAFT_OPEN', 'DISPOSITIONS_OPEN']);

function RemindAgain({ deliveryId }: { deliveryId: string }) {
  const { t } = useTranslation();
  const remind = useMutation(RemindAgainMutation);
  const [sent, setSent] = useState<number | null>(null);
  return (
    <>
      {' '}
      <Button
        className="btn btn-secondary btn-small"
        isDisabled={remind.pending}
        onPress={() => {
          void remind.run({ deliveryId }).then((r) => {
            if (r) setSent(r.remindDeliveryAgain);
          });
        }}
      >
        {t('work.tasks.remindAgain')}
      </Button>{' '}
      <span role="status">
        {sent === null ? '' : sent > 0 ? t('work.tasks.reminded') : t('work.tasks.remindedToday')}
      </span>
      <ErrorMessage error={remind.error} />
    </>
  );
}

function TaskItem({ task }: { task: Task }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  let due: string | null = null;
  if (task.dueAt) {
    const date = TIMED.has(task.kind) ? formatDateTime(task.dueAt, lang) : formatDate(task.dueAt, lang);
    due =
      task.kind === 'DELIVERY_TO_ACCEPT'
        ? t('work.tasks.since', { date })
        : task.kind === 'VOTE_CLOSING' && !task.overdue
          ? t('work.tasks.closes', { date })
          : t(task.overdue ? 'work.tasks.wasDue' : 'work.tasks.due', { date });
  }
  return (
    <li className={task.overdue ? 'task overdue' : 'task'}>
      <span className="task-kind">{t(`work.kind.${task.kind}`)}:</span> <Link to={task.path}>{task.title}</Link>
      {task.context && <> ({task.context})</>}
      {typeof task.count === 'number' && <> – {t('work.tasks.count', { count: task.count })}</>}
      {task.phase && <> – {t(`work.phase.${task.phase}`)}</>}
      {due && <> – {task.overdue ? <strong>{due}</strong> : due}</>}
      {task.kind === 'DELIVERY_OVERDUE' && <RemindAgain deliveryId={task.subjectId} />}
    </li>
  );
}

/** One page of tasks; the last page offers the next. */
function TaskPage({ after, isLast, onMore }: { after: string | null; isLast: boolean; onMore: (cursor: string) => void }) {
  const { t } = useTranslation();
  const q = useQuery(MyTasksQuery, { first: PAGE, after });
  if (!q.data) return <li>{q.error ? <ErrorMessage error={q.error} /> : <Loading />}</li>;
  const tasks = q.data.myTasks.edges.map((e) => e.node);
  const { hasNextPage, endCursor } = q.data.myTasks.pageInfo;
  return (
    <>
      {after === null && tasks.length === 0 && <li>{t('work.tasks.none')}</li>}
      {tasks.map((task) => (
        <TaskItem key={`${task.kind}-${task.subjectId}`} task={task} />
      ))}
      {isLast && hasNextPage && endCursor && (
        <li>
          <Button className="btn btn-secondary" onPress={() => onMore(endCursor)}>
            {t('work.tasks.more')}
          </Button>
        </li>
      )}
    </>
  );
}

/** "Meine Aufgaben": everything that needs the person now, most urgent first, each linked to where it is done. */
export function MyTasks() {
  const { t } = useTranslation();
  const [pages, setPages] = useState<(string | null)[]>([null]);
  return (
    <section aria-labelledby="tasks-open">
      <h2 id="tasks-open">{t('tasks.open')}</h2>
      <ul className="task-list work-tasks">
        {pages.map((after, i) => (
          <TaskPage
            key={after ?? 'first'}
            after={after}
            isLast={i === pages.length - 1}
            onMore={(cursor) => setPages((p) => [...p, cursor])}
          />
        ))}
      </ul>
    </section>
  );
}

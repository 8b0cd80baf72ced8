import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Notice';
import { formatDateTime } from '../../lib/format';
import { useQuery } from '../../lib/hooks';
import type { ParticipationTasksQuery as Data } from '../../gql/graphql';
import { ParticipationTasksQuery } from './tasksOperations';
import '../leitbild/leitbild.css';

/** Where a notification link points inside the app, as a path (or null if elsewhere). */
function appPath(link: string | null | undefined): string | null {
  if (!link) return null;
  try {
    const u = new URL(link, location.origin);
    return u.origin === location.origin ? `${u.pathname}${u.search}${u.hash}` : null;
  } catch {
    return null;
  }
}

export function participationTasks(data: Data) {
  const mine = new Set(data.me?.organizations.map((o) => o.id) ?? []);
  const votes = [];
  const toComment = [];
  const drafts = [];
  for (const e of data.leitbilder) {
    const p = e.process;
    if (!p || p.status !== 'ACTIVE' || !p.currentPhase) continue;
    const participating = p.participants.some((o) => mine.has(o.id));
    if (p.currentPhase.kind === 'VOTING' && participating) {
      for (const pr of p.proposals) {
        if (pr.status === 'IN_VOTE' && !pr.myVote) votes.push({ process: p, proposal: pr, closesAt: p.currentPhase.endsAt });
      }
    }
    if (p.currentPhase.kind === 'CONSULTATION' || p.currentPhase.kind === 'DRAFTING') {
      drafts.push({ edition: e, process: p, until: p.currentPhase.endsAt });
      for (const pr of p.proposals) {
        if (pr.status === 'SUBMITTED') toComment.push({ process: p, proposal: pr, until: p.currentPhase.endsAt });
      }
    }
  }
  const me = data.me?.id;
  const replies = data.notifications.nodes.filter((n) => n.kind === 'COMMENT_REPLY' && n.recipient?.id === me);
  return { votes, toComment, drafts, replies };
}

/** The Leitbild and participation part of "Meine Aufgaben". */
export function MyParticipationTasks() {
  const { t, i18n } = useTranslation();
  const q = useQuery(ParticipationTasksQuery);
  const lang = i18n.language;
  if (!q.data) return q.error ? <ErrorMessage error={q.error} /> : <Loading />;
  const { votes, toComment, drafts, replies } = participationTasks(q.data);
  return (
    <section aria-labelledby="tasks-participation">
      <h2 id="tasks-participation">{t('participationTasks.title')}</h2>
      <h3>{t('participationTasks.votes')}</h3>
      {votes.length === 0 ? (
        <p>{t('participationTasks.noVotes')}</p>
      ) : (
        <ul>
          {votes.map((v) => (
            <li key={v.proposal.id}>
              <Link to={`/prozesse/${v.process.id}#proposal-${v.proposal.id}`}>{v.proposal.title}</Link> (
              {v.process.title}) – {t('participationTasks.closes', { date: formatDateTime(v.closesAt, lang) })}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('participationTasks.comment')}</h3>
      {drafts.length === 0 && toComment.length === 0 ? (
        <p>{t('participationTasks.noComment')}</p>
      ) : (
        <ul>
          {drafts.map((d) => (
            <li key={d.edition.id}>
              {t('participationTasks.draft')}: <Link to={`/leitbild/${d.edition.id}`}>{`${d.edition.title} (${d.edition.year})`}</Link> –{' '}
              {t('participationTasks.until', { date: formatDateTime(d.until, lang) })}
            </li>
          ))}
          {toComment.map((c) => (
            <li key={c.proposal.id}>
              {t('participationTasks.proposal')}:{' '}
              <Link to={`/prozesse/${c.process.id}#proposal-${c.proposal.id}`}>{c.proposal.title}</Link> –{' '}
              {t('participationTasks.until', { date: formatDateTime(c.until, lang) })}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('participationTasks.replies')}</h3>
      {replies.length === 0 ? (
        <p>{t('participationTasks.noReplies')}</p>
      ) : (
        <ul>
          {replies.map((n) => {
            const path = appPath(n.link);
            return (
              <li key={n.id}>
                {path ? <Link to={path}>{n.subject}</Link> : n.subject} – {formatDateTime(n.createdAt, lang)}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

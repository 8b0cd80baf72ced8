import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, useLocation } from 'react-router';
import { useQuery } from '../lib/hooks';
import { UnreadCountQuery } from '../pages/notifications/operations';
import { UNREAD_CHANGED } from '../pages/notifications/unread';
import './work.css';

/**
 * How often the unread count is read again while the page is visible. Polling, not the
 * WebSocket: a notification becomes unread when it falls due (reminders and digests are queued
 * ahead), which no write event marks, and a count every half minute costs one indexed COUNT
 * (idx_notifications_recipient_id_read_at_due_at) instead of a socket per open tab.
 */
export const UNREAD_POLL_MS = 30_000;

/** The header's entry to the notification centre, with the number of unread notifications. */
export function NotificationBell() {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const q = useQuery(UnreadCountQuery);
  const { refetch } = q;
  const first = useRef(true);
  useEffect(() => {
    // The first render has just loaded it; each later navigation reads it again.
    if (first.current) {
      first.current = false;
      return;
    }
    refetch();
  }, [pathname, refetch]);
  useEffect(() => {
    // A hidden tab does not poll; coming back to it reads the count at once.
    let timer: number | undefined;
    const start = () => {
      timer ??= window.setInterval(refetch, UNREAD_POLL_MS);
    };
    const stop = () => {
      if (timer !== undefined) window.clearInterval(timer);
      timer = undefined;
    };
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') return stop();
      refetch();
      start();
    };
    if (document.visibilityState !== 'hidden') start();
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener(UNREAD_CHANGED, refetch);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener(UNREAD_CHANGED, refetch);
    };
  }, [refetch]);
  const count = q.data?.myUnreadCount ?? 0;
  return (
    <NavLink to="/benachrichtigungen" className="bell-link">
      {t('work.bell.short')}
      {count > 0 && (
        <span className="bell-count">
          {count}
          <span className="visually-hidden"> {t('work.bell.unread')}</span>
        </span>
      )}
    </NavLink>
  );
}

/** The header's entry to search. */
export function SearchLink() {
  const { t } = useTranslation();
  return (
    <NavLink to="/suche" className="bell-link">
      {t('work.search.link')}
    </NavLink>
  );
}

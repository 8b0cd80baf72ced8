import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, useLocation } from 'react-router';
import { useQuery } from '../lib/hooks';
import { UnreadCountQuery } from '../pages/notifications/operations';
import { UNREAD_CHANGED } from '../pages/notifications/unread';
import './work.css';

/** How often the unread count is read again while a page stays open. */
const POLL_MS = 60_000;

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
    const timer = window.setInterval(refetch, POLL_MS);
    window.addEventListener(UNREAD_CHANGED, refetch);
    return () => {
      window.clearInterval(timer);
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

import { useEffect, useState } from 'react';
import { useLocation } from 'react-router';
import { Loading } from '../components/Notice';
import { NotFoundPage } from './NotFoundPage';

/** The first path segments of links older mails wrote; the server redirects them (src/http/redirects.rs). */
export const OLD_LINK_AREAS = ['vorschlaege', 'ziele', 'handlungsfelder', 'definitionen'] as const;

/**
 * An old mail link reached inside the app (e.g. from a notification stored before the links
 * changed): asks the server where the item lives now and goes there with a full load, so that
 * the server's redirect decides; an unknown item shows "not found" instead of reloading again.
 */
export function OldLinkPage() {
  const { pathname, hash } = useLocation();
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    let cancelled = false;
    fetch(pathname, { redirect: 'manual', credentials: 'same-origin' }).then(
      (r) => {
        if (cancelled) return;
        if (r.type === 'opaqueredirect') window.location.replace(pathname + hash);
        else setMissing(true);
      },
      () => {
        if (!cancelled) setMissing(true);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [pathname, hash]);
  return missing ? <NotFoundPage /> : <Loading />;
}

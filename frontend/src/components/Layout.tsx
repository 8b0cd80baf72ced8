import { useEffect, useRef, type ReactNode } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { canCoordinate, useSession, useUser } from '../session/context';
import { LanguageSwitcher } from './LanguageSwitcher';
import { NotificationBell, SearchLink } from './NotificationBell';
import { focusPageHeading } from './PageHeading';

/** Moves focus to the new page's heading after client-side navigation (not on first load). */
function useFocusOnNavigate() {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    focusPageHeading();
  }, [pathname]);
}

function Frame({ nav, tools, children }: { nav?: ReactNode; tools?: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  useFocusOnNavigate();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="site-header">
        <div className="site-header-inner">
          <Link to="/" className="brand">
            teilhabe
          </Link>
          {nav}
          <div className="header-tools">
            <LanguageSwitcher />
            {tools}
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>{t('footer.text')}</p>
      </footer>
    </>
  );
}

export function AppLayout() {
  const { t } = useTranslation();
  const { logout } = useSession();
  const user = useUser();
  const items: [string, string][] = [
    ['/', t('nav.tasks')],
    ['/leitbild', t('nav.leitbild')],
    ['/prozesse', t('nav.processes')],
    ['/glossar', t('nav.glossary')],
    ['/indikatoren', t('nav.indicators')],
    ['/lieferungen', t('nav.deliveries')],
    ['/bericht', t('nav.report')],
  ];
  if (canCoordinate(user)) items.push(['/koordination', t('nav.coordination')]);
  return (
    <Frame
      nav={
        <nav aria-label={t('nav.main')} className="main-nav">
          <ul>
            {items.map(([to, label]) => (
              <li key={to}>
                <NavLink to={to} end={to === '/'}>
                  {label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      }
      tools={
        <div className="user-box">
          <span className="user-name" title={user.email ?? undefined}>
            {user.name}
          </span>
          <SearchLink />
          <NotificationBell />
          <NavLink to="/einstellungen" className="settings-link">
            {t('nav.settings')}
          </NavLink>
          <Button className="btn btn-quiet" onPress={() => void logout()}>
            {t('nav.logout')}
          </Button>
        </div>
      }
    >
      <Outlet />
    </Frame>
  );
}

export function PublicLayout({ children }: { children: ReactNode }) {
  return <Frame>{children}</Frame>;
}

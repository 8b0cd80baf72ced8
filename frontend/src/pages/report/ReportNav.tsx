import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { canCoordinate, useUser } from '../../session/context';

/** The parts of the report area: live report, frozen reports, changes, publication. */
export function ReportNav() {
  const { t } = useTranslation();
  const user = useUser();
  const items: [string, string][] = [
    ['/bericht', t('report.nav.live')],
    ['/bericht/eingefroren', t('report.nav.frozen')],
    ['/bericht/aenderungen', t('report.nav.changes')],
  ];
  if (canCoordinate(user)) items.push(['/bericht/veroeffentlichung', t('report.nav.publication')]);
  return (
    <nav className="report-nav no-print" aria-label={t('report.nav.label')}>
      <ul>
        {items.map(([to, label]) => (
          <li key={to}>
            <NavLink to={to} end={to === '/bericht'}>
              {label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

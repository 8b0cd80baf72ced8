import { Tab, TabList, TabPanel, Tabs, type Key } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { PageHeading } from '../../components/PageHeading';
import { canCoordinate, useUser } from '../../session/context';
import { AuditLogPanel } from './AuditLogPanel';
import { DistrictsPanel } from './DistrictsPanel';
import { NotificationsPanel } from './NotificationsPanel';
import { OrganizationsPanel } from './OrganizationsPanel';
import { UsersPanel } from './UsersPanel';

const TABS = ['organisationen', 'personen', 'protokoll', 'benachrichtigungen', 'bezirke'] as const;
type TabKey = (typeof TABS)[number];

function isTab(k: unknown): k is TabKey {
  return typeof k === 'string' && (TABS as readonly string[]).includes(k);
}

export function CoordinationPage() {
  const { t } = useTranslation();
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const entity = params.get('entity');
  const selected: TabKey = isTab(tabParam) ? tabParam : 'organisationen';

  if (!canCoordinate(user)) {
    return (
      <>
        <PageHeading title={t('coordination.title')} />
        <p className="notice">{t('errors.FORBIDDEN')}</p>
      </>
    );
  }

  return (
    <>
      <PageHeading title={t('coordination.title')} />
      <Tabs
        className="tabs"
        selectedKey={selected}
        onSelectionChange={(k: Key) => {
          if (isTab(k)) setParams({ tab: k }, { replace: true });
        }}
      >
        <TabList aria-label={t('coordination.sections')} className="tab-list">
          <Tab id="organisationen">{t('coordination.organizations')}</Tab>
          <Tab id="personen">{t('coordination.users')}</Tab>
          <Tab id="protokoll">{t('coordination.audit')}</Tab>
          <Tab id="benachrichtigungen">{t('coordination.notifications')}</Tab>
          <Tab id="bezirke">{t('districts.title')}</Tab>
        </TabList>
        <TabPanel id="organisationen" className="tab-panel">
          <OrganizationsPanel />
        </TabPanel>
        <TabPanel id="personen" className="tab-panel">
          <UsersPanel />
        </TabPanel>
        <TabPanel id="protokoll" className="tab-panel">
          <AuditLogPanel key={entity ?? ''} entityId={entity ?? undefined} />
        </TabPanel>
        <TabPanel id="benachrichtigungen" className="tab-panel">
          <NotificationsPanel />
        </TabPanel>
        <TabPanel id="bezirke" className="tab-panel">
          <DistrictsPanel />
        </TabPanel>
      </Tabs>
    </>
  );
}

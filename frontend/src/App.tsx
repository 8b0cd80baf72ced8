import { Suspense } from 'react';
import { I18nProvider } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Route, Routes } from 'react-router';
import { intlLocale } from './lib/format';
import { lazyView } from './lib/lazyView';
import { AppLayout } from './components/Layout';
import { Loading } from './components/Notice';
import { RequireAuth } from './components/RequireAuth';
import { LoginPage } from './pages/LoginPage';
import { SignInLinkPage } from './pages/SignInLinkPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OLD_LINK_AREAS, OldLinkPage } from './pages/OldLinkPage';
import { TasksPage } from './pages/TasksPage';

// Views that only some people use are loaded on demand, keeping the first load small.
const CoordinationPage = lazyView(() => import('./pages/coordination/CoordinationPage').then((m) => m.CoordinationPage));

const GlossaryPage = lazyView(() => import('./pages/glossary/GlossaryPage').then((m) => m.GlossaryPage));
const TermPage = lazyView(() => import('./pages/glossary/TermPage').then((m) => m.TermPage));
const IndicatorsPage = lazyView(() => import('./pages/indicators/IndicatorsPage').then((m) => m.IndicatorsPage));
const IndicatorPage = lazyView(() => import('./pages/indicators/IndicatorPage').then((m) => m.IndicatorPage));
const DeliveriesPage = lazyView(() => import('./pages/indicators/DeliveriesPage').then((m) => m.DeliveriesPage));
const DeliveryPage = lazyView(() => import('./pages/indicators/DeliveryPage').then((m) => m.DeliveryPage));
const SignedLinkPage = lazyView(() => import('./pages/indicators/SignedLinkPage').then((m) => m.SignedLinkPage));

const LeitbildListPage = lazyView(() => import('./pages/leitbild/LeitbildListPage').then((m) => m.LeitbildListPage));
const EditionPage = lazyView(() => import('./pages/leitbild/EditionPage').then((m) => m.EditionPage));
const GoalPage = lazyView(() => import('./pages/leitbild/GoalPage').then((m) => m.GoalPage));
const ReportPage = lazyView(() => import('./pages/report/ReportPage').then((m) => m.ReportPage));
const FrozenReportsPage = lazyView(() => import('./pages/report/FrozenReportsPage').then((m) => m.FrozenReportsPage));
const FrozenReportPage = lazyView(() => import('./pages/report/FrozenReportsPage').then((m) => m.FrozenReportPage));
const ReportChangesPage = lazyView(() => import('./pages/report/ReportChangesPage').then((m) => m.ReportChangesPage));
const PublicationPage = lazyView(() => import('./pages/report/PublicationPage').then((m) => m.PublicationPage));
const PublicOverviewPage = lazyView(() => import('./pages/public/PublicPages').then((m) => m.PublicOverviewPage));
const PublicEditionPage = lazyView(() => import('./pages/public/PublicPages').then((m) => m.PublicEditionPage));
const PublicReportPage = lazyView(() => import('./pages/public/PublicPages').then((m) => m.PublicReportPage));
const PublicGlossaryPage = lazyView(() => import('./pages/public/PublicPages').then((m) => m.PublicGlossaryPage));
const ProcessesPage = lazyView(() => import('./pages/participation/ProcessesPage').then((m) => m.ProcessesPage));
const ProcessPage = lazyView(() => import('./pages/participation/ProcessPage').then((m) => m.ProcessPage));
const SettingsPage = lazyView(() => import('./pages/settings/SettingsPage').then((m) => m.SettingsPage));
const SearchPage = lazyView(() => import('./pages/search/SearchPage').then((m) => m.SearchPage));
const UnsubscribePage = lazyView(() => import('./pages/UnsubscribePage').then((m) => m.UnsubscribePage));
const NotificationsPage = lazyView(() => import('./pages/notifications/NotificationsPage').then((m) => m.NotificationsPage));

export function App() {
  const { i18n } = useTranslation();
  return (
    <I18nProvider locale={intlLocale(i18n.language)}>
      <AppRoutes />
    </I18nProvider>
  );
}

function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      {/* The mailed sign-in link; its token travels in the fragment. */}
      <Route path="/login/link" element={<SignInLinkPage />} />
      <Route path="/oeffentlich" element={<Suspense fallback={<Loading />}><PublicOverviewPage /></Suspense>} />
      <Route path="/oeffentlich/leitbild/:id" element={<Suspense fallback={<Loading />}><PublicEditionPage /></Suspense>} />
      <Route path="/oeffentlich/bericht/:id" element={<Suspense fallback={<Loading />}><PublicReportPage /></Suspense>} />
      <Route path="/oeffentlich/glossar" element={<Suspense fallback={<Loading />}><PublicGlossaryPage /></Suspense>} />
      {/* The signed link of a reminder mail: outside the login, the token decides (city's policy). */}
      <Route path="/lieferungen/:id/bestaetigen" element={<Suspense fallback={<Loading />}><SignedLinkPage /></Suspense>} />
      {/* A mail's one-click unsubscribe URL opened in a browser (RFC 8058); mail clients POST to it. */}
      <Route path="/abbestellen/:token" element={<Suspense fallback={<Loading />}><UnsubscribePage /></Suspense>} />
      <Route
        element={
          <RequireAuth>
            <AppLayout />
          </RequireAuth>
        }
      >
        <Route index element={<TasksPage />} />
        <Route path="leitbild" element={<Suspense fallback={<Loading />}><LeitbildListPage /></Suspense>} />
        <Route path="leitbild/:id" element={<Suspense fallback={<Loading />}><EditionPage /></Suspense>} />
        <Route path="leitbild/:id/ziele/:goalId" element={<Suspense fallback={<Loading />}><GoalPage /></Suspense>} />
        <Route path="prozesse" element={<Suspense fallback={<Loading />}><ProcessesPage /></Suspense>} />
        <Route path="prozesse/:id" element={<Suspense fallback={<Loading />}><ProcessPage /></Suspense>} />
        <Route path="glossar" element={<Suspense fallback={<Loading />}><GlossaryPage /></Suspense>} />
        <Route path="glossar/:id" element={<Suspense fallback={<Loading />}><TermPage /></Suspense>} />
        <Route path="indikatoren" element={<Suspense fallback={<Loading />}><IndicatorsPage /></Suspense>} />
        <Route path="indikatoren/:id" element={<Suspense fallback={<Loading />}><IndicatorPage /></Suspense>} />
        <Route path="lieferungen" element={<Suspense fallback={<Loading />}><DeliveriesPage /></Suspense>} />
        <Route path="lieferungen/:id" element={<Suspense fallback={<Loading />}><DeliveryPage /></Suspense>} />
        <Route path="bericht" element={<Suspense fallback={<Loading />}><ReportPage /></Suspense>} />
        <Route path="bericht/eingefroren" element={<Suspense fallback={<Loading />}><FrozenReportsPage /></Suspense>} />
        <Route path="bericht/eingefroren/:id" element={<Suspense fallback={<Loading />}><FrozenReportPage /></Suspense>} />
        <Route path="bericht/aenderungen" element={<Suspense fallback={<Loading />}><ReportChangesPage /></Suspense>} />
        <Route path="bericht/veroeffentlichung" element={<Suspense fallback={<Loading />}><PublicationPage /></Suspense>} />
        <Route path="einstellungen" element={<Suspense fallback={<Loading />}><SettingsPage /></Suspense>} />
        <Route path="suche" element={<Suspense fallback={<Loading />}><SearchPage /></Suspense>} />
        <Route path="benachrichtigungen" element={<Suspense fallback={<Loading />}><NotificationsPage /></Suspense>} />
        <Route
          path="koordination"
          element={
            <Suspense fallback={<Loading />}>
              <CoordinationPage />
            </Suspense>
          }
        />
        {OLD_LINK_AREAS.map((area) => (
          <Route key={area} path={`${area}/:id`} element={<OldLinkPage />} />
        ))}
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

import { lazy, Suspense } from 'react';
import { I18nProvider } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Route, Routes } from 'react-router';
import { intlLocale } from './lib/format';
import { AppLayout } from './components/Layout';
import { Loading } from './components/Notice';
import { RequireAuth } from './components/RequireAuth';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { TasksPage } from './pages/TasksPage';

// Views that only some people use are loaded on demand, keeping the first load small.
const CoordinationPage = lazy(() =>
  import('./pages/coordination/CoordinationPage').then((m) => ({ default: m.CoordinationPage })),
);

const GlossaryPage = lazy(() => import('./pages/glossary/GlossaryPage').then((m) => ({ default: m.GlossaryPage })));
const TermPage = lazy(() => import('./pages/glossary/TermPage').then((m) => ({ default: m.TermPage })));
const IndicatorsPage = lazy(() =>
  import('./pages/indicators/IndicatorsPage').then((m) => ({ default: m.IndicatorsPage })),
);
const IndicatorPage = lazy(() => import('./pages/indicators/IndicatorPage').then((m) => ({ default: m.IndicatorPage })));
const DeliveryPage = lazy(() => import('./pages/indicators/DeliveryPage').then((m) => ({ default: m.DeliveryPage })));
const SignedLinkPage = lazy(() =>
  import('./pages/indicators/SignedLinkPage').then((m) => ({ default: m.SignedLinkPage })),
);

const LeitbildListPage = lazy(() =>
  import('./pages/leitbild/LeitbildListPage').then((m) => ({ default: m.LeitbildListPage })),
);
const EditionPage = lazy(() => import('./pages/leitbild/EditionPage').then((m) => ({ default: m.EditionPage })));
const GoalPage = lazy(() => import('./pages/leitbild/GoalPage').then((m) => ({ default: m.GoalPage })));
const ReportPage = lazy(() => import('./pages/report/ReportPage').then((m) => ({ default: m.ReportPage })));
const FrozenReportsPage = lazy(() =>
  import('./pages/report/FrozenReportsPage').then((m) => ({ default: m.FrozenReportsPage })),
);
const FrozenReportPage = lazy(() =>
  import('./pages/report/FrozenReportsPage').then((m) => ({ default: m.FrozenReportPage })),
);
const ReportChangesPage = lazy(() =>
  import('./pages/report/ReportChangesPage').then((m) => ({ default: m.ReportChangesPage })),
);
const PublicationPage = lazy(() =>
  import('./pages/report/PublicationPage').then((m) => ({ default: m.PublicationPage })),
);
const PublicOverviewPage = lazy(() =>
  import('./pages/public/PublicPages').then((m) => ({ default: m.PublicOverviewPage })),
);
const PublicEditionPage = lazy(() =>
  import('./pages/public/PublicPages').then((m) => ({ default: m.PublicEditionPage })),
);
const PublicReportPage = lazy(() => import('./pages/public/PublicPages').then((m) => ({ default: m.PublicReportPage })));
const PublicGlossaryPage = lazy(() =>
  import('./pages/public/PublicPages').then((m) => ({ default: m.PublicGlossaryPage })),
);
const ProcessesPage = lazy(() =>
  import('./pages/participation/ProcessesPage').then((m) => ({ default: m.ProcessesPage })),
);
const ProcessPage = lazy(() => import('./pages/participation/ProcessPage').then((m) => ({ default: m.ProcessPage })));
const SettingsPage = lazy(() => import('./pages/settings/SettingsPage').then((m) => ({ default: m.SettingsPage })));

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
      <Route path="/oeffentlich" element={<Suspense fallback={<Loading />}><PublicOverviewPage /></Suspense>} />
      <Route path="/oeffentlich/leitbild/:id" element={<Suspense fallback={<Loading />}><PublicEditionPage /></Suspense>} />
      <Route path="/oeffentlich/bericht/:id" element={<Suspense fallback={<Loading />}><PublicReportPage /></Suspense>} />
      <Route path="/oeffentlich/glossar" element={<Suspense fallback={<Loading />}><PublicGlossaryPage /></Suspense>} />
      {/* The signed link of a reminder mail: outside the login, the token decides (city's policy). */}
      <Route path="/lieferungen/:id/bestaetigen" element={<Suspense fallback={<Loading />}><SignedLinkPage /></Suspense>} />
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
        <Route path="lieferungen/:id" element={<Suspense fallback={<Loading />}><DeliveryPage /></Suspense>} />
        <Route path="bericht" element={<Suspense fallback={<Loading />}><ReportPage /></Suspense>} />
        <Route path="bericht/eingefroren" element={<Suspense fallback={<Loading />}><FrozenReportsPage /></Suspense>} />
        <Route path="bericht/eingefroren/:id" element={<Suspense fallback={<Loading />}><FrozenReportPage /></Suspense>} />
        <Route path="bericht/aenderungen" element={<Suspense fallback={<Loading />}><ReportChangesPage /></Suspense>} />
        <Route path="bericht/veroeffentlichung" element={<Suspense fallback={<Loading />}><PublicationPage /></Suspense>} />
        <Route path="einstellungen" element={<Suspense fallback={<Loading />}><SettingsPage /></Suspense>} />
        <Route
          path="koordination"
          element={
            <Suspense fallback={<Loading />}>
              <CoordinationPage />
            </Suspense>
          }
        />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

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
import { PlaceholderPage } from './pages/PlaceholderPage';
import { TasksPage } from './pages/TasksPage';

// Views that only some people use are loaded on demand, keeping the first load small.
const CoordinationPage = lazy(() =>
  import('./pages/coordination/CoordinationPage').then((m) => ({ default: m.CoordinationPage })),
);

const LeitbildListPage = lazy(() =>
  import('./pages/leitbild/LeitbildListPage').then((m) => ({ default: m.LeitbildListPage })),
);
const EditionPage = lazy(() => import('./pages/leitbild/EditionPage').then((m) => ({ default: m.EditionPage })));
const GoalPage = lazy(() => import('./pages/leitbild/GoalPage').then((m) => ({ default: m.GoalPage })));
const ProcessesPage = lazy(() =>
  import('./pages/participation/ProcessesPage').then((m) => ({ default: m.ProcessesPage })),
);
const ProcessPage = lazy(() => import('./pages/participation/ProcessPage').then((m) => ({ default: m.ProcessPage })));

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
        <Route path="glossar" element={<PlaceholderPage titleKey="glossary.title" introKey="glossary.intro" />} />
        <Route
          path="indikatoren"
          element={<PlaceholderPage titleKey="indicators.title" introKey="indicators.intro" />}
        />
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

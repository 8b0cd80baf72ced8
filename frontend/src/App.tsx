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
        <Route path="leitbild" element={<PlaceholderPage titleKey="leitbild.title" introKey="leitbild.intro" />} />
        <Route path="prozesse" element={<PlaceholderPage titleKey="processes.title" introKey="processes.intro" />} />
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

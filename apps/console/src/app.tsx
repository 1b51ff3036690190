import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { Provider as GraphqlProvider, type Client } from 'urql';
import { Announcer } from './layout/announcer.js';
import { screensFor, homeFor, SCREENS } from './layout/screens.js';
import { Shell } from './layout/shell.js';
import type { Viewer } from './session/viewer.query.js';

// Each screen is its own chunk: the first screen loads only what it shows.
const CustomersScreen = lazy(() => import('./customers/customers.screen.js'));
const CustomerPageScreen = lazy(() => import('./customer-page/customer-page.screen.js'));
const PromisesScreen = lazy(() => import('./promises/promises.screen.js'));
const ErrorCostsScreen = lazy(() => import('./error-costs/error-costs.screen.js'));
const CostPoliciesScreen = lazy(() => import('./cost-policies/cost-policies.screen.js'));
const CalendarsScreen = lazy(() => import('./calendars/calendars.screen.js'));
const WebhooksScreen = lazy(() => import('./webhooks/webhooks.screen.js'));
const IntegrityScreen = lazy(() => import('./integrity/integrity.screen.js'));

interface Props {
  client: Client;
  viewer: Viewer;
  signOut: () => void;
}

export function App({ client, viewer, signOut }: Props) {
  const allowed = (path: string, screen: ReactNode) => {
    const entry = SCREENS.find((candidate) => candidate.path === path);
    return entry && !entry.roles.includes(viewer.role) ? <NotForRole /> : screen;
  };
  return (
    <GraphqlProvider value={client}>
      <Announcer>
        <Shell viewer={viewer} signOut={signOut}>
          <Suspense fallback={<p className="loading">Loading…</p>}>
            <Routes>
              <Route path="/" element={<Navigate to={homeFor(viewer.role)} replace />} />
              <Route path="/customers" element={allowed('/customers', <CustomersScreen />)} />
              <Route path="/customers/:id" element={allowed('/customers', <CustomerPageScreen viewer={viewer} />)} />
              <Route path="/promises" element={allowed('/promises', <PromisesScreen viewer={viewer} />)} />
              <Route path="/error-costs" element={allowed('/error-costs', <ErrorCostsScreen />)} />
              <Route path="/cost-policies" element={allowed('/cost-policies', <CostPoliciesScreen />)} />
              <Route path="/calendars" element={allowed('/calendars', <CalendarsScreen viewer={viewer} />)} />
              <Route path="/webhooks" element={allowed('/webhooks', <WebhooksScreen />)} />
              <Route path="/integrity" element={allowed('/integrity', <IntegrityScreen />)} />
              <Route path="/welcome" element={<NoScreens viewer={viewer} />} />
              <Route path="*" element={<NotFound />} />
            </Routes>
          </Suspense>
        </Shell>
      </Announcer>
    </GraphqlProvider>
  );
}

function NoScreens({ viewer }: { viewer: Viewer }) {
  const screens = screensFor(viewer.role).filter((screen) => !screen.external);
  if (screens.length > 0) return <Navigate to={screens[0].path} replace />;
  return (
    <section aria-labelledby="welcome-title">
      <h1 id="welcome-title">Promise Ledger</h1>
      <p>
        The {viewer.role.toLowerCase()} role has no console screens: it appends events over GraphQL. Use the{' '}
        <a href="/graphiql">Explorer</a> to try its operations.
      </p>
    </section>
  );
}

function NotForRole() {
  return (
    <section aria-labelledby="not-for-role">
      <h1 id="not-for-role">Not available</h1>
      <p>Your role cannot use this screen.</p>
    </section>
  );
}

function NotFound() {
  return (
    <section aria-labelledby="not-found">
      <h1 id="not-found">Page not found</h1>
      <p>Nothing lives at this address. Use the navigation above.</p>
    </section>
  );
}

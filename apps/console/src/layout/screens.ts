import type { Role } from '../session/viewer.query.js';

export interface Screen {
  label: string;
  path: string;
  roles: readonly Role[];
  /** Served outside the app (a full page load). */
  external?: boolean;
}

// Mirrors which GraphQL operations each role may run (README, "Keys and roles"): a link is shown
// only when the screen's queries would answer for that role.
export const SCREENS: readonly Screen[] = [
  { label: 'Customers', path: '/customers', roles: ['AGENT', 'FINANCE', 'ADMIN'] },
  { label: 'Promises', path: '/promises', roles: ['AGENT', 'FINANCE', 'ADMIN'] },
  { label: 'Error costs', path: '/error-costs', roles: ['FINANCE', 'ADMIN'] },
  { label: 'Cost policies', path: '/cost-policies', roles: ['FINANCE', 'ADMIN'] },
  { label: 'Calendars', path: '/calendars', roles: ['FINANCE', 'ADMIN'] },
  { label: 'Webhooks', path: '/webhooks', roles: ['ADMIN'] },
  { label: 'Integrity', path: '/integrity', roles: ['ADMIN'] },
  { label: 'Explorer', path: '/graphiql', roles: ['AGENT', 'FINANCE', 'INTEGRATION', 'ADMIN'], external: true },
];

export const screensFor = (role: Role): Screen[] => SCREENS.filter((screen) => screen.roles.includes(role));

/** Where a role lands after signing in. */
export const homeFor = (role: Role): string => screensFor(role).find((screen) => !screen.external)?.path ?? '/welcome';

import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import type { Viewer } from '../session/viewer.query.js';
import { screensFor } from './screens.js';

interface Props {
  viewer: Viewer;
  signOut: () => void;
  children: ReactNode;
}

export function Shell({ viewer, signOut, children }: Props) {
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar">
        <span className="brand">Promise Ledger</span>
        <nav aria-label="Main">
          <ul>
            {screensFor(viewer.role).map((screen) => (
              <li key={screen.path}>
                {screen.external ? <a href={screen.path}>{screen.label}</a> : <NavLink to={screen.path}>{screen.label}</NavLink>}
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>
            {viewer.name} <span className="role">({viewer.role.toLowerCase()})</span>
          </span>
          {viewer.signedIn && (
            <button type="button" className="secondary" onClick={signOut}>
              Sign out
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

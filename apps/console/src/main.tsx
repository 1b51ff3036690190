import { StrictMode, useCallback, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app.js';
import { createLedgerClient } from './graphql/ledger-client.js';
import { forgetApiKey, storeApiKey, storedApiKey } from './session/api-key.storage.js';
import { SignInScreen } from './session/sign-in.screen.js';
import { fetchViewer, type Viewer } from './session/viewer.query.js';
import './styles.css';

type SessionState =
  | { status: 'checking' }
  | { status: 'signed-out'; notice: string | null }
  | { status: 'unreachable'; message: string }
  | { status: 'ready'; viewer: Viewer; apiKey: string | null };

function Console() {
  const [session, setSession] = useState<SessionState>({ status: 'checking' });

  const check = useCallback(async () => {
    const apiKey = storedApiKey();
    const answer = await fetchViewer(apiKey);
    if (answer.kind === 'viewer') setSession({ status: 'ready', viewer: answer.viewer, apiKey });
    else if (answer.kind === 'refused') {
      if (apiKey) forgetApiKey();
      setSession({ status: 'signed-out', notice: apiKey ? 'Your key is no longer accepted. Sign in again.' : null });
    } else setSession({ status: 'unreachable', message: answer.message });
  }, []);

  useEffect(() => {
    void check();
  }, [check]);

  const signIn = useCallback(async (apiKey: string) => {
    const answer = await fetchViewer(apiKey);
    if (answer.kind !== 'viewer') return answer.message;
    storeApiKey(apiKey);
    setSession({ status: 'ready', viewer: answer.viewer, apiKey });
    return null;
  }, []);

  const signOut = useCallback(() => {
    forgetApiKey();
    setSession({ status: 'signed-out', notice: null });
    history.replaceState(null, '', '/');
  }, []);

  const apiKey = session.status === 'ready' ? session.apiKey : null;
  const ready = session.status === 'ready';
  const client = useMemo(() => (ready ? createLedgerClient(apiKey) : null), [ready, apiKey]);

  switch (session.status) {
    case 'checking':
      return <p className="loading">Loading…</p>;
    case 'signed-out':
      return <SignInScreen signIn={signIn} notice={session.notice} />;
    case 'unreachable':
      return (
        <main className="sign-in">
          <h1>Promise Ledger</h1>
          <p role="alert">{session.message}</p>
          <button type="button" onClick={() => void check()}>
            Try again
          </button>
        </main>
      );
    case 'ready':
      return (
        <BrowserRouter>
          <App client={client!} viewer={session.viewer} signOut={signOut} />
        </BrowserRouter>
      );
  }
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Console />
  </StrictMode>,
);

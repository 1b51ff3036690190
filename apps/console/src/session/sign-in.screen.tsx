import { useId, useState, type FormEvent } from 'react';

interface Props {
  /** Resolves to an error message to show next to the field, or null when signed in. */
  signIn: (apiKey: string) => Promise<string | null>;
  notice?: string | null;
}

export function SignInScreen({ signIn, notice }: Props) {
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string | null>(notice ?? null);
  const [busy, setBusy] = useState(false);
  const fieldId = useId();
  const errorId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!apiKey.trim()) {
      setError('Enter your API key.');
      return;
    }
    setBusy(true);
    setError(await signIn(apiKey.trim()));
    setBusy(false);
  }

  return (
    <main className="sign-in">
      <h1>Promise Ledger</h1>
      <form onSubmit={submit} noValidate aria-label="Sign in">
        <div className="field">
          <label htmlFor={fieldId}>API key</label>
          <input
            id={fieldId}
            type="password"
            autoComplete="current-password"
            value={apiKey}
            onChange={(event) => setApiKey(event.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            autoFocus
          />
          {error && (
            <p id={errorId} className="field-error" role="alert">
              {error}
            </p>
          )}
        </div>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <p className="hint">Ask your administrator for a key. It is kept in this tab only and forgotten when you sign out or close it.</p>
    </main>
  );
}

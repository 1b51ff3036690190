export type Role = 'AGENT' | 'FINANCE' | 'INTEGRATION' | 'ADMIN';

export interface Viewer {
  role: Role;
  name: string;
  /** False in loopback development mode (no keys configured): nothing to sign in or out of. */
  signedIn: boolean;
}

export type ViewerAnswer =
  | { kind: 'viewer'; viewer: Viewer }
  | { kind: 'refused'; message: string }
  | { kind: 'unreachable'; message: string };

/** Asks the API who a key belongs to; sign-in and page loads both start here. */
export async function fetchViewer(apiKey: string | null): Promise<ViewerAnswer> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      body: JSON.stringify({ query: '{ viewer { role name signedIn } }' }),
    });
  } catch {
    return { kind: 'unreachable', message: 'The ledger server cannot be reached. Check your connection and try again.' };
  }
  const body = (await response.json().catch(() => null)) as {
    data?: { viewer?: Viewer } | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  } | null;
  const viewer = body?.data?.viewer;
  if (viewer) return { kind: 'viewer', viewer };
  const error = body?.errors?.[0];
  switch (error?.extensions?.code) {
    case 'UNAUTHENTICATED':
      return { kind: 'refused', message: apiKey ? 'This API key was not accepted. Check it and try again.' : 'Sign in with your API key.' };
    case 'RATE_LIMITED':
      return { kind: 'refused', message: 'Too many attempts. Wait a minute, then try again.' };
    default:
      return { kind: 'unreachable', message: error?.message ?? `The ledger server answered ${response.status}.` };
  }
}

import type { CombinedError } from 'urql';

export interface ApiProblem {
  code: string;
  message: string;
  /** Per input field (last path segment), from `extensions.fields`. */
  fields: Record<string, string>;
}

/** What the API said went wrong, in a shape forms can show next to their fields. */
export function apiProblem(error: CombinedError | undefined | null): ApiProblem | null {
  if (!error) return null;
  const first = error.graphQLErrors[0];
  if (!first) return { code: 'NETWORK', message: 'The ledger server cannot be reached. Try again.', fields: {} };
  const extensions = first.extensions as { code?: string; fields?: Record<string, string> };
  const fields: Record<string, string> = {};
  for (const [path, reason] of Object.entries(extensions.fields ?? {})) fields[path.split('.').pop() ?? path] = reason;
  return { code: extensions.code ?? 'UNKNOWN', message: first.message, fields };
}

/** A stale `expectedVersion`: someone else changed the record first. */
export const isStale = (problem: ApiProblem | null): boolean => problem?.code === 'CONFLICT';

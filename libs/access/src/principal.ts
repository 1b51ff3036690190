import type { Role } from '#libs/config';

/** Who is calling: the key's role and a name for the events' `actor`. */
export interface Principal {
  role: Role;
  name: string;
  /** Identifies the key for rate limiting (never the key itself). */
  keyId: string;
}

/** Reasons authentication fails; the edge maps them to UNAUTHENTICATED. */
export class AuthenticationError extends Error {
  readonly code = 'UNAUTHENTICATED';
}

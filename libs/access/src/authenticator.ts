import type { ApiKeyStore } from './api-key.store.js';
import { AuthenticationError, type Principal } from './principal.js';

/** Who calls when no key exists anywhere and the server listens on loopback only. */
export const LOCAL_ADMIN: Principal = { role: 'ADMIN', name: 'local', keyId: 'local' };

export interface AuthenticatorOptions {
  /** The server listens on loopback only: with no key configured anywhere, it may serve everyone. */
  openAccessAllowed: boolean;
  /** Told once each time a server beyond loopback is left without any key (and so refuses everyone). */
  warn?: (message: string) => void;
}

export const NO_KEYS_BEYOND_LOOPBACK =
  'this server listens beyond loopback and has no active API key: it refuses every request until one exists ' +
  "(LEDGER_API_KEYS=ROLE:key or 'ledger keys create --role ADMIN --name ops')";

/**
 * The one rule for who a caller is, applied to every request and connection (not only at
 * start-up): with keys, the key's principal; with no key anywhere, a local ADMIN on loopback, and
 * on any other interface nobody at all — revoking the last key closes such a server, it never
 * opens it.
 */
export class Authenticator {
  private closed = false;

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly options: AuthenticatorOptions,
  ) {}

  /** @throws AuthenticationError for a missing, unknown or revoked key, or a server left without keys beyond loopback. */
  async authenticate(key: string | undefined): Promise<Principal> {
    if (await this.keys.noKeysConfigured()) {
      if (this.options.openAccessAllowed) return LOCAL_ADMIN;
      if (!this.closed) this.options.warn?.(NO_KEYS_BEYOND_LOOPBACK);
      this.closed = true;
      throw new AuthenticationError(NO_KEYS_BEYOND_LOOPBACK);
    }
    this.closed = false;
    return this.keys.authenticate(key);
  }
}

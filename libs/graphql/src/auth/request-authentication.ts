import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiKeyStore, AuthenticationError, Authenticator, type Principal } from '#libs/access';
import { APP_CONFIG } from '#libs/application';
import { isLoopback, type AppConfig } from '#libs/config';
import { DomainError } from '#libs/domain';

/** Failed key checks a client address may make per minute before it must wait. */
export const FAILED_AUTHENTICATIONS_PER_MINUTE = 20;

export function bearer(value: unknown): string | undefined {
  const header = Array.isArray(value) ? value[0] : value;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

const retryAfter = (rejection: RateLimiterRes) => Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));

/**
 * Authenticates an operation once (not once per root field: aliases do not multiply it) and counts
 * it against its key's rate limit; a client address that keeps sending wrong keys is made to wait.
 */
@Injectable()
export class RequestAuthentication {
  private readonly logger = new Logger('Access');
  readonly authenticator: Authenticator;
  private readonly operations: RateLimiterMemory | undefined;
  private readonly failures = new RateLimiterMemory({ points: FAILED_AUTHENTICATIONS_PER_MINUTE, duration: 60 });
  /**
   * Digests of keys that authenticated lately. An address over its failure limit (many clients
   * behind one proxy share an address) may still use such a key; it may not try new ones.
   */
  private readonly provenKeys = new Set<string>();

  constructor(keys: ApiKeyStore, @Inject(APP_CONFIG) config: AppConfig) {
    this.authenticator = new Authenticator(keys, {
      openAccessAllowed: isLoopback(config.host),
      warn: (message) => this.logger.error(message),
    });
    this.operations = config.rateLimitPerMinute > 0 ? new RateLimiterMemory({ points: config.rateLimitPerMinute, duration: 60 }) : undefined;
  }

  /**
   * The principal of one operation (HTTP request or subscription connection).
   * @throws DomainError UNAUTHENTICATED, or RATE_LIMITED with the seconds to wait.
   */
  async principal(key: string | undefined, client: string): Promise<Principal> {
    const digest = key === undefined ? undefined : createHash('sha256').update(key).digest('base64');
    const failed = await this.failures.get(client);
    if (failed && failed.consumedPoints >= FAILED_AUTHENTICATIONS_PER_MINUTE && !(digest && this.provenKeys.has(digest))) {
      throw new DomainError('RATE_LIMITED', `too many failed authentications from this address; retry in ${retryAfter(failed)} s`, undefined, retryAfter(failed));
    }
    let principal: Principal;
    try {
      principal = await this.authenticator.authenticate(key);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      await this.failures.consume(client).catch(() => undefined);
      throw new DomainError('UNAUTHENTICATED', error.message);
    }
    if (digest && !this.provenKeys.has(digest)) {
      if (this.provenKeys.size >= 10_000) this.provenKeys.clear();
      this.provenKeys.add(digest);
    }
    if (this.operations) {
      try {
        await this.operations.consume(principal.keyId);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        throw new DomainError('RATE_LIMITED', `rate limit reached; retry in ${retryAfter(rejection)} s`, undefined, retryAfter(rejection));
      }
    }
    return principal;
  }
}

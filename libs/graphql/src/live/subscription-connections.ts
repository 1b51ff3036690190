import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AuthenticationError, type Principal } from '#libs/access';
import { RequestAuthentication } from '../auth/request-authentication.js';

/** The part of a WebSocket this needs: graphql-ws closes with 4403 for "forbidden". */
export interface ClosableSocket {
  close(code: number, reason: string): void;
}

/** How often open connections are checked again (the key cache holds a key for 5 s). */
const RECHECK_MS = 2_000;

/**
 * Subscription connections are authenticated when they open, and again every few seconds while
 * they stay open: a connection whose key was revoked (or whose open loopback access ended because
 * a key now exists) is closed, within about the time a new request with that key is refused.
 */
@Injectable()
export class SubscriptionConnections implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Subscriptions');
  private readonly open = new Map<ClosableSocket, string | undefined>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(private readonly authentication: RequestAuthentication) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.recheck(), RECHECK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The connection's principal; it is watched from now on. @throws DomainError when refused. */
  async connect(socket: ClosableSocket, key: string | undefined, client: string): Promise<Principal> {
    const principal = await this.authentication.principal(key, client);
    this.open.set(socket, key);
    return principal;
  }

  disconnect(socket: ClosableSocket): void {
    this.open.delete(socket);
  }

  get size(): number {
    return this.open.size;
  }

  private async recheck(): Promise<void> {
    if (this.checking || this.open.size === 0) return;
    this.checking = true;
    try {
      for (const [socket, key] of [...this.open]) {
        try {
          await this.authentication.authenticator.authenticate(key);
        } catch (error) {
          if (!(error instanceof AuthenticationError)) throw error;
          this.open.delete(socket);
          socket.close(4403, 'Forbidden: the key is no longer valid');
        }
      }
    } catch (error) {
      this.logger.warn(`could not re-check subscription keys: ${String(error)}`);
    } finally {
      this.checking = false;
    }
  }
}

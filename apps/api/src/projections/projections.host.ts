import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type pg from 'pg';
import { APP_CONFIG, DATABASE_CONNECTION_STRING, DATABASE_POOL, EVENT_STORE, type ReadModelSync, type UnappliedEvent } from '#libs/application';
import type { AppConfig } from '#libs/config';
import type { EventStore } from '#libs/event-store';
import { ProjectionRunner, ledgerProjections } from '#libs/projections';

/**
 * Runs the read-model projections inside the API (unless LEDGER_RUN_PROJECTIONS=false, when
 * another process runs them); mutations wait on it for read-your-writes either way.
 */
@Injectable()
export class ProjectionsHost implements ReadModelSync, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Projections');
  private readonly runner: ProjectionRunner;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_POOL) pool: pg.Pool,
    @Inject(DATABASE_CONNECTION_STRING) connectionString: string,
    @Inject(EVENT_STORE) eventStore: EventStore,
  ) {
    this.runner = new ProjectionRunner({
      pool,
      connectionString,
      eventStore,
      projections: ledgerProjections(),
      log: (level, message, fields) => this.logger[level === 'error' ? 'error' : level === 'warn' ? 'warn' : 'log']({ ...fields, msg: message }),
    });
  }

  async onModuleInit(): Promise<void> {
    if (this.config.runProjections) await this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }

  waitFor(position: bigint, timeoutMs: number, eventIds?: readonly string[]): Promise<readonly UnappliedEvent[]> {
    return this.runner.waitFor(position, timeoutMs, eventIds);
  }
}

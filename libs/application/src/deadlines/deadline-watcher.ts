import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DomainError, promiseDecider, promiseStream, type Clock } from '#libs/domain';
import type { AppConfig } from '#libs/config';
import { APP_CONFIG, CLOCK, DEADLINE_FINDER } from '../tokens.js';
import { DecideAndAppend } from '../shared/decide-and-append.js';
import type { CommandContext } from '../shared/command-context.js';

/** Finds open promises by due date, through an index (never a scan of every promise). */
export interface DeadlineFinder {
  /** Open promises whose due date is at or before `now`, by (dueBy, id), after the given key. */
  findDuePromises(now: Date, limit: number, after?: { dueBy: Date; id: string }): Promise<{ id: string; dueBy: Date }[]>;
  /** Open promises due after `now` and at or before `until` that are not flagged for that date yet (made before risk levels). */
  findPromisesAtRisk(now: Date, until: Date, limit: number): Promise<string[]>;
  /** Open, running promises whose next risk moment is at or before `now`, by (moment, id), after the given key. */
  findRiskCrossings(now: Date, limit: number, after?: { at: Date; id: string }): Promise<{ id: string; at: Date }[]>;
}

const BATCH = 500;
const CONCURRENCY = 8;
const SYSTEM: CommandContext = { actor: 'system', correlationId: 'deadline-watcher', source: 'deadline-watcher' };

/**
 * Breaks open promises whose deadline passed (brokenAt = dueBy, DEADLINE_PASSED) and records their
 * risk crossings (AT_RISK, CRITICAL) at the moments stored with them; paused promises are neither. Each breach is appended at the stream revision it was decided on, so several
 * watchers, or an agent keeping the promise at the same moment, produce one terminal event.
 */
@Injectable()
export class DeadlineWatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DeadlineWatcher');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly decisions: DecideAndAppend,
    @Inject(DEADLINE_FINDER) private readonly finder: DeadlineFinder,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.runDeadlineWatcher) this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    this.stopped = false;
    const loop = () => {
      this.running = this.tick()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error({ msg: 'deadline check failed', error: String(error) }))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.config.deadlineCheckIntervalMs);
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass: every promise that fell due (catching up after downtime), then the at-risk ones. */
  async tick(): Promise<{ broken: number; flagged: number }> {
    let broken = 0;
    let flagged = 0;
    // Page by (dueBy, id): the read model may not show this tick's breaches yet.
    const until = this.clock.now();
    let after: { dueBy: Date; id: string } | undefined;
    for (;;) {
      const due = await this.finder.findDuePromises(until, BATCH, after);
      broken += await this.each(due.map((d) => d.id), (id) => ({ type: 'BreakPromiseForDeadline' as const, promiseId: id }));
      if (due.length < BATCH || this.stopped) break;
      after = due[due.length - 1];
    }
    const now = this.clock.now();
    // The decider records every level crossed by now, in order, each once: after downtime, both.
    let crossedAfter: { at: Date; id: string } | undefined;
    for (;;) {
      const crossed = await this.finder.findRiskCrossings(now, BATCH, crossedAfter);
      flagged += await this.each(crossed.map((c) => c.id), (id) => ({ type: 'FlagPromiseAtRisk' as const, promiseId: id }));
      if (crossed.length < BATCH || this.stopped) break;
      crossedAfter = crossed[crossed.length - 1];
    }
    const atRisk = await this.finder.findPromisesAtRisk(now, new Date(now.getTime() + this.config.atRiskWindowMs), BATCH);
    flagged += await this.each(atRisk, (id) => ({ type: 'FlagPromiseAtRisk' as const, promiseId: id }));
    return { broken, flagged };
  }

  private async each(ids: string[], command: (id: string) => { type: 'BreakPromiseForDeadline' | 'FlagPromiseAtRisk'; promiseId: string }): Promise<number> {
    let appended = 0;
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        try {
          const decision = await this.decisions.run(promiseDecider, promiseStream(id), (now) => ({ ...command(id), now }), {
            context: SYSTEM,
            mustExist: `promise ${id} not found`,
            awaitReadModels: false,
          });
          appended += decision.appended;
        } catch (error) {
          // Settled, amended or detected by someone else meanwhile: nothing to do.
          if (!(error instanceof DomainError && error.code === 'INVALID_STATE')) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker));
    return appended;
  }
}

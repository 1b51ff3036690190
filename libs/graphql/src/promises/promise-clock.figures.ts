import { BusinessTime } from '#libs/business-time';
import type { CalendarReads, PromiseView } from '#libs/projections';

const CACHED = 200;

/**
 * The clock figures of a promise at a moment (elapsedRatio, pausedSeconds), counted on its
 * calendar's version when it follows one. A calendar version never changes, so its arithmetic
 * is kept per process.
 */
export class PromiseClockFigures {
  private readonly times = new Map<string, Promise<BusinessTime | null>>();

  constructor(private readonly calendars: CalendarReads) {}

  /** Share of the promised clock time used at `now`, 0 to 1+; null once settled. */
  async elapsedRatio(p: PromiseView, now: Date): Promise<number | null> {
    if (p.status !== 'OPEN' || p.clockMs <= 0) return null;
    const between = await this.between(p);
    const at = p.paused && p.pausedAt ? p.pausedAt : now;
    // Counted from dueBy, where the clock time left is known, rather than from madeAt.
    const elapsed = at < p.dueBy ? p.clockMs - between(at, p.dueBy) : p.clockMs + between(p.dueBy, at);
    return Math.round((Math.max(0, elapsed) / p.clockMs) * 10_000) / 10_000;
  }

  /** Clock time spent paused so far, the pause under way included. */
  async pausedSeconds(p: PromiseView, now: Date): Promise<number> {
    const current = p.paused && p.pausedAt ? (await this.between(p))(p.pausedAt, now) : 0;
    return Math.floor((p.pausedMs + current) / 1_000);
  }

  private async between(p: PromiseView): Promise<(from: Date, to: Date) => number> {
    const time = p.calendar ? await this.timeOf(p.calendar.id, p.calendar.version) : null;
    const wall = (from: Date, to: Date) => Math.max(0, to.getTime() - from.getTime());
    if (!time) return wall;
    return (from, to) => {
      try {
        return time.between(from, to);
      } catch {
        return wall(from, to); // more than the 10 years a calendar clock counts: an estimate, not a failure
      }
    };
  }

  private timeOf(id: string, version: number): Promise<BusinessTime | null> {
    const key = `${id}@${version}`;
    let time = this.times.get(key);
    if (!time) {
      time = this.calendars.businessCalendar(id, version).then((c) => (c ? new BusinessTime(c) : null));
      if (this.times.size >= CACHED) this.times.clear();
      this.times.set(key, time);
      // A calendar not in the read model yet is asked again next time.
      void time.then((t) => t ?? this.times.delete(key));
    }
    return time;
  }
}

// Values of <input type="date"> and <input type="datetime-local" step="1"> in the browser's zone.
// (format.ts's toLocalInput stops at minutes; an "As of" moment needs seconds.)

const pad = (n: number) => String(n).padStart(2, '0');

/** The instant a local day (`YYYY-MM-DD`) starts, as ISO; `daysLater` moves to a later day's start. */
export function startOfLocalDay(value: string, daysLater = 0): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  // new Date('2026-12-01') would be midnight UTC, not the browser's midnight.
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + daysLater);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** A `datetime-local` value with seconds for an instant, in the browser's zone. */
export function toLocalSecondsInput(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Today's date in the browser's zone, as `YYYY-MM-DD`. */
export function localToday(): string {
  const date = new Date();
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

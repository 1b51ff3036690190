// Dates in the browser's own time zone, with the zone named; money always with its currency.
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

// dateStyle cannot be combined with timeZoneName: the parts are named one by one.
const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});

export const browserTimeZone = (): string => zone;

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

/** `amount` is a decimal string from the API (never a float on the wire). */
export function formatMoney(money: { amount: string; currency: string } | null | undefined): string {
  if (!money) return 'Unpriced';
  const value = Number(money.amount);
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: money.currency }).format(value);
  } catch {
    return `${money.amount} ${money.currency}`;
  }
}

export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return '—';
  return new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 }).format(ratio);
}

/** A live countdown's text: "in 3 h 12 min" / "overdue by 5 min". */
export function formatCountdown(dueIso: string, now: number): string {
  const ms = new Date(dueIso).getTime() - now;
  const abs = Math.abs(ms);
  const days = Math.floor(abs / 86_400_000);
  const hours = Math.floor((abs % 86_400_000) / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const seconds = Math.floor((abs % 60_000) / 1000);
  const text = days > 0 ? `${days} d ${hours} h` : hours > 0 ? `${hours} h ${minutes} min` : minutes > 0 ? `${minutes} min ${seconds} s` : `${seconds} s`;
  return ms >= 0 ? `in ${text}` : `overdue by ${text}`;
}

/** `<input type="datetime-local">` value for an instant, in the browser's zone. */
export function toLocalInput(iso: string | Date): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The instant a `datetime-local` value names in the browser's zone, as ISO (null when empty or invalid). */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

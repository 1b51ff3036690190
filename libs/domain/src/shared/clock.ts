export interface Clock {
  now(): Date;
}

/** The one place the domain's time comes from the machine. */
export const systemClock: Clock = { now: () => new Date() };

export const fixedClock = (iso: string): Clock => ({ now: () => new Date(iso) });

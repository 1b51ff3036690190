import { useSyncExternalStore } from 'react';

// One timer for every countdown on the page: it ticks each second while any countdown is shown,
// and only the components reading it re-render.
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const notify of listeners) notify();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The current time, to the second, re-read each second. */
export const useSecondsClock = (): number => useSyncExternalStore(subscribe, () => now);

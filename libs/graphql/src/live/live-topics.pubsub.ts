import { Injectable } from '@nestjs/common';

/** Updates a subscriber may hold unread before older ones are dropped: a slow client cannot grow memory. */
export const MAX_PENDING_PER_SUBSCRIBER = 100;

interface Subscriber {
  topic: string;
  accept: (payload: unknown) => boolean;
  queue: unknown[];
  wake?: () => void;
  closed: boolean;
}

/** In-process topics for GraphQL subscriptions, with a bounded queue per subscriber. */
@Injectable()
export class LiveTopics {
  private readonly subscribers = new Set<Subscriber>();
  private readonly idleListeners = new Set<() => void>();

  /** Called whenever the last subscriber leaves. */
  onIdle(listener: () => void): void {
    this.idleListeners.add(listener);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  publish(topic: string, payload: unknown): void {
    for (const s of this.subscribers) {
      if (s.topic !== topic || !s.accept(payload)) continue;
      if (s.queue.length >= MAX_PENDING_PER_SUBSCRIBER) s.queue.shift();
      s.queue.push(payload);
      s.wake?.();
    }
  }

  subscribe<T>(topic: string, accept: (payload: T) => boolean): AsyncIterableIterator<T> {
    const subscriber: Subscriber = { topic, accept: accept as (p: unknown) => boolean, queue: [], closed: false };
    this.subscribers.add(subscriber);
    const close = () => {
      subscriber.closed = true;
      const removed = this.subscribers.delete(subscriber);
      subscriber.wake?.();
      if (removed && this.subscribers.size === 0) for (const listener of this.idleListeners) listener();
    };
    const iterator: AsyncIterableIterator<T> = {
      [Symbol.asyncIterator]: () => iterator,
      next: async () => {
        while (!subscriber.closed && subscriber.queue.length === 0) {
          await new Promise<void>((resolve) => (subscriber.wake = resolve));
          subscriber.wake = undefined;
        }
        if (subscriber.closed) return { value: undefined, done: true };
        return { value: subscriber.queue.shift() as T, done: false };
      },
      return: async () => {
        close();
        return { value: undefined, done: true };
      },
      throw: async (error) => {
        close();
        throw error;
      },
    };
    return iterator;
  }
}

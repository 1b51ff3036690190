import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { NewEvent, StoredEvent } from '../event-store.port.js';
import { checkStoredAppend, checkStoredIds } from './kurrentdb-stored-append.check.js';

const newEvents = (count: number): NewEvent[] =>
  Array.from({ length: count }, (_, n) => ({ id: randomUUID(), type: 'Tested', data: { n }, metadata: { actor: 't' } }));

const storedAs = (events: readonly NewEvent[], firstRevision = 0n): StoredEvent[] =>
  events.map((e, i) => ({
    id: e.id,
    stream: 's',
    revision: firstRevision + BigInt(i),
    position: 1_000n + BigInt(i) * 120n,
    type: e.type,
    data: e.data,
    metadata: {},
    recordedAt: new Date(),
  }));

describe('checking what an append left in its revisions', () => {
  it('finds our events and reports the last one', () => {
    const events = newEvents(3);
    expect(checkStoredAppend(events, storedAs(events, 5n))).toEqual({ kind: 'ours', lastRevision: 7n, lastPosition: 1_240n });
  });

  it('finds someone else\'s events: a genuine conflict', () => {
    expect(checkStoredAppend(newEvents(2), storedAs(newEvents(2)))).toEqual({ kind: 'theirs' });
  });

  it('finds our id with other content: the id was reused', () => {
    const events = newEvents(2);
    const stored = storedAs(events);
    stored[1] = { ...stored[1]!, data: { n: 99 } };
    expect(checkStoredAppend(events, stored)).toEqual({ kind: 'conflict', eventId: events[1]!.id });
  });

  it('finds only the first of our ids: a partial match is a reused id too', () => {
    const events = newEvents(2);
    const stored = storedAs([events[0]!, ...newEvents(1)]);
    expect(checkStoredAppend(events, stored)).toEqual({ kind: 'conflict', eventId: events[1]!.id });
  });

  it('finds nothing yet, or only the start of our events: not visible', () => {
    const events = newEvents(3);
    expect(checkStoredAppend(events, [])).toEqual({ kind: 'not-visible' });
    expect(checkStoredAppend(events, storedAs(events).slice(0, 2))).toEqual({ kind: 'not-visible' });
  });
});

describe('looking for an append\'s ids anywhere in its stream', () => {
  it('finds none: the append is new', () => {
    expect(checkStoredIds(newEvents(2), storedAs(newEvents(3)))).toEqual({ kind: 'absent' });
    expect(checkStoredIds(newEvents(1), [])).toEqual({ kind: 'absent' });
  });

  it('finds all of them with the same content, wherever they are: the stored result of the last', () => {
    const events = newEvents(2);
    const history = storedAs([...newEvents(2), ...events, ...newEvents(1)]);
    expect(checkStoredIds(events, history)).toEqual({ kind: 'ours', lastRevision: 3n, lastPosition: 1_360n });
  });

  it('finds one with other content: a reused id', () => {
    const events = newEvents(2);
    const history = storedAs(events);
    history[1] = { ...history[1]!, type: 'Other' };
    expect(checkStoredIds(events, history)).toEqual({ kind: 'conflict', eventId: events[1]!.id, partial: false });
  });

  it('finds only some of them: an atomic append that can never be stored as it is', () => {
    const events = newEvents(3);
    expect(checkStoredIds(events, storedAs(events.slice(0, 2)))).toEqual({ kind: 'conflict', eventId: events[0]!.id, partial: true });
  });
});

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '@kurrent/kurrentdb-client';
import type { NewEvent, StoredEvent } from '../event-store.port.js';
import { decodeMetadata, decodeRecordedEvent, encodeEvent, encodeMetadata, isSameEvent, isSystemEvent, isSystemEventType } from './kurrentdb-event.mapping.js';

const newEvent = (overrides: Partial<NewEvent> = {}): NewEvent => ({
  id: randomUUID(),
  type: 'PromiseMade',
  data: { promiseId: 'p-1', dueBy: '2026-12-01T00:00:00.000Z' },
  metadata: { correlationId: 'corr-1', causationId: 'cause-1', actor: 'agent:7', source: 'graphql' },
  ...overrides,
});

const stored = (event: NewEvent, overrides: Partial<StoredEvent> = {}): StoredEvent => ({
  id: event.id,
  stream: 'promise-p-1',
  revision: 0n,
  position: 100n,
  type: event.type,
  data: JSON.parse(JSON.stringify(event.data ?? null)),
  metadata: event.metadata ?? {},
  recordedAt: new Date(),
  ...overrides,
});

describe('KurrentDB event mapping', () => {
  it('writes correlation and causation ids also under the names KurrentDB projections read', () => {
    expect(encodeMetadata({ correlationId: 'c', causationId: 'k', actor: 'a', source: 'erp' })).toEqual({
      correlationId: 'c',
      causationId: 'k',
      actor: 'a',
      source: 'erp',
      $correlationId: 'c',
      $causationId: 'k',
    });
    expect(encodeMetadata({ actor: 'a' })).toEqual({ actor: 'a' });
    expect(encodeMetadata(undefined)).toEqual({});
  });

  it('reads our metadata back without the $ copies', () => {
    const metadata = { correlationId: 'c', causationId: 'k', actor: 'a', source: 'erp' };
    expect(decodeMetadata(encodeMetadata(metadata))).toEqual(metadata);
  });

  it('takes correlation and causation from the $ names when another writer used only those', () => {
    expect(decodeMetadata({ $correlationId: 'c', $causationId: 'k' })).toEqual({ correlationId: 'c', causationId: 'k' });
  });

  it('reads absent or non-JSON metadata as empty', () => {
    expect(decodeMetadata(undefined)).toEqual({});
    expect(decodeMetadata(new Uint8Array([1, 2]))).toEqual({});
    expect(decodeMetadata(['x'])).toEqual({});
  });

  it('encodes an event as JSON under our own id', () => {
    const event = newEvent();
    expect(encodeEvent(event)).toEqual({
      id: event.id,
      contentType: 'application/json',
      type: 'PromiseMade',
      data: event.data,
      metadata: encodeMetadata(event.metadata),
    });
  });

  it('stores undefined data as null, since JSON has no undefined', () => {
    expect(encodeEvent(newEvent({ data: undefined })).data).toBeNull();
  });

  it('refuses ids KurrentDB cannot take and the types it reserves', () => {
    expect(() => encodeEvent(newEvent({ id: 'erp-42' }))).toThrow(/must be a UUID/);
    expect(() => encodeEvent(newEvent({ type: '$metadata' }))).toThrow(/reserved/);
  });

  it('decodes a recorded event, recordedAt being the server created time', () => {
    const created = new Date('2026-11-23T10:00:00.000Z');
    const id = randomUUID();
    const recorded = {
      streamId: 'customer-1',
      id: id.toUpperCase(),
      revision: 3n,
      type: 'CustomerRegistered',
      created,
      data: { name: 'Acme' },
      metadata: { actor: 'x', $correlationId: 'c' },
      isJson: true,
      position: { commit: 990n, prepare: 990n },
    } as RecordedEvent;
    expect(decodeRecordedEvent(recorded)).toEqual({
      id,
      stream: 'customer-1',
      revision: 3n,
      position: 990n,
      type: 'CustomerRegistered',
      data: { name: 'Acme' },
      metadata: { actor: 'x', correlationId: 'c' },
      recordedAt: created,
    });
  });

  it('keeps the original recorded time of an event copied from another log', () => {
    const recorded = {
      streamId: 'promise-1',
      id: randomUUID(),
      revision: 0n,
      type: 'PromiseMade',
      created: new Date('2026-11-23T10:00:00.000Z'),
      data: {},
      metadata: { actor: 'x', $recordedAt: '2025-01-31T08:15:00.000Z' },
      isJson: true,
      position: { commit: 5n, prepare: 5n },
    } as RecordedEvent;
    const event = decodeRecordedEvent(recorded);
    expect(event.recordedAt).toEqual(new Date('2025-01-31T08:15:00.000Z'));
    expect(event.metadata).toEqual({ actor: 'x' });
    const garbled = { ...recorded, metadata: { $recordedAt: 'yesterday' } } as RecordedEvent;
    expect(decodeRecordedEvent(garbled).recordedAt).toEqual(recorded.created);
  });

  it('tells KurrentDB system events apart', () => {
    expect(isSystemEventType('$metadata')).toBe(true);
    expect(isSystemEventType('$>')).toBe(true);
    expect(isSystemEventType('PromiseKept')).toBe(false);
    expect(isSystemEvent({ type: 'Result', streamId: '$projections-ledger-result' })).toBe(true);
    expect(isSystemEvent({ type: '$streamDeleted', streamId: 'promise-1' })).toBe(true);
    expect(isSystemEvent({ type: 'PromiseKept', streamId: 'promise-1' })).toBe(false);
  });

  it('sees a stored event as ours when id, type and data match, whatever the key order or metadata', () => {
    const event = newEvent({ data: { a: 1, b: [1, 2, { c: null }] } });
    expect(isSameEvent(event, stored(event, { metadata: { actor: 'someone else' } }))).toBe(true);
    expect(isSameEvent(event, stored(event, { id: event.id.toUpperCase() }))).toBe(true);
  });

  it('sees other data, another type or another id as a different event', () => {
    const event = newEvent({ data: { n: 1 } });
    expect(isSameEvent(event, stored(event, { data: { n: 2 } }))).toBe(false);
    expect(isSameEvent(event, stored(event, { type: 'PromiseKept' }))).toBe(false);
    expect(isSameEvent(event, stored(event, { id: randomUUID() }))).toBe(false);
  });
});

import { describe, expect, it } from '@jest/globals';
import { ERASED_TEXT, EVENT_SCHEMA_VERSION } from '#libs/domain';
import type { NewEvent, StoredEvent } from '#libs/event-store';
import type { CustomerKeys, DataKeyStore } from './data-key.store.js';
import { PersonalDataCodec } from './personal-data.codec.js';
import { newDataKey, sealingKeysOf } from './sealing.js';

/** The keys as the store would hand them out: per customer, null once destroyed. */
class KeysInMemory {
  readonly keys = new Map<string, CustomerKeys>();
  lookups = 0;
  async keysOf(ids: Iterable<string>, options: { create?: boolean } = {}): Promise<Map<string, CustomerKeys>> {
    this.lookups++;
    const found = new Map<string, CustomerKeys>();
    for (const id of ids) {
      if (!this.keys.has(id) && options.create) this.keys.set(id, sealingKeysOf(newDataKey()));
      if (this.keys.has(id)) found.set(id, this.keys.get(id)!);
    }
    return found;
  }
}

const keys = new KeysInMemory();
const codec = new PersonalDataCodec(keys as unknown as DataKeyStore);
const asStored = (event: NewEvent, position: bigint): StoredEvent => ({
  ...event,
  stream: 'promise-p1',
  revision: position - 1n,
  position,
  metadata: event.metadata ?? {},
  recordedAt: new Date(),
});

describe('PersonalDataCodec', () => {
  const made: NewEvent = {
    id: '6d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a',
    type: 'PromiseMade',
    data: { promiseId: 'p1', customerId: 'c-codec', kind: 'DELIVERY', touchPoint: 'HUMAN', description: 'call Mrs Odile back', madeAt: 't', dueBy: 't' },
    metadata: { actor: 'agent', schemaVersion: 1 },
  };

  it('stores personal fields sealed and everything else clear, at the current schema version, and reads them back', async () => {
    const [encoded] = await codec.encode([made]);
    expect(encoded!.data).toEqual({ ...(made.data as object), description: { sealed: expect.any(String) } });
    expect(JSON.stringify(encoded)).not.toContain('Odile');
    expect(encoded!.metadata).toEqual({ actor: 'agent', schemaVersion: EVENT_SCHEMA_VERSION });
    const [decoded] = await codec.decode([asStored(encoded!, 1n)]);
    expect(decoded!.data).toEqual(made.data);
  });

  it('stores an erased customer new text as [erased], never in clear', async () => {
    keys.keys.set('c-gone', null);
    const [encoded] = await codec.encode([{ ...made, data: { ...(made.data as object), customerId: 'c-gone' } }]);
    expect((encoded!.data as { description: string }).description).toBe(ERASED_TEXT);
  });

  it('decodes one read of the log once for the followers sharing it, and a later read afresh', async () => {
    const [encoded] = await codec.encode([made]);
    const read = [asStored(encoded!, 1n)];
    const before = keys.lookups;
    const [first, second] = await Promise.all([codec.decode(read, { fresh: true }), codec.decode(read, { fresh: true })]);
    expect(keys.lookups - before).toBe(1);
    expect(second).toBe(first);
    expect(first![0]!.data).toEqual(made.data);
    // Once decoded, the same events asked again look their keys up again (a key may be destroyed since).
    await codec.decode(read, { fresh: true });
    expect(keys.lookups - before).toBe(2);
  });

  it('leaves events without personal data, and types it does not know, as they are', async () => {
    const atRisk: NewEvent = { id: 'x', type: 'PromiseAtRisk', data: { promiseId: 'p1', customerId: 'c-codec', dueBy: 't', flaggedAt: 't' }, metadata: { schemaVersion: EVENT_SCHEMA_VERSION } };
    const unknown: NewEvent = { id: 'y', type: 'SomethingNewer', data: { description: 'clear' } };
    const [a, b] = await codec.encode([atRisk, unknown]);
    expect(a).toBe(atRisk);
    expect(b).toBe(unknown);
  });
});

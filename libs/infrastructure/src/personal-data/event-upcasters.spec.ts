import { describe, expect, it } from '@jest/globals';
import { ERASED_TEXT, EVENT_SCHEMA_VERSION } from '#libs/domain';
import type { StoredEvent } from '#libs/event-store';
import { UPCASTERS, needsKeys, schemaVersionOf, upcast } from './event-upcasters.js';
import { newDataKey, sealField, sealingKeysOf } from './sealing.js';

const keys = sealingKeysOf(newDataKey());
const stored = (data: unknown, metadata: Record<string, unknown>): StoredEvent => ({
  id: '0b9f6c52-5d7e-4b5c-9d8e-3f1c2a4b5d6e',
  stream: 'customer-c1',
  revision: 0n,
  position: 1n,
  type: 'CustomerRegistered',
  data,
  metadata,
  recordedAt: new Date('2026-12-01T00:00:00Z'),
});
const clear = { customerId: 'c1', name: 'Zéphyr Büro', kind: 'RESELLER', email: 'z@b.example', registeredAt: '2026-12-01T00:00:00.000Z' };
const sealedData = (event: StoredEvent) => ({
  ...clear,
  name: { sealed: sealField(keys, event.id, 'name', clear.name) },
  email: { sealed: sealField(keys, event.id, 'email', clear.email) },
});

describe('upcasters', () => {
  it('has one for every version up to the current one', () => expect(Object.keys(UPCASTERS).map(Number)).toEqual([1, EVENT_SCHEMA_VERSION]));

  describe('version 1 (personal data in clear)', () => {
    it('is the current shape already, with or without the version in the metadata', () => {
      for (const metadata of [{}, { schemaVersion: 1 }]) {
        const event = stored(clear, metadata);
        expect(schemaVersionOf(event)).toBe(1);
        expect(needsKeys(event)).toBe(false);
        expect(upcast(event, undefined)).toBe(event);
      }
    });
  });

  describe('version 2 (personal fields sealed under the customer key)', () => {
    const template = stored(null, { schemaVersion: 2 });
    const event = { ...template, data: sealedData(template) };

    it('opens the sealed fields with the customer key, leaving the rest as stored', () => {
      expect(needsKeys(event)).toBe(true);
      expect(upcast(event, keys)).toEqual({ ...event, data: clear });
    });

    it('reads every sealed field as [erased] once the key is destroyed (null) or was never there (undefined)', () => {
      const erased = { ...clear, name: ERASED_TEXT, email: ERASED_TEXT };
      expect(upcast(event, null).data).toEqual(erased);
      expect(upcast(event, undefined).data).toEqual(erased);
    });

    it('refuses a sealed field moved to another event or field, or opened with another key', () => {
      expect(() => upcast({ ...event, id: 'a0000000-0000-4000-8000-000000000000' }, keys)).toThrow();
      expect(() => upcast({ ...event, data: { ...event.data, name: event.data.email } }, keys)).toThrow();
      expect(() => upcast(event, sealingKeysOf(newDataKey()))).toThrow();
    });

    it('leaves clear fields of a version-2 event (text stored for an erased customer) as they are', () => {
      const redacted = { ...template, data: { ...clear, name: ERASED_TEXT } };
      expect(upcast(redacted, null)).toBe(redacted);
    });
  });

  it('leaves an event of a newer version than this code knows as it is', () => {
    const event = stored({ anything: { sealed: 'x' } }, { schemaVersion: EVENT_SCHEMA_VERSION + 1 });
    expect(needsKeys(event)).toBe(false);
    expect(upcast(event, keys)).toBe(event);
  });
});

describe('sealing', () => {
  it('gives the same bytes for the same text of the same event (a re-sent append stays idempotent), other bytes otherwise', () => {
    const id = '0b9f6c52-5d7e-4b5c-9d8e-3f1c2a4b5d6e';
    expect(sealField(keys, id, 'name', 'Acme')).toBe(sealField(keys, id, 'name', 'Acme'));
    expect(sealField(keys, id, 'name', 'Acme')).not.toBe(sealField(keys, id, 'name', 'Acme!'));
    expect(sealField(keys, id, 'name', 'Acme')).not.toBe(sealField(keys, id, 'email', 'Acme'));
    expect(Buffer.from(sealField(keys, id, 'name', 'Acme'), 'base64').toString('latin1')).not.toContain('Acme');
  });
});

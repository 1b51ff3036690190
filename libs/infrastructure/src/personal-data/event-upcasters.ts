import { ERASED_TEXT, EVENT_SCHEMA_VERSION } from '#libs/domain';
import type { StoredEvent } from '#libs/event-store';
import { openField, type SealingKeys } from './sealing.js';

/** A sealed personal field as stored (schema version 2): `{ "sealed": base64 }`. */
export interface SealedValue {
  sealed: string;
}

export const isSealed = (value: unknown): value is SealedValue =>
  typeof value === 'object' && value !== null && typeof (value as SealedValue).sealed === 'string' && Object.keys(value).length === 1;

/** The schema version an event was stored with (metadata.schemaVersion; absent: 1). */
export const schemaVersionOf = (event: Pick<StoredEvent, 'metadata'>): number => {
  const version = event.metadata?.schemaVersion;
  return typeof version === 'number' && Number.isInteger(version) && version >= 1 ? version : 1;
};

/** What an upcaster is given: the event, and its customer's keys (null when destroyed, undefined when it has none). */
export type Upcaster = (event: StoredEvent, keys: SealingKeys | null | undefined) => unknown;

/**
 * The one place where every stored version becomes the current shape (the domain's events):
 * a reader never sees a version number or a sealed field.
 * - 1: personal data in clear, as the domain writes it: nothing to do.
 * - 2: personal fields sealed under the customer's data key: opened, or `[erased]` once the key
 *   is gone.
 */
// Keyed by every version up to the current one: bumping EVENT_SCHEMA_VERSION does not compile until
// its upcaster is here.
export const UPCASTERS: Readonly<Record<1 | typeof EVENT_SCHEMA_VERSION, Upcaster>> = {
  1: (event) => event.data,
  2: (event, keys) => {
    const data = event.data as Record<string, unknown>;
    let opened: Record<string, unknown> | undefined;
    for (const [field, value] of Object.entries(data)) {
      if (!isSealed(value)) continue;
      opened ??= { ...data };
      opened[field] = keys ? openField(keys, event.id, field, value.sealed) : ERASED_TEXT;
    }
    return opened ?? data;
  },
};

/** The event in the current shape; a version newer than this code knows is left as it is. */
export function upcast(event: StoredEvent, keys: SealingKeys | null | undefined): StoredEvent {
  const version = schemaVersionOf(event);
  if (version > EVENT_SCHEMA_VERSION) return event;
  const data = UPCASTERS[version as keyof typeof UPCASTERS](event, keys);
  return data === event.data ? event : { ...event, data };
}

/** Whether an event's data holds sealed fields (so its customer's keys are needed to read it). */
export const needsKeys = (event: StoredEvent): boolean =>
  schemaVersionOf(event) >= 2 && schemaVersionOf(event) <= EVENT_SCHEMA_VERSION && typeof event.data === 'object' && event.data !== null && Object.values(event.data).some(isSealed);

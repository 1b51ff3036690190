import { EVENT_SCHEMA_VERSION, ERASED_TEXT, LEDGER_EVENT_TYPES, dataSubjectOf, personalFieldsOf, type LedgerEvent } from '#libs/domain';
import type { EventCodec, EventMetadata, NewEvent, StoredEvent } from '#libs/event-store';
import type { DataKeyStore } from './data-key.store.js';
import { needsKeys, upcast } from './event-upcasters.js';
import { sealField } from './sealing.js';

const KNOWN: ReadonlySet<string> = new Set(LEDGER_EVENT_TYPES);

interface Plan {
  event: NewEvent;
  subject: string;
  fields: string[];
}

/**
 * Events carry ciphertext for personal data (name, e-mail, what agents typed), sealed under the
 * customer's data key; everything else stays clear. Writes are stored at the current schema
 * version; reads of every version come back in the domain's shape (event-upcasters.ts).
 */
export class PersonalDataCodec implements EventCodec {
  /**
   * Fresh decodes in flight, by the array of events they decode: the followers of a store share
   * one read of the log (SharedTail hands each the same array), and now share its decode too,
   * one key look-up and one decryption per event instead of one per follower. The look-up still
   * starts after the read it decodes completed, so it is as fresh as each follower's own would be.
   */
  private readonly decoding = new WeakMap<readonly StoredEvent[], Promise<StoredEvent[]>>();

  constructor(private readonly keys: DataKeyStore) {}

  async encode(events: readonly NewEvent[]): Promise<NewEvent[]> {
    const plans: (Plan | undefined)[] = events.map((event) => this.plan(event));
    const subjects = plans.flatMap((p) => (p ? [p.subject] : []));
    const keys = subjects.length > 0 ? await this.keys.keysOf(subjects, { create: true }) : new Map();
    const metadataOf = versioned();
    return events.map((event, index) => {
      const plan = plans[index];
      const metadata = KNOWN.has(event.type) ? metadataOf(event.metadata) : event.metadata;
      if (!plan) return metadata === event.metadata ? event : { ...event, metadata };
      const customerKeys = keys.get(plan.subject) ?? null;
      const data: Record<string, unknown> = { ...(event.data as Record<string, unknown>) };
      for (const field of plan.fields) {
        // An erased customer's new text is not stored at all: it reads as erased from the start.
        data[field] = customerKeys ? { sealed: sealField(customerKeys, event.id, field, data[field]) } : ERASED_TEXT;
      }
      return { ...event, data, metadata };
    });
  }

  decode(events: readonly StoredEvent[], options: { fresh?: boolean } = {}): Promise<StoredEvent[]> {
    if (!options.fresh) return this.decodeNow(events, options);
    let decoded = this.decoding.get(events);
    if (!decoded) {
      decoded = this.decodeNow(events, options);
      this.decoding.set(events, decoded);
      // Only followers of the same read join (they resume together, before any look-up returns).
      const forget = () => void this.decoding.delete(events);
      decoded.then(forget, forget);
    }
    return decoded;
  }

  private async decodeNow(events: readonly StoredEvent[], options: { fresh?: boolean }): Promise<StoredEvent[]> {
    const subjects = new Set<string>();
    for (const event of events) {
      if (!needsKeys(event)) continue;
      const subject = dataSubjectOf(event as unknown as LedgerEvent);
      if (typeof subject === 'string') subjects.add(subject);
    }
    const keys = subjects.size > 0 ? await this.keys.keysOf(subjects, { fresh: options.fresh }) : new Map();
    return events.map((event) => {
      const subject = needsKeys(event) ? dataSubjectOf(event as unknown as LedgerEvent) : undefined;
      return upcast(event, subject === undefined ? undefined : keys.get(subject));
    });
  }

  /** Which fields of an event to seal, and under whose key; none for an event without personal data. */
  private plan(event: NewEvent): Plan | undefined {
    if (!KNOWN.has(event.type) || typeof event.data !== 'object' || event.data === null) return undefined;
    const ledgerEvent = event as unknown as LedgerEvent;
    const subject = dataSubjectOf(ledgerEvent);
    if (typeof subject !== 'string') return undefined;
    const data = event.data as Record<string, unknown>;
    const fields = personalFieldsOf(ledgerEvent).filter((f) => data[f] !== undefined && data[f] !== null);
    return fields.length > 0 ? { event, subject, fields } : undefined;
  }
}

/** The metadata at the current schema version; events that shared one object still share one. */
function versioned(): (metadata: EventMetadata | undefined) => EventMetadata {
  const done = new Map<EventMetadata | undefined, EventMetadata>();
  return (metadata) => {
    if (metadata?.schemaVersion === EVENT_SCHEMA_VERSION) return metadata;
    let next = done.get(metadata);
    if (!next) done.set(metadata, (next = { ...metadata, schemaVersion: EVENT_SCHEMA_VERSION }));
    return next;
  };
}

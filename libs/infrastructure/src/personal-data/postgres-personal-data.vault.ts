import type pg from 'pg';
import type { PersonalDataVault } from '#libs/application';
import type { DataKeyStore } from './data-key.store.js';
import type { LegacyEventSealer } from './legacy-event-sealer.js';

// The read-model columns that hold personal data or text derived from it (search columns).
const PERSONAL_COLUMNS = [
  'analyze rm_customers (name, email, search_vector, name_words, search_name)',
  'analyze rm_promises (description, broken_reason)',
  'analyze rm_errors (description)',
  'analyze rm_timeline (summary, data)',
];

/** Data keys in PostgreSQL; events in clear sealed first when the log is there too (not on KurrentDB). */
export class PostgresPersonalDataVault implements PersonalDataVault {
  constructor(
    private readonly pool: pg.Pool,
    private readonly keys: DataKeyStore,
    private readonly sealer: LegacyEventSealer | undefined,
  ) {}

  async destroyKey(customerId: string): Promise<void> {
    await this.sealer?.sealCustomer(customerId);
    await this.keys.destroy(customerId);
  }

  /**
   * ANALYZE of the columns that hold personal data: their statistics keep sample values (most
   * common values, histogram bounds) until the next ANALYZE, which samples the cleared rows.
   * The events' data only while events in clear may remain (sealed ones sample ciphertext).
   */
  async refreshSamples(): Promise<void> {
    for (const statement of PERSONAL_COLUMNS) await this.pool.query(statement);
    if (this.sealer) await this.pool.query('analyze es_events (data)');
  }
}

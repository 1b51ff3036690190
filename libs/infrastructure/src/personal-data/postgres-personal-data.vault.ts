import type { PersonalDataVault } from '#libs/application';
import type { DataKeyStore } from './data-key.store.js';
import type { LegacyEventSealer } from './legacy-event-sealer.js';

/** Data keys in PostgreSQL; events in clear sealed first when the log is there too (not on KurrentDB). */
export class PostgresPersonalDataVault implements PersonalDataVault {
  constructor(
    private readonly keys: DataKeyStore,
    private readonly sealer: LegacyEventSealer | undefined,
  ) {}

  async destroyKey(customerId: string): Promise<void> {
    await this.sealer?.sealCustomer(customerId);
    await this.keys.destroy(customerId);
  }
}

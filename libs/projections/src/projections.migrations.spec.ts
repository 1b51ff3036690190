import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { projectionMigrations } from './projections.migrations.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('read-side migrations', () => {
  it('keeps every released migration exactly as it was, in the same order (databases upgrade without re-running anything)', () => {
    expect(projectionMigrations.slice(0, 5).map((m) => [m.id, sha256(m.sql)])).toEqual([
      ['0100_read_models', '6065f4447974c6d74cb6d790a68f293c041d0fd4fe61f31a2953d2fdca23039d'],
      ['0101_read_models_recorded_times', '189e6f6fb274756519a37a648471d2007ab51e2835dd581aeedf4ece0a8b3442'],
      ['0102_brand_ledger_counters', 'e2f6e27bcd6864b7dc6302ec8785132633d46cfe3bca166bed7d690f9ec79b13'],
      ['0103_parked_events', 'c641271af85c2dfc5d008c074dce766106096ea1225b31dc6c589e6f1e96ac74'],
      ['0104_customer_search', '3e3f4a92c0ddf39c72c2863c6fde7770ec7e6d5e98d9df334186b538e774ae06'],
    ]);
    const ids = projectionMigrations.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});

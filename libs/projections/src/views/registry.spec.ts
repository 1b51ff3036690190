import { describe, expect, it } from '@jest/globals';
import { promisesProjection } from './promises/promises.projection.js';
import { CheckpointedViews } from './shared/checkpointed-views.js';
import { VIEWS_BY_CHECKPOINT, checkpointOf, ledgerProjections } from './registry.js';

describe('views registry', () => {
  it('keeps the checkpoint names of existing databases, each table owned by one view', () => {
    expect(ledgerProjections().map((p) => p.name)).toEqual(['ledger', 'timeline']);
    const tables = ledgerProjections().flatMap((p) => p.tables);
    expect(new Set(tables).size).toBe(tables.length);
    expect(tables.sort()).toEqual(['rm_brand_ledger', 'rm_business_calendars', 'rm_cost_policies', 'rm_customers', 'rm_error_cost_months', 'rm_errors', 'rm_promises', 'rm_timeline']);
  });

  it('refuses a view reading a table its checkpoint does not feed', () => {
    expect(() => new CheckpointedViews('promises-alone', [promisesProjection])).toThrow(
      'view promises reads rm_customers, which checkpoint promises-alone does not feed',
    );
  });

  it('finds the checkpoint of a view or of a checkpoint name', () => {
    expect(checkpointOf('promises')).toBe('ledger');
    expect(checkpointOf('ledger')).toBe('ledger');
    expect(checkpointOf('timeline')).toBe('timeline');
    expect(checkpointOf('nope')).toBeUndefined();
    const views = Object.values(VIEWS_BY_CHECKPOINT).flatMap((vs) => vs.map((v) => v.name));
    expect(new Set(views).size).toBe(views.length);
  });
});

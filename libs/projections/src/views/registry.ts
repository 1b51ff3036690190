import type { Migration } from '#libs/postgres';
import type { Projection } from '../projection.js';
import { customersReadModel } from './customers/customers.read-model.js';
import { errorCostsReadModel } from './error-costs/error-costs.read-model.js';
import { promisesReadModel } from './promises/promises.read-model.js';
import { CheckpointedViews } from './shared/checkpointed-views.js';
import type { ReadModel } from './shared/read-model.js';
import { timelineReadModel } from './timeline/timeline.read-model.js';

/**
 * Every view, once, under the checkpoint that feeds it. Views under one checkpoint are applied in
 * one transaction per batch, in this order (docs/architecture.md, "Views"); every checkpoint
 * adds a transaction per batch that each mutation waits for.
 */
export const VIEWS_BY_CHECKPOINT = {
  ledger: [customersReadModel, promisesReadModel, errorCostsReadModel],
  timeline: [timelineReadModel],
} as const satisfies Record<string, readonly ReadModel[]>;

export type CheckpointName = keyof typeof VIEWS_BY_CHECKPOINT;

/** Every read model of the ledger, one projection per checkpoint. */
export const ledgerProjections = (): Projection[] =>
  Object.entries(VIEWS_BY_CHECKPOINT).map(([name, views]) => new CheckpointedViews(name, views));

/** The checkpoint hosting a view (a view is rebuilt with the views sharing its checkpoint). */
export function checkpointOf(viewOrCheckpoint: string): CheckpointName | undefined {
  for (const [name, views] of Object.entries(VIEWS_BY_CHECKPOINT) as [CheckpointName, readonly ReadModel[]][]) {
    if (name === viewOrCheckpoint || views.some((v) => v.name === viewOrCheckpoint)) return name;
  }
  return undefined;
}

/** The views' names, for messages. */
export const viewNames = (): string[] => Object.values(VIEWS_BY_CHECKPOINT).flatMap((views) => views.map((v) => v.name));

/** The views' own migrations (libs/projections' projectionMigrations lists them with the others, by id). */
export const viewMigrations = (): Migration[] => Object.values(VIEWS_BY_CHECKPOINT).flatMap((views) => views.flatMap((v) => v.migrations));

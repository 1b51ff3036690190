import type { Migration } from '#libs/postgres';
import type { Projection } from '../projection.js';
import { calendarsProjection } from './calendars/calendars.projection.js';
import { customersProjection } from './customers/customers.projection.js';
import { errorCostsProjection } from './error-costs/error-costs.projection.js';
import { promisesProjection } from './promises/promises.projection.js';
import { CheckpointedViews } from './shared/checkpointed-views.js';
import type { ViewProjection } from './shared/view-projection.js';
import { timelineProjection } from './timeline/timeline.projection.js';

/**
 * Every view, once, under the checkpoint that feeds it. Views under one checkpoint are applied in
 * one transaction per batch, in this order (docs/architecture.md, "Views"); every checkpoint
 * adds a transaction per batch that each mutation waits for.
 */
export const VIEWS_BY_CHECKPOINT = {
  ledger: [customersProjection, promisesProjection, errorCostsProjection, calendarsProjection],
  timeline: [timelineProjection],
} as const satisfies Record<string, readonly ViewProjection[]>;

export type CheckpointName = keyof typeof VIEWS_BY_CHECKPOINT;

/** Every read model of the ledger, one projection per checkpoint. */
export const ledgerProjections = (): Projection[] =>
  Object.entries(VIEWS_BY_CHECKPOINT).map(([name, views]) => new CheckpointedViews(name, views));

/** The checkpoint hosting a view (a view is rebuilt with the views sharing its checkpoint). */
export function checkpointOf(viewOrCheckpoint: string): CheckpointName | undefined {
  for (const [name, views] of Object.entries(VIEWS_BY_CHECKPOINT) as [CheckpointName, readonly ViewProjection[]][]) {
    if (name === viewOrCheckpoint || views.some((v) => v.name === viewOrCheckpoint)) return name;
  }
  return undefined;
}

/** The views' names, for messages. */
export const viewNames = (): string[] => Object.values(VIEWS_BY_CHECKPOINT).flatMap((views) => views.map((v) => v.name));

/** The views' own migrations (libs/projections' projectionMigrations lists them with the others, by id). */
export const viewMigrations = (): Migration[] => Object.values(VIEWS_BY_CHECKPOINT).flatMap((views) => views.flatMap((v) => v.migrations));

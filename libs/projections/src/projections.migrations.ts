import type { Migration } from '#libs/postgres';
import { viewMigrations } from './views/registry.js';
import { readModelsMigrations } from './views/read-models.migrations.js';

/** The runner's own tables (besides projection_checkpoints, created with the first read models). */
const runnerMigrations: readonly Migration[] = [
  {
    // Events a projection could not apply, set aside (with the error) so that it could go on.
    id: '0103_parked_events',
    sql: `
create table projection_parked (
  projection text not null,
  position bigint not null,
  event_id text not null,
  stream text not null,
  type text not null,
  error text not null,
  attempts int not null,
  parked_at timestamptz not null default now(),
  primary key (projection, position)
);
`,
  },
];

/**
 * Every migration of the read side, by id: the first read models (shared by several views), each
 * view's own (in its folder), the runner's. Ids and SQL never change once released
 * (projections.migrations.spec.ts).
 */
export const projectionMigrations: Migration[] = [...readModelsMigrations, ...viewMigrations(), ...runnerMigrations].sort((a, b) =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
);

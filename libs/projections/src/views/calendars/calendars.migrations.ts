import type { Migration } from '#libs/postgres';

export const calendarsMigrations: readonly Migration[] = [
  {
    // Every version of every business calendar: a promise's clock follows the version it was made with.
    id: '0111_business_calendars',
    sql: `
create table rm_business_calendars (
  version_key text primary key,
  id text not null,
  version int not null,
  name text not null,
  time_zone text not null,
  hours jsonb not null,
  holidays jsonb not null,
  set_at timestamptz not null
);
create unique index rm_business_calendars_versions on rm_business_calendars (id, version desc);
`,
  },
];

import type { Migration } from '#libs/postgres';

export const accessMigrations: Migration[] = [
  {
    id: '0200_api_keys',
    sql: `
create table api_keys (
  id uuid primary key,
  name text not null,
  role text not null check (role in ('AGENT', 'FINANCE', 'INTEGRATION', 'ADMIN')),
  key_hash text not null unique,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create unique index api_keys_active_name on api_keys (name) where revoked_at is null;
`,
  },
];

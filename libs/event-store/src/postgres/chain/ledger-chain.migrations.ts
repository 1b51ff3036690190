import type { Migration } from '#libs/postgres';

/** Advisory lock (transaction-level) of the chain: one sealer batch, or one es_chain_hold, at a time. */
export const CHAIN_LOCK_KEY = 7_340_921_003;

/**
 * The hash chain over es_events, kept beside it by the chain sealer (never by es_append: its
 * critical section stays as small as it was). One row per chained event, in position order.
 */
export const ledgerChainMigrations: Migration[] = [
  {
    id: '0005_es_chain',
    sql: `
create table es_chain (
  position bigint primary key,
  event_id uuid not null,
  hash bytea not null,
  sealed_at timestamptz not null default now()
);

-- A rewrite in progress (the one-off sealing of personal data, ledger migrate): the sealer chains
-- nothing after the smallest held position until the hold is released.
create table es_chain_holds (
  name text primary key,
  position bigint not null,
  held_at timestamptz not null default now()
);

-- Every time chained rows were dropped to be chained again (a sanctioned rewrite): the dropped
-- head, so an operator can see that a published digest past it was superseded, and why.
create table es_chain_reseals (
  id bigserial primary key,
  name text not null,
  from_position bigint not null,
  dropped_head bigint not null,
  dropped_hash bytea not null,
  resealed_at timestamptz not null default now()
);

/*
 * Holds the chain at p_position for the rewrite p_name: chained rows after it are dropped (and
 * recorded in es_chain_reseals) so the sealer chains the rewritten events again once released.
 * Call it in the rewrite's transaction, before changing events after p_position; move it forward
 * as the rewrite progresses; es_chain_release when done.
 */
create function es_chain_hold(p_name text, p_position bigint) returns void
language plpgsql as $fn$
declare
  v_head bigint;
  v_hash bytea;
begin
  -- Waits for a sealer batch in flight, and keeps sealers out until this transaction ends.
  perform pg_advisory_xact_lock(${CHAIN_LOCK_KEY});
  insert into es_chain_holds (name, position) values (p_name, p_position)
  on conflict (name) do update set position = excluded.position, held_at = now();
  select position, hash into v_head, v_hash from es_chain order by position desc limit 1;
  if v_head is not null and v_head > p_position then
    delete from es_chain where position > p_position;
    insert into es_chain_reseals (name, from_position, dropped_head, dropped_hash)
    values (p_name, p_position, v_head, v_hash);
  end if;
end
$fn$;

create function es_chain_release(p_name text) returns void
language sql as $fn$
  delete from es_chain_holds where name = p_name;
$fn$;
`,
  },
];

import type { Migration } from '#libs/postgres';

export const customersMigrations: readonly Migration[] = [
  {
    // Finding a customer while the phone rings (searchCustomers): every word of id, name, email
    // and region, lower-cased and without accents, as a tsvector whose GIN index answers word
    // prefixes; the name's own words rank whole-word matches first, its folded form orders the
    // rest. These columns are generated, so the projection fills them by writing the row and a rebuild's copies (`like … including
    // all`) compute them too. unaccent is a trusted contrib extension: the database's owner can
    // install it; without the right, say what to do instead of PostgreSQL's bare refusal.
    id: '0104_customer_search',
    sql: `
do $$
begin
  create extension if not exists unaccent;
exception when others then
  raise exception 'customer search needs the PostgreSQL extension unaccent (contrib): %', sqlerrm
    using hint = 'run "create extension unaccent;" in this database as its owner or a superuser (or grant CREATE on the database), then start again';
end $$;

-- unaccent() is only STABLE (it reads its dictionary through search_path); pinned to the
-- extension's schema and dictionary, it is fixed for a given text, so it may be indexed.
do $do$
declare
  ext text := (select extnamespace::regnamespace::text from pg_extension where extname = 'unaccent');
begin
  execute format($f$
    create function ledger_search_fold(text) returns text
      language sql immutable strict parallel safe
      set search_path = pg_catalog
    as $body$ select lower(%1$s.unaccent(%2$L::regdictionary, $1)) $body$
  $f$, ext, ext || '.unaccent');
end $do$;

create function ledger_search_words(text) returns text[]
  language sql immutable strict parallel safe
  set search_path = pg_catalog
as $body$
  select coalesce(array_agg(distinct left(w, 200)), '{}')
    from regexp_split_to_table(public.ledger_search_fold($1), '[^[:alnum:]]+') w
   where w <> ''
$body$;

-- A prefix query of every word of the text (each a run of letters and digits, quoted): no
-- operator a caller types ever reaches the tsquery parser.
create function ledger_search_query(text) returns tsquery
  language sql immutable strict parallel safe
  set search_path = pg_catalog
as $body$
  select string_agg(quote_literal(w) || ':*', ' & ')::tsquery from unnest(public.ledger_search_words($1)) w
$body$;

alter table rm_customers
  add column search_vector tsvector generated always as
    (array_to_tsvector(ledger_search_words(id || ' ' || coalesce(name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(region, '')))) stored,
  add column name_words text[] generated always as (ledger_search_words(coalesce(name, ''))) stored,
  add column search_name text generated always as (ledger_search_fold(name)) stored;
create index rm_customers_search on rm_customers using gin (search_vector);

-- An error reference typed whole finds the error's customer.
create index rm_errors_reference on rm_errors (reference) where reference is not null;
`,
  },
  {
    // An erased customer keeps its row (id, kind, region, figures) without name and email; its
    // search columns, generated from the row, lose them with it.
    id: '0105_customer_erasure',
    sql: `alter table rm_customers add column erased_at timestamptz;`,
  },
];

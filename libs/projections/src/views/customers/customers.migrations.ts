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
    // Broad words ("a", "gmbh", a region) match tens of thousands of customers, and ranking every
    // match before the limit made them slow. ledger_search_customers walks each word rank in its
    // order instead and stops at \`first\` (see its comments). rm_customers_search_order serves the
    // walks: the folded name in C order (so that the names starting with a word are one range),
    // with the word columns included so that a walk reads no table row. rm_customers_name_words
    // finds whole words without expanding prefixes. fastupdate off: a GIN pending list (up to
    // 4 MB of new customers) is read through by every search.
    id: '0105_customer_search_in_name_order',
    sql: `
create index rm_customers_search_order on rm_customers (search_name collate "C", id) include (name_words, search_vector);
create index rm_customers_name_words on rm_customers using gin (name_words) with (fastupdate = off);
alter index rm_customers_search set (fastupdate = off);
select gin_clean_pending_list('rm_customers_search'::regclass);

-- The least text after every text that starts with $1 (in C order): a name prefix's range ends there.
-- $1 is a search word: its last character is a letter or digit, never the last code point.
create function ledger_search_after(text) returns text
  language sql immutable strict parallel safe
  set search_path = pg_catalog
as $body$ select left($1, -1) || chr(ascii(right($1, 1)) + 1) $body$;

-- The ids searchCustomers answers, best first, at most p_first: the customer whose id is the
-- text, those of a promise id or an error reference, then those whose name has every word whole,
-- then those with every word as a prefix of a word of their id, name, email or region; each rank
-- by folded name (C order), then id.
--
-- A word rank walks rm_customers_search_order in that order, keeping the matches, in three
-- ranges: the names before those starting with the first word, those names (a prefix of a name's
-- first word gathers all its matches there), the names after them. A broad word fills p_first
-- within a few entries. A walk reads at most p_walk entries of a range: what it kept is the
-- start of the rank when it saw the whole range (the next range carries on) or filled p_first;
-- otherwise the word is rare there, and the rest of the rank comes from a GIN index (few
-- matches, sorted here). Customers without a name sort last: only a GIN index finds them.
create function ledger_search_customers(p_text text, p_first int, p_walk int) returns setof text
  language plpgsql stable parallel safe
as $fn$
declare
  v_words text[] := ledger_search_words(p_text);
  v_query tsquery := ledger_search_query(p_text);
  v_ids text[];
  v_found text[];
  v_long boolean;
  v_need int;
  v_lo text;
  v_hi text;
  v_rank int;
  v_range int;
begin
  v_ids := array(select c.id from rm_customers c where c.id = p_text);
  v_ids := v_ids || array(
    select c.id from rm_customers c
     where c.id in (select customer_id from rm_promises where id = p_text
                    union all
                    select customer_id from rm_errors where reference = p_text)
       and c.id <> all(v_ids)
     order by c.search_name collate "C", c.id);
  if cardinality(v_words) = 0 then
    return query select unnest(v_ids[1:p_first]);
    return;
  end if;
  <<ranks>>
  for v_rank in 2..3 loop
    for v_range in 1..3 loop
      v_need := p_first - cardinality(v_ids);
      exit ranks when v_need <= 0;
      v_lo := case v_range when 1 then '' when 2 then v_words[1] else ledger_search_after(v_words[1]) end;
      -- After the last range: no name starts with the last code point (U+10FFFF is no letter).
      v_hi := case v_range when 1 then v_words[1] when 2 then ledger_search_after(v_words[1]) else chr(1114111) end;
      -- The walk keeps its matches and, as a marker, its p_walk-th entry: a range without one was
      -- seen whole.
      select coalesce(array_agg(w.id order by w.n) filter (where w.hit), '{}'), coalesce(bool_or(w.n = p_walk), false)
        into v_found, v_long
        from (
          select s.id, s.n, s.hit from (
            select e.id, e.n, e.id <> all(v_ids) and case v_rank when 2 then e.name_words @> v_words
                                                                 else e.search_vector @@ v_query and not e.name_words @> v_words end as hit
              from (
                select c.id, c.name_words, c.search_vector, row_number() over (order by c.search_name collate "C", c.id) as n
                  from rm_customers c
                 where c.search_name collate "C" >= v_lo and c.search_name collate "C" < v_hi
                 order by c.search_name collate "C", c.id limit p_walk) e) s
           -- In walk order: no sort, so the walk stops once it has v_need + 1.
           where s.hit or s.n = p_walk
           limit v_need + 1) w;
      v_ids := v_ids || v_found[1:v_need];
      exit ranks when cardinality(v_ids) >= p_first;
      v_need := p_first - cardinality(v_ids);
      continue when v_range < 3 and not v_long;
      if v_rank = 2 then
        v_ids := v_ids || array(
          with found as materialized (select c.id, c.search_name from rm_customers c where c.name_words @> v_words and c.id <> all(v_ids))
          select id from found order by search_name collate "C", id limit v_need);
      else
        v_ids := v_ids || array(
          with found as materialized (
            select c.id, c.search_name from rm_customers c
             where c.search_vector @@ v_query and not c.name_words @> v_words and c.id <> all(v_ids))
          select id from found order by search_name collate "C", id limit v_need);
      end if;
      exit;
    end loop;
  end loop;
  return query select unnest(v_ids[1:p_first]);
end
$fn$;
`,
  },
  {
    // An erased customer keeps its row (id, kind, region, figures) without name and email; its
    // search columns, generated from the row, lose them with it.
    id: '0106_customer_erasure',
    sql: `alter table rm_customers add column erased_at timestamptz;`,
  },
];

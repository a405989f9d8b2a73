-- whatsrag: the Supabase (Postgres + pgvector) migration for the listing store (store/supabase.py).
--
-- Apply it once per project: Supabase dashboard -> SQL Editor -> paste this file -> Run,
-- or `psql "$DATABASE_URL" -f store/schema.sql`. Re-applying it is safe: every statement is
-- idempotent (if not exists / create or replace / grants), and it runs in one transaction.
--
-- Vector size: 512 dimensions, float32, L2-normalised (the team's choice: the local embedder makes 512,
-- and OpenAI's text-embedding-3-* are asked for dimensions=512). To change it, replace both
-- `vector(512)` below (the column and match_listings' argument), drop the index and the function first
-- (`drop index listings_embedding_hnsw; drop function match_listings;`), alter the column type and
-- re-embed every row: a vector's size is part of its type.

begin;

-- Supabase installs extensions in the `extensions` schema; the name is looked up through search_path,
-- so this file works whichever schema already holds pgvector.
create schema if not exists extensions;
create extension if not exists vector with schema extensions;
set local search_path = public, extensions;

-- ---------------------------------------------------------------------------------------------------
-- Tables: one row per message, one per listing in it (keyed by message id + position in the message)
-- ---------------------------------------------------------------------------------------------------
create table if not exists public.messages (
    message_id   text primary key,
    text         text,
    type         text not null check (type in ('sale', 'wanted', 'trade', 'question', 'other')),
    confidence   real,
    language     text,
    timestamp    bigint not null,            -- unix seconds, as WhatsApp sends it
    sender_id    text,                       -- personal data: readable by service_role only (RLS below)
    sender_name  text,
    group_id     text,
    source       text not null,              -- 'webhook' or 'import'
    stored_at    timestamptz not null default now()
);

create table if not exists public.listings (
    message_id    text not null references public.messages (message_id) on delete cascade,
    position      integer not null check (position >= 0),   -- order of the watch in its message
    has_listing   boolean not null,          -- false: a message naming no watch, found by its words
    type          text not null,             -- the message's, copied so filters need no join
    timestamp     bigint not null,           -- the message's, for recency
    brand         text,
    model         text,
    reference     text,
    price         numeric,
    currency      text,                      -- ISO 4217
    condition     text,
    year          integer,
    size_mm       numeric,
    movement      text,
    box           boolean,
    papers        boolean,
    price_eur     numeric,                   -- price converted at extraction: what price filters compare
    span_start    integer,                   -- where the listing is in the message text
    span_end      integer,
    brand_key     text,                      -- folded, letters and digits only (store.sqlite_store.key):
    model_key     text,                      --   exact matches, computed by the client so both
    reference_key text,                      --   stores agree on what "the same" means
    embedded_text text not null,             -- what was embedded
    words         text not null,             -- its folded terms (store.embed.terms), for full text
    words_tsv     tsvector generated always as (to_tsvector('simple', words)) stored,
    embedder      text not null,             -- vectors of different embedders are never compared
    embedding     vector(512) not null,
    primary key (message_id, position)
);

-- Approximate nearest neighbours by cosine distance (vectors are normalised, so cosine ranks like L2).
create index if not exists listings_embedding_hnsw
    on public.listings using hnsw (embedding vector_cosine_ops);
create index if not exists listings_words on public.listings using gin (words_tsv);
create index if not exists listings_brand on public.listings (brand_key, timestamp);
create index if not exists listings_model on public.listings (model_key text_pattern_ops, timestamp);
create index if not exists listings_reference on public.listings (reference_key text_pattern_ops);
create index if not exists listings_price_eur on public.listings (price_eur);
create index if not exists listings_recent on public.listings (timestamp);

-- A message read again with fewer listings loses the positions it no longer has, as in the embedded
-- store: POST /rest/v1/rpc/drop_stale_listings {"kept": {"<message id>": <its listing count>, ...}}.
-- Ids travel in the body (no URL length limit); running it twice deletes nothing more (idempotent).
create or replace function public.drop_stale_listings(kept jsonb)
returns integer
language sql
volatile
set search_path = public, extensions
as $$
    with dropped as (
        delete from public.listings l
        using jsonb_each_text(kept) as k(message_id, listing_count)
        where l.message_id = k.message_id and l.position >= k.listing_count::integer
        returning 1
    )
    select count(*)::integer from dropped
$$;

-- ---------------------------------------------------------------------------------------------------
-- Search: POST /rest/v1/rpc/match_listings
-- ---------------------------------------------------------------------------------------------------
-- The exact filters, in one place: brand by key, model as a family (key prefix: Submariner also
-- matches Submariner Date), type, and prices in EUR (price_eur) unless a currency is given, then in
-- that currency. A listing without a price never passes a price filter (NULL compares to nothing).
create or replace function public.listing_passes(
    l public.listings, filter_brand_key text, filter_model_key text, filter_type text,
    filter_currency text, min_price numeric, max_price numeric)
returns boolean
language sql
immutable
as $$
    select (filter_brand_key is null or l.brand_key = filter_brand_key)
       and (filter_model_key is null or starts_with(l.model_key, filter_model_key))
       and (filter_type is null or l.type = filter_type)
       and (filter_currency is null or l.currency = filter_currency)
       and (min_price is null
            or case when filter_currency is null then l.price_eur else l.price end >= min_price)
       and (max_price is null
            or case when filter_currency is null then l.price_eur else l.price end <= max_price)
$$;

-- Hybrid search, the same ranking as the embedded store (store/sqlite_store.py): candidates are the
-- nearest vectors (the HNSW index, ordered by the distance expression itself), rows sharing a word with
-- the query, rows whose reference / model / brand key is the query's, and, for a query of no words,
-- the most recent rows; all of them pass the filters in SQL, before any limit. Each candidate scores
--   weights.vector * cosine similarity + weights.words * (its text rank / the best one)
--   + weights.reference / .model / .brand when its key matches the query's,
-- a row of another brand than the one the query names is narrowed out, and the best match_count
-- come back, best first.
create or replace function public.match_listings(
    query_embedding     vector(512),
    query_embedder      text,
    query_terms         text[] default '{}',
    query_brand_key     text default null,
    query_model_key     text default null,
    query_reference_key text default null,
    weights             jsonb default '{"vector": 0.5, "words": 0.3, "reference": 0.6, "model": 0.3, "brand": 0.15}',
    match_count         integer default 10,
    candidate_count     integer default 200,
    filter_brand_key    text default null,
    filter_model_key    text default null,
    filter_type         text default null,
    filter_currency     text default null,
    min_price           numeric default null,
    max_price           numeric default null
)
returns table (
    message_id   text,
    "position"   integer,                    -- quoted: a keyword, allowed unquoted only as a column
    has_listing  boolean,
    brand        text,
    model        text,
    reference    text,
    price        numeric,
    currency     text,
    condition    text,
    year         integer,
    size_mm      numeric,
    movement     text,
    box          boolean,
    papers       boolean,
    price_eur    numeric,
    span_start   integer,
    span_end     integer,
    text         text,
    type         text,
    sender_name  text,
    "timestamp"  bigint,
    score        double precision
)
language sql
stable
-- pgvector >= 0.8: keep walking the HNSW graph until enough rows pass the filters, in exact order.
set hnsw.iterative_scan = strict_order
set search_path = public, extensions
as $$
    with query as (
        select to_tsquery('simple', coalesce(string_agg(
                   quote_literal(term) || case when term ~ '[0-9]' then ':*' else '' end, ' | '), '')) as words,
               cardinality(query_terms) = 0 as wordless
        from unnest(query_terms) as term
    ),
    nearest as (
        select l.message_id, l.position from public.listings l
        where l.embedder = query_embedder
          and public.listing_passes(l, filter_brand_key, filter_model_key, filter_type,
                                    filter_currency, min_price, max_price)
        order by l.embedding <=> query_embedding
        limit candidate_count
    ),
    by_words as (
        select l.message_id, l.position from public.listings l, query q
        where l.words_tsv @@ q.words
          and public.listing_passes(l, filter_brand_key, filter_model_key, filter_type,
                                    filter_currency, min_price, max_price)
        order by ts_rank(l.words_tsv, q.words) desc
        limit candidate_count
    ),
    by_keys as (
        select l.message_id, l.position from public.listings l
        where (starts_with(l.reference_key, query_reference_key)
               or starts_with(l.model_key, query_model_key)
               or starts_with(l.brand_key, query_brand_key))
          and public.listing_passes(l, filter_brand_key, filter_model_key, filter_type,
                                    filter_currency, min_price, max_price)
        order by l.timestamp desc
        limit candidate_count * 3
    ),
    recent as (
        select l.message_id, l.position from public.listings l, query q
        where q.wordless
          and public.listing_passes(l, filter_brand_key, filter_model_key, filter_type,
                                    filter_currency, min_price, max_price)
        order by l.timestamp desc
        limit candidate_count
    ),
    candidates as (
        select * from nearest union select * from by_words
        union select * from by_keys union select * from recent
    ),
    signals as (
        select l.*, m.text as message_text, m.sender_name,
               -- a zero vector (a text of stopwords only) has no direction: NaN, scored as 0
               case when l.embedder = query_embedder
                    then coalesce(nullif(1 - (l.embedding <=> query_embedding), 'NaN'), 0) else 0 end as similarity,
               case when l.words_tsv @@ q.words then ts_rank(l.words_tsv, q.words) else 0 end as word_rank
        from candidates c
        join public.listings l on l.message_id = c.message_id and l.position = c.position
        join public.messages m on m.message_id = l.message_id
        cross join query q
        where query_brand_key is null or l.brand_key is null or l.brand_key = query_brand_key
    )
    select s.message_id, s.position, s.has_listing, s.brand, s.model, s.reference, s.price, s.currency,
           s.condition, s.year, s.size_mm, s.movement, s.box, s.papers, s.price_eur, s.span_start,
           s.span_end, s.message_text, s.type, s.sender_name, s.timestamp,
           (weights->>'vector')::float8 * s.similarity
           + (weights->>'words')::float8 * coalesce(s.word_rank / nullif(max(s.word_rank) over (), 0), 0)
           + (weights->>'reference')::float8 * (query_reference_key is not null and s.reference_key is not null
                 and (starts_with(s.reference_key, query_reference_key)
                      or starts_with(query_reference_key, s.reference_key)))::int
           + (weights->>'model')::float8 * (query_model_key is not null and s.model_key is not null
                 and (strpos(s.model_key, query_model_key) > 0 or strpos(query_model_key, s.model_key) > 0))::int
           + (weights->>'brand')::float8 * (query_brand_key is not null and s.brand_key is not null
                 and s.brand_key = query_brand_key)::int
             as score
    from signals s
    order by score desc, s.timestamp desc
    limit least(greatest(match_count, 1), 200)
$$;

-- ---------------------------------------------------------------------------------------------------
-- Access: the service_role key only. Supabase grants anon and authenticated everything in `public`
-- by default, and functions are executable by PUBLIC: take both back. RLS on with no policy means
-- even a later accidental grant exposes no row to the anon (publishable) key.
-- ---------------------------------------------------------------------------------------------------
alter table public.messages enable row level security;
alter table public.listings enable row level security;

revoke all on table public.messages, public.listings from anon, authenticated, public;
grant select, insert, update, delete on table public.messages, public.listings to service_role;

revoke all on function public.match_listings(vector, text, text[], text, text, text, jsonb, integer, integer,
                             text, text, text, text, numeric, numeric)
    from anon, authenticated, public;
revoke all on function public.drop_stale_listings(jsonb) from anon, authenticated, public;
grant execute on function public.drop_stale_listings(jsonb) to service_role;
revoke all on function public.listing_passes(public.listings, text, text, text, text, numeric, numeric)
    from anon, authenticated, public;
grant execute on function public.listing_passes(public.listings, text, text, text, text, numeric, numeric)
    to service_role;
grant execute on function public.match_listings(vector, text, text[], text, text, text, jsonb, integer, integer,
                             text, text, text, text, numeric, numeric)
    to service_role;

commit;

-- PostgREST caches the schema: tell it to reload so the new table and function are seen at once.
notify pgrst, 'reload schema';

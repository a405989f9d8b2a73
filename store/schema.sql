-- whatsrag: the Supabase (Postgres + pgvector) migration for the listing store (store/supabase.py).
--
-- Apply it once per project: Supabase dashboard -> SQL Editor -> paste this file -> Run,
-- or `psql "$DATABASE_URL" -f store/schema.sql`. Re-applying it is safe: every statement is
-- idempotent (if not exists / create or replace / grants), and it runs in one transaction.
--
-- Vector size: 512 dimensions, float32, L2-normalised (the team's choice: the local embedder makes 512,
-- and OpenAI's text-embedding-3-* are asked for dimensions=512). To change it, replace the three
-- `vector(512)` below, drop the index and function first (`drop index listings_embedding_hnsw;
-- drop function match_listings;`), alter the column type, and re-embed: a vector's size is part of its type.

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
    message_id   text not null references public.messages (message_id) on delete cascade,
    position     integer not null check (position >= 0),   -- order of the watch in its message
    brand        text,
    model        text,
    reference    text,
    price        numeric,
    currency     text,                       -- ISO 4217
    condition    text,
    year         integer,
    size_mm      numeric,
    movement     text,
    box          boolean,
    papers       boolean,
    price_eur    numeric,                    -- price converted at extraction: what price filters compare
    span_start   integer,                    -- where the listing is in the message text
    span_end     integer,
    embedding    vector(512),
    primary key (message_id, position)
);

-- Approximate nearest neighbours by cosine distance (vectors are normalised, so cosine ranks like L2).
create index if not exists listings_embedding_hnsw
    on public.listings using hnsw (embedding vector_cosine_ops);
-- Exact filters: lets the planner pick an exact scan when a filter is selective.
create index if not exists listings_brand_model on public.listings (lower(brand), lower(model));
create index if not exists listings_price_eur on public.listings (price_eur);

-- ---------------------------------------------------------------------------------------------------
-- Search: POST /rest/v1/rpc/match_listings
-- ---------------------------------------------------------------------------------------------------
-- Orders by the distance expression itself (so the HNSW index can serve it) and applies every filter
-- inside SQL, before the limit: a filtered search still returns up to match_count rows. Prices compare
-- in EUR (price_eur) unless a currency is given, then in that currency; no price never passes a price filter.
create or replace function public.match_listings(
    query_embedding  vector(512),
    match_count      integer default 10,
    filter_brand     text default null,
    filter_model     text default null,
    filter_type      text default null,
    min_price        numeric default null,
    max_price        numeric default null,
    filter_currency  text default null
)
returns table (
    message_id   text,
    "position"   integer,                    -- quoted: a keyword, allowed unquoted only as a column
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
    similarity   double precision
)
language sql
stable
-- pgvector >= 0.8: keep scanning the HNSW graph until enough rows pass the filters, in exact order.
set hnsw.iterative_scan = strict_order
set search_path = public, extensions
as $$
    select l.message_id, l.position, l.brand, l.model, l.reference, l.price, l.currency, l.condition,
           l.year, l.size_mm, l.movement, l.box, l.papers, l.price_eur, l.span_start, l.span_end,
           m.text, m.type, m.sender_name, m.timestamp,
           1 - (l.embedding <=> query_embedding) as similarity
    from public.listings l
    join public.messages m on m.message_id = l.message_id
    where l.embedding is not null
      and (filter_brand is null or lower(l.brand) = lower(filter_brand))
      and (filter_model is null or lower(l.model) = lower(filter_model))
      and (filter_type is null or m.type = filter_type)
      and (filter_currency is null or l.currency = upper(filter_currency))
      and (min_price is null
           or case when filter_currency is null then l.price_eur else l.price end >= min_price)
      and (max_price is null
           or case when filter_currency is null then l.price_eur else l.price end <= max_price)
    order by l.embedding <=> query_embedding
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

revoke all on function public.match_listings(vector, integer, text, text, text, numeric, numeric, text)
    from anon, authenticated, public;
grant execute on function public.match_listings(vector, integer, text, text, text, numeric, numeric, text)
    to service_role;

commit;

-- PostgREST caches the schema: tell it to reload so the new table and function are seen at once.
notify pgrst, 'reload schema';

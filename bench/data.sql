-- bench/data.sql — FraiseQL-shaped sample data: tb_user/tb_post write tables, v_user/v_post
-- views that shape each object as jsonb, tv_user/tv_post projection tables materialised from
-- them, and tv_user_json (the same objects as json).  psql -v scale=N (1.0 = 1,000,000 users).
\if :{?scale}
\else
\set scale 1.0
\endif
SET client_min_messages = warning;
DROP TABLE IF EXISTS tv_user, tv_user_json, tv_post CASCADE;
DROP VIEW IF EXISTS v_user, v_post CASCADE;
DROP TABLE IF EXISTS tb_post, tb_user, tb_org CASCADE;

CREATE TABLE tb_user (pk_user bigint PRIMARY KEY, id uuid NOT NULL UNIQUE, tenant_id int NOT NULL,
                      email text, first_name text, last_name text, status text,
                      created_at timestamptz, rank int, city text, bio text, tags text[]);
INSERT INTO tb_user
SELECT i, md5(i::text)::uuid, i % 10, 'user' || i || '@example.com', 'First' || (i % 1000),
       'Last' || (i % 777), (ARRAY['active', 'inactive', 'pending'])[1 + i % 3],
       timestamptz '2024-01-01' + (i % 100000) * interval '5 minutes', (i::bigint * 7919) % 100,
       (ARRAY['Oslo', 'Lyon', 'Kyoto', 'Lima', 'Perth'])[1 + i % 5], repeat('bio ', 1 + i % 20),
       CASE WHEN i % 10 = 0 THEN ARRAY['vip', 'beta'] WHEN i % 3 = 0 THEN ARRAY['beta'] ELSE ARRAY[]::text[] END
FROM generate_series(1, greatest(1, (1000000 * :scale)::int)) i;

CREATE TABLE tb_post (pk_post bigint PRIMARY KEY, id uuid NOT NULL, fk_user bigint NOT NULL,
                      title text, created_at timestamptz);
INSERT INTO tb_post
SELECT i, md5('p' || i)::uuid, 1 + (i::bigint * 48271) % greatest(1, (1000000 * :scale)::int), 'Post ' || i,
       timestamptz '2024-01-01' + i * interval '1 minute'
FROM generate_series(1, greatest(1, (1000000 * :scale)::int)) i;
CREATE INDEX ON tb_post (fk_user);

CREATE VIEW v_post AS
SELECT p.id, p.fk_user, jsonb_build_object('id', p.id, 'title', p.title, 'created_at', p.created_at) AS data
FROM tb_post p;

CREATE VIEW v_user AS
SELECT u.id, u.tenant_id, u.pk_user,
       jsonb_build_object('id', u.id, 'email', u.email, 'first_name', u.first_name,
                          'last_name', u.last_name, 'status', u.status, 'created_at', u.created_at,
                          'profile', jsonb_build_object('rank', u.rank, 'city', u.city, 'bio', u.bio),
                          'tags', to_jsonb(u.tags),
                          'posts', coalesce((SELECT jsonb_agg(p.data ORDER BY p.data->>'created_at')
                                             FROM v_post p WHERE p.fk_user = u.pk_user), '[]')) AS data
FROM tb_user u;

CREATE TABLE tv_user AS SELECT * FROM v_user;
ALTER TABLE tv_user ADD PRIMARY KEY (id);
-- tenant-scoped pages ordered by id read exactly one page from this index
CREATE INDEX ON tv_user (tenant_id, id);
-- full text over a key (the fts_gin pair; fts_scan reads first_name, which has no index)
CREATE INDEX ON tv_user USING gin (to_tsvector('simple'::regconfig, data->>'last_name'));
CREATE TABLE tv_user_json AS SELECT id, tenant_id, pk_user, data::json AS data FROM tv_user;
ALTER TABLE tv_user_json ADD PRIMARY KEY (id);
CREATE TABLE tv_post AS SELECT * FROM v_post;
ALTER TABLE tv_post ADD PRIMARY KEY (id);
VACUUM ANALYZE tb_user, tb_post, tv_user, tv_user_json, tv_post;

-- The view pushdown pairs (issue 18, bench/sql/pd_*.sql): indexes on the base columns that
-- v_user's keys come from, and v_user_org, v_user with a joined organisation's nested object
-- (one organisation per 100 users) as FraiseQL writes an optional parent.
SELECT greatest(1, (10000 * :scale)::int) AS norgs \gset
CREATE TABLE tb_org (pk_org bigint PRIMARY KEY, name text NOT NULL, country text);
INSERT INTO tb_org SELECT i, 'org' || i, (ARRAY['NO', 'FR', 'JP', 'PE', 'AU'])[1 + i % 5]
FROM generate_series(0, :norgs - 1) i;
CREATE INDEX ON tb_org (name);
CREATE INDEX ON tb_user (email);
CREATE INDEX ON tb_user (created_at);
CREATE INDEX ON tb_user ((pk_user % :norgs));
CREATE VIEW v_user_org AS
SELECT u.id, u.tenant_id, u.pk_user,
       jsonb_build_object('id', u.id, 'email', u.email, 'first_name', u.first_name,
                          'status', u.status, 'created_at', u.created_at,
                          'org', CASE WHEN o.pk_org IS NULL THEN NULL
                                      ELSE jsonb_build_object('name', o.name, 'country', o.country) END,
                          'posts', coalesce((SELECT jsonb_agg(p.data ORDER BY p.data->>'created_at')
                                             FROM v_post p WHERE p.fk_user = u.pk_user), '[]')) AS data
FROM tb_user u LEFT JOIN tb_org o ON o.pk_org = u.pk_user % :norgs;
VACUUM ANALYZE tb_user, tb_org;

-- bench/data_wide.sql — the second benchmark profile (PROFILE=wide, issue 17): the same
-- relation names and native columns as bench/data.sql (tb_user, tb_post, v_user, v_post,
-- tv_user, tv_user_json, tv_post), so every pair script runs on both, but objects as a real
-- API holds them: 600-800 bytes, strings with escaped quotes, backslashes and newlines,
-- non-ASCII text (accents, CJK, an emoji), optional keys and JSON nulls giving over a hundred
-- token shapes, a nested object from a joined table (tb_org), and v_user built with
-- jsonb_build_object, `||` and CASE as FraiseQL views are.  psql -v scale=N (1.0 = 1M users).
\if :{?scale}
\else
\set scale 1.0
\endif
SET client_min_messages = warning;
DROP TABLE IF EXISTS tv_user, tv_user_json, tv_post CASCADE;
DROP VIEW IF EXISTS v_user, v_user_org, v_post CASCADE;
DROP TABLE IF EXISTS tb_post, tb_user, tb_org CASCADE;

-- one organisation per 100 users, named as bench/data.sql names them, so the view pushdown
-- pairs (bench/sql/pd_*.sql) run on both profiles
SELECT greatest(1, (10000 * :scale)::int) AS norgs \gset
CREATE TABLE tb_org (pk_org bigint PRIMARY KEY, name text NOT NULL, country text, plan text);
INSERT INTO tb_org
SELECT o, 'org' || o, (ARRAY['NO', 'FR', 'JP', 'BR', NULL])[1 + o % 5], (ARRAY['free', 'team', 'entreprise « pro »'])[1 + o % 3]
FROM generate_series(0, :norgs - 1) o;

CREATE TABLE tb_user (pk_user bigint PRIMARY KEY, id uuid NOT NULL UNIQUE, tenant_id int NOT NULL,
                      fk_org bigint NOT NULL REFERENCES tb_org, email text, first_name text,
                      last_name text, status text, created_at timestamptz, rank int, city text,
                      bio text, tags text[], phone text, nickname text, score numeric(10, 2),
                      settings jsonb);
INSERT INTO tb_user
SELECT i, md5(i::text)::uuid, i % 10, i % :norgs,
       'user' || i || '@example.com',
       (ARRAY['Zoë', 'José', 'Åsa', 'Ren', 'Mia "M"', 'Oğuz'])[1 + i % 6] || ' ' || (i % 1000),
       (ARRAY['Nakamura', 'Müller', 'O''Brien', 'Dvořák', 'Løkke'])[1 + i % 5],
       (ARRAY['active', 'inactive', 'pending'])[1 + i % 3],
       timestamptz '2024-01-01' + (i % 100000) * interval '5 minutes', (i::bigint * 7919) % 100,
       (ARRAY['Oslo', 'Lyon', 'Kyoto', 'Lima', 'Perth', 'Zürich', '京都'])[1 + i % 7],
       -- 300-430 bytes: quotes, a backslash, a newline, a tab, accents, CJK, an emoji
       'Bio of user ' || i || E': "quoted" words, a back\\slash, a line\nbreak and a\ttab. '
           || repeat('Ça marche très bien — ', 2 + i % 3) || repeat('日本語のテキスト ', 2 + i % 3) || '😀',
       CASE i % 4 WHEN 0 THEN ARRAY['vip', 'beta'] WHEN 1 THEN ARRAY['beta'] WHEN 2 THEN ARRAY[]::text[]
                  ELSE ARRAY['early "adopter"', 'naïve'] END,
       CASE WHEN i % 3 = 0 THEN '+47 ' || lpad((i % 100000000)::text, 8, '0') END,
       CASE i % 5 WHEN 0 THEN 'nick' || i WHEN 1 THEN NULL WHEN 2 THEN E'the \\"one\\"' END,
       CASE WHEN i % 11 <> 0 THEN round(((i * 37) % 100000) / 100.0, 2) END,
       CASE i % 7 WHEN 0 THEN NULL
                  WHEN 1 THEN jsonb_build_object('theme', 'dark')
                  WHEN 2 THEN jsonb_build_object('theme', 'light', 'lang', 'fr-FR')
                  WHEN 3 THEN jsonb_build_object('lang', 'ja', 'notify', true)
                  WHEN 4 THEN jsonb_build_object('notify', false, 'digest', jsonb_build_object('day', 'mon', 'hour', 9))
                  WHEN 5 THEN jsonb_build_object('theme', NULL)
                  ELSE jsonb_build_object('beta_flags', jsonb_build_array('a', 'b', 'c')) END
FROM generate_series(1, greatest(1, (1000000 * :scale)::int)) i;

CREATE TABLE tb_post (pk_post bigint PRIMARY KEY, id uuid NOT NULL, fk_user bigint NOT NULL,
                      title text, created_at timestamptz);
INSERT INTO tb_post
SELECT i, md5('p' || i)::uuid, 1 + (i::bigint * 48271) % greatest(1, (1000000 * :scale)::int),
       'Post ' || i || (ARRAY['', ' — été', ' "draft"', ' 第二版'])[1 + i % 4],
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
                          'profile', jsonb_build_object('rank', u.rank, 'city', u.city, 'bio', u.bio,
                                                        'score', u.score),
                          'org', jsonb_build_object('name', o.name, 'country', o.country, 'plan', o.plan),
                          'tags', to_jsonb(u.tags),
                          'posts', coalesce((SELECT jsonb_agg(p.data ORDER BY p.data->>'created_at')
                                             FROM v_post p WHERE p.fk_user = u.pk_user), '[]'))
       || CASE WHEN u.phone IS NOT NULL THEN jsonb_build_object('phone', u.phone) ELSE '{}' END
       || CASE u.pk_user % 5 WHEN 3 THEN '{}' ELSE jsonb_build_object('nickname', u.nickname) END
       || CASE WHEN u.settings IS NULL THEN '{}' ELSE jsonb_build_object('settings', u.settings) END AS data
FROM tb_user u JOIN tb_org o ON o.pk_org = u.fk_org;

-- as bench/data.sql: the indexes the view pushdown pairs use, and v_user_org (an optional
-- parent's nested object, FraiseQL's CASE WHEN ... IS NULL pattern)
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

CREATE TABLE tv_user AS SELECT * FROM v_user;
ALTER TABLE tv_user ADD PRIMARY KEY (id);
CREATE INDEX ON tv_user (tenant_id, id);
-- as bench/data.sql, for the fts_gin pair (whose 'LastN' words this profile's names never
-- hold: here it measures a search that finds nothing, through the index or, fts_scan, not)
CREATE INDEX ON tv_user USING gin (to_tsvector('simple'::regconfig, data->>'last_name'));
CREATE TABLE tv_user_json AS SELECT id, tenant_id, pk_user, data::json AS data FROM tv_user;
ALTER TABLE tv_user_json ADD PRIMARY KEY (id);
CREATE TABLE tv_post AS SELECT * FROM v_post;
ALTER TABLE tv_post ADD PRIMARY KEY (id);
VACUUM ANALYZE tb_org, tb_user, tb_post, tv_user, tv_user_json, tv_post;

-- The view pushdown (SPEC section 14): accesses to a view's jsonb data are
-- rewritten into exact expressions over its base columns.  Differential
-- tests (pushdown off, on, all and a tv_ table copy give the same rows for
-- every operator family and ordering), plans (indexes of the base tables
-- apply), the cases left alone, a security_barrier view and the plan cache
-- across CREATE OR REPLACE VIEW.
CREATE SCHEMA pushdown;
SET search_path = pushdown, public;
-- jsonb writes timestamps in the session's time zone; the data crosses
-- both DST changes of 2024
SET timezone = 'America/Los_Angeles';
CREATE TABLE tb_org (pk_org bigint PRIMARY KEY, name text NOT NULL, country varchar(2));
CREATE INDEX ON tb_org (name);
CREATE TABLE tb_user (
    pk_user bigint PRIMARY KEY, id uuid NOT NULL UNIQUE, fk_org bigint REFERENCES tb_org,
    email text, nick varchar(20), age integer, score bigint, price numeric(10,2),
    active boolean, created_at timestamptz, ratio float8, tags text[], profile jsonb,
    kind text, code text COLLATE "C");
CREATE INDEX ON tb_user (email);
CREATE INDEX ON tb_user (price);
CREATE INDEX ON tb_user (created_at);
CREATE INDEX ON tb_user (fk_org);
CREATE TABLE tb_post (pk_post bigint PRIMARY KEY, fk_user bigint, title text);
CREATE INDEX ON tb_post (fk_user);
INSERT INTO tb_org SELECT g, 'org' || g, CASE WHEN g % 3 = 0 THEN NULL ELSE 'N' || (g % 5) END
FROM generate_series(1, 50) g;
INSERT INTO tb_user
SELECT g, md5(g::text)::uuid,
       CASE WHEN g % 7 = 0 THEN NULL ELSE g % 50 + 1 END,
       CASE WHEN g % 11 = 0 THEN NULL ELSE 'user' || g || '@example.com' END,
       CASE WHEN g % 13 = 0 THEN NULL ELSE 'Nick' || (g % 17) END,
       CASE WHEN g % 9 = 0 THEN NULL ELSE g % 90 END,
       (g * 7919) % 100000 - 50000,
       CASE WHEN g % 10 = 0 THEN NULL ELSE round((g % 1000) / 7.0, 2) END,
       CASE WHEN g % 5 = 0 THEN NULL ELSE g % 2 = 0 END,
       CASE WHEN g % 8 = 0 THEN NULL
            ELSE '2024-03-09 12:00-08'::timestamptz + g * interval '137 minutes' + g * interval '1.5 microseconds' END,
       CASE WHEN g % 6 = 0 THEN NULL WHEN g % 6 = 1 THEN -0.0 ELSE g / 3.0 END,
       CASE WHEN g % 4 = 0 THEN NULL ELSE ARRAY['t' || g % 3, 't' || g % 5] END,
       CASE WHEN g % 3 = 0 THEN NULL WHEN g % 3 = 1 THEN jsonb_build_object('rank', g % 20, 'city', 'c' || g % 4)
            ELSE 'null'::jsonb END,
       (ARRAY['admin', 'member', 'guest', NULL])[g % 4 + 1],
       CASE WHEN g % 12 = 0 THEN NULL ELSE 'C' || g % 10 END
FROM generate_series(1, 3000) g;
-- the DST changes themselves (2024-03-10 02:00 skipped, 2024-11-03 01:30 twice),
-- a numeric NaN and a price with a trailing zero of its scale
UPDATE tb_user SET created_at = '2024-03-10 01:59:59.999999-08' WHERE pk_user = 1;
UPDATE tb_user SET created_at = '2024-03-10 03:00:00-07' WHERE pk_user = 2;
UPDATE tb_user SET created_at = '2024-11-03 01:30:00-07' WHERE pk_user = 3;
UPDATE tb_user SET created_at = '2024-11-03 01:30:00-08' WHERE pk_user = 4;
UPDATE tb_user SET price = 'NaN', age = -7 WHERE pk_user = 5;
UPDATE tb_user SET price = 10.50 WHERE pk_user = 6;
INSERT INTO tb_post SELECT g, g % 300, 'p' || g % 7 FROM generate_series(1, 900) g;
-- a view as FraiseQL writes them: a join, a nested object of the joined
-- table (NULL when there is none), a CASE, a subquery key, a duplicate key
-- (the last wins), || of two objects, COALESCE of a jsonb column
CREATE VIEW v_user AS
SELECT u.id, u.fk_org,
       jsonb_build_object(
           'id', u.id, 'uid', u.id, 'nick', 'overridden', 'email', u.email, 'age', u.age,
           'score', u.score, 'price', u.price, 'active', u.active, 'created_at', u.created_at,
           'ratio', u.ratio, 'tags', u.tags, 'profile', u.profile, 'code', u.code,
           'org', CASE WHEN o.pk_org IS NULL THEN NULL
                       ELSE jsonb_build_object('name', o.name, 'country', o.country) END,
           'status', CASE WHEN u.active THEN 'on' WHEN NOT u.active THEN 'off' END,
           'posts', COALESCE((SELECT jsonb_agg(jsonb_build_object('title', p.title) ORDER BY p.pk_post)
                              FROM tb_post p WHERE p.fk_user = u.pk_user), '[]'::jsonb),
           'nick', u.nick, 'label', 'left')
       || jsonb_build_object('kind', u.kind, 'meta', COALESCE(u.profile, jsonb_build_object('rank', -1)),
                             'pk', u.pk_user, 'label', u.kind)
       AS data
FROM tb_user u LEFT JOIN tb_org o ON o.pk_org = u.fk_org;
-- a view over the view
CREATE VIEW v_user_nested AS
SELECT v.id, jsonb_build_object('user', v.data, 'uid', v.id, 'org_name', v.data->'org'->'name') AS data
FROM v_user v;
-- optional keys as FraiseQL adds them, || CASE WHEN x IS NOT NULL THEN
-- jsonb_build_object('k', x) ELSE '{}' END (each branch an object), one
-- overriding a key of the left side in some rows only, and a constant object
CREATE VIEW v_user_opt AS
SELECT u.id,
       jsonb_build_object('id', u.id, 'email', u.email, 'age', u.age, 'price', u.price, 'nick', 'base')
       || CASE WHEN u.nick IS NOT NULL THEN jsonb_build_object('nick', u.nick) ELSE '{}' END
       || CASE WHEN u.active THEN jsonb_build_object('state', 'on', 'email', 'hidden') ELSE '{}'::jsonb END
       || '{"src": "const", "meta": {"v": 1}}'::jsonb
       || CASE WHEN u.profile IS NULL THEN '{}' ELSE jsonb_build_object('profile', u.profile) END AS data
FROM tb_user u;
CREATE TABLE tv_user AS SELECT * FROM v_user;
CREATE TABLE tv_user_nested AS SELECT * FROM v_user_nested;
CREATE TABLE tv_user_opt AS SELECT * FROM v_user_opt;
-- all-visible from the start, so that autovacuum cannot change a plan below
VACUUM ANALYZE tb_org, tb_user, tb_post, tv_user, tv_user_nested, tv_user_opt;

-- the rows of a stream, in its order (sorted when there is no order_by)
CREATE FUNCTION rows_of(src regclass, f jsonb, o jsonb, l bigint, off bigint, mode text)
RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE r text[];
BEGIN
  PERFORM set_config('fraiseql.view_pushdown', mode, true);
  r := ARRAY(SELECT x::text FROM fraiseql.stream(src, f, o, l, off) x);
  IF o IS NULL THEN
    r := ARRAY(SELECT e FROM unnest(r) e ORDER BY e);
  END IF;
  RETURN r;
END $$;

CREATE TABLE cases (n serial, src text, f jsonb, o jsonb, l bigint, off bigint);
INSERT INTO cases (src, f, o, l, off) VALUES
-- comparisons on text
('v_user', '{"email": {"eq": "user5@example.com"}}', NULL, NULL, NULL),
('v_user', '{"email": {"neq": "user5@example.com"}}', NULL, NULL, NULL),
('v_user', '{"email": {"gt": "user2995"}}', NULL, NULL, NULL),
('v_user', '{"email": {"gte": "user2995@example.com", "lte": "user2998@example.com"}}', NULL, NULL, NULL),
('v_user', '{"email": {"lt": "user101"}}', NULL, NULL, NULL),
-- varchar, the duplicate key (the last wins), the C collation column
('v_user', '{"nick": {"eq": "Nick5"}}', NULL, NULL, NULL),
('v_user', '{"nick": {"eq": "overridden"}}', NULL, NULL, NULL),
('v_user', '{"code": {"eq": "C3"}}', NULL, NULL, NULL),
('v_user', '{"code": {"gt": "C7"}}', NULL, NULL, NULL),
-- numbers: integer, bigint, numeric with scale and NaN, float8 with -0
('v_user', '{"age": {"eq": 42}}', NULL, NULL, NULL),
('v_user', '{"age": {"gte": 30, "lt": 33}}', NULL, NULL, NULL),
('v_user', '{"age": {"neq": 1}}', NULL, NULL, NULL),
('v_user', '{"age": {"eq": -7, "type": "integer"}}', NULL, NULL, NULL),
('v_user', '{"score": {"gt": 49000}}', NULL, NULL, NULL),
('v_user', '{"score": {"lte": -49900, "type": "bigint"}}', NULL, NULL, NULL),
('v_user', '{"price": {"gt": 140}}', NULL, NULL, NULL),
('v_user', '{"price": {"eq": 10.5}}', NULL, NULL, NULL),
('v_user', '{"price": {"eq": "10.50"}}', NULL, NULL, NULL),
('v_user', '{"price": {"eq": "NaN", "type": "numeric"}}', NULL, NULL, NULL),
('v_user', '{"price": {"lt": 1}}', NULL, NULL, NULL),
('v_user', '{"ratio": {"eq": 0}}', NULL, NULL, NULL),
('v_user', '{"ratio": {"eq": "0"}}', NULL, NULL, NULL),
('v_user', '{"ratio": {"gt": 999.5}}', NULL, NULL, NULL),
-- boolean, uuid, the CASE key
('v_user', '{"active": {"eq": true}}', NULL, NULL, NULL),
('v_user', '{"active": {"neq": false}}', NULL, NULL, NULL),
('v_user', '{"active": {"eq": "true"}}', NULL, NULL, NULL),
('v_user', '{"uid": {"eq": "e4da3b7f-bbce-2345-d777-2b0674a318d5", "type": "uuid"}}', NULL, NULL, NULL),
('v_user', '{"uid": {"eq": "e4da3b7f-bbce-2345-d777-2b0674a318d5"}}', NULL, NULL, NULL),
('v_user', '{"status": {"eq": "off"}}', NULL, NULL, NULL),
-- a key on both sides of ||: the right one wins
('v_user', '{"label": {"eq": "left"}}', NULL, NULL, NULL),
('v_user', '{"label": {"in": ["admin", "guest"]}}', NULL, NULL, NULL),
('v_user', '{"label": {"isnull": true}}', NULL, NULL, NULL),
-- timestamptz: typed (across the DST changes), as text, as a date
('v_user', '{"createdAt": {"gte": "2024-03-10T01:59:59.999999-08:00", "lte": "2024-03-10T03:00:00-07:00", "type": "timestamptz"}}', NULL, NULL, NULL),
('v_user', '{"createdAt": {"eq": "2024-11-03T01:30:00-08:00", "type": "timestamptz"}}', NULL, NULL, NULL),
('v_user', '{"createdAt": {"gt": "2024-12-01", "type": "timestamptz"}}', NULL, NULL, NULL),
('v_user', '{"createdAt": {"gt": "2024-12-10"}}', NULL, NULL, NULL),
('v_user', '{"createdAt": {"lt": "2024-03-11", "type": "date"}}', NULL, NULL, NULL),
('v_user', '{"createdAt": {"lt": "2024-03-11 00:00", "type": "timestamp"}}', NULL, NULL, NULL),
-- lists
('v_user', '{"email": {"in": ["user1@example.com", "user2@example.com", "nobody"]}}', NULL, NULL, NULL),
('v_user', '{"age": {"nin": [1, 2, 3]}}', NULL, NULL, NULL),
('v_user', '{"kind": {"in": ["admin", "guest"]}}', NULL, NULL, NULL),
('v_user', '{"price": {"in": ["10.50", "NaN"], "type": "numeric"}}', NULL, NULL, NULL),
-- null tests: SQL NULLs, JSON nulls, a nested object of no row
('v_user', '{"nick": {"isnull": true}}', NULL, NULL, NULL),
('v_user', '{"createdAt": {"isnull": false}}', NULL, NULL, NULL),
('v_user', '{"price": {"isnull": true}}', NULL, NULL, NULL),
('v_user', '{"profile": {"isnull": true}}', NULL, NULL, NULL),
('v_user', '{"org": {"isnull": true}}', NULL, NULL, NULL),
('v_user', '{"org": {"name": {"isnull": true}}}', NULL, NULL, NULL),
('v_user', '{"org": {"country": {"isnull": false}}}', NULL, NULL, NULL),
('v_user', '{"missing": {"isnull": false}}', NULL, NULL, NULL),
-- string operators
('v_user', '{"email": {"contains": "99@"}}', NULL, NULL, NULL),
('v_user', '{"email": {"icontains": "R29"}}', NULL, NULL, NULL),
('v_user', '{"email": {"startswith": "user29"}}', NULL, NULL, NULL),
('v_user', '{"email": {"istartswith": "USER29"}}', NULL, NULL, NULL),
('v_user', '{"email": {"endswith": "7@example.com"}}', NULL, NULL, NULL),
('v_user', '{"nick": {"iendswith": "K16"}}', NULL, NULL, NULL),
('v_user', '{"nick": {"like": "Nick1_"}}', NULL, NULL, NULL),
('v_user', '{"email": {"regex": "^user1[0-9]@"}}', NULL, NULL, NULL),
('v_user', '{"email": {"iregex": "^USER2[0-9]@"}}', NULL, NULL, NULL),
('v_user', '{"createdAt": {"startswith": "2024-03-10"}}', NULL, NULL, NULL),
-- arrays and jsonb
('v_user', '{"tags": {"array_contains": ["t1"]}}', NULL, NULL, NULL),
('v_user', '{"tags": {"array_contained_by": ["t0", "t1", "t2"]}}', NULL, NULL, NULL),
('v_user', '{"tags": {"array_overlaps": ["t4", "t9"]}}', NULL, NULL, NULL),
('v_user', '{"tags": {"len_eq": 2}}', NULL, NULL, NULL),
('v_user', '{"posts": {"len_gt": 2}}', NULL, NULL, NULL),
('v_user', '{"profile": {"has_key": "rank"}}', NULL, NULL, NULL),
('v_user', '{"profile": {"rank": {"gte": 18}}}', NULL, NULL, NULL),
('v_user', '{"meta": {"rank": {"eq": -1}}}', NULL, NULL, NULL),
('v_user', '{"meta": {"city": {"eq": "c2"}}}', NULL, NULL, NULL),
('v_user', '{"org": {"has_key": "name"}}', NULL, NULL, NULL),
-- the joined table's nested object
('v_user', '{"org": {"name": {"eq": "org7"}}}', NULL, NULL, NULL),
('v_user', '{"org": {"name": {"neq": "org7"}}}', NULL, NULL, NULL),
('v_user', '{"org": {"country": {"in": ["N1", "N2"]}}}', NULL, NULL, NULL),
-- logical operators, native columns beside data keys
('v_user', '{"_or": [{"email": {"eq": "user5@example.com"}}, {"age": {"eq": 3}}]}', NULL, NULL, NULL),
('v_user', '{"_not": {"active": {"eq": true}}}', NULL, NULL, NULL),
('v_user', '{"fk_org": {"eq": 3}, "price": {"gt": 100}}', NULL, NULL, NULL),
-- orderings with and without type, nulls first/last, limit/offset
('v_user', NULL, '[{"field": "createdAt", "direction": "desc", "type": "timestamptz"}, {"field": "id"}]', 20, NULL),
('v_user', NULL, '[{"field": "createdAt", "direction": "asc", "nulls": "first", "type": "timestamptz"}, {"field": "id"}]', 20, 5),
('v_user', NULL, '[{"field": "createdAt"}, {"field": "id"}]', 30, NULL),
('v_user', NULL, '[{"field": "price", "nulls": "last", "type": "numeric"}, {"field": "id"}]', 40, 10),
('v_user', NULL, '[{"field": "price", "direction": "desc", "nulls": "first"}, {"field": "id"}]', 25, NULL),
('v_user', NULL, '[{"field": "email", "direction": "desc", "nulls": "last", "type": "text"}, {"field": "id"}]', 15, NULL),
('v_user', NULL, '[{"field": "email"}, {"field": "id"}]', 15, 3),
('v_user', NULL, '[{"field": "age", "type": "integer"}, {"field": "id"}]', 15, NULL),
('v_user', NULL, '[{"field": "ratio", "direction": "desc", "type": "numeric"}, {"field": "id"}]', 15, NULL),
('v_user', NULL, '[{"field": "org.name", "type": "text"}, {"field": "id"}]', 10, 5),
('v_user', NULL, '[{"field": "active", "nulls": "first"}, {"field": "id"}]', 10, NULL),
('v_user', NULL, '[{"field": "active", "direction": "desc", "nulls": "last"}, {"field": "id"}]', 10, NULL),
('v_user', NULL, '[{"field": "pk", "direction": "desc"}]', 10, NULL),
('v_user', NULL, '[{"field": "pk", "nulls": "first"}]', 10, 7),
('v_user', NULL, '[{"field": "age", "direction": "desc", "nulls": "last"}, {"field": "id"}]', 20, NULL),
('v_user', NULL, '[{"field": "age", "nulls": "last"}, {"field": "id"}]', 20, NULL),
('v_user', NULL, '[{"field": "score"}, {"field": "id"}]', 20, NULL),
('v_user', NULL, '[{"field": "nick", "direction": "desc", "nulls": "first"}, {"field": "id"}]', 20, NULL),
('v_user', NULL, '[{"field": "code", "direction": "desc"}, {"field": "id"}]', 20, NULL),
('v_user', NULL, '[{"field": "org.name", "nulls": "last"}, {"field": "id"}]', 20, NULL),
('v_user', NULL, '[{"field": "status"}, {"field": "id"}]', 20, NULL),
('v_user', '{"price": {"gte": 100}}', '[{"field": "createdAt", "direction": "desc", "type": "timestamptz"}, {"field": "id"}]', 10, 2),
-- the view over the view
('v_user_nested', '{"user": {"email": {"eq": "user5@example.com"}}}', NULL, NULL, NULL),
('v_user_nested', '{"user": {"price": {"gt": 140}}}', NULL, NULL, NULL),
('v_user_nested', '{"user": {"org": {"name": {"eq": "org7"}}}}', NULL, NULL, NULL),
('v_user_nested', '{"orgName": {"eq": "org7"}}', NULL, NULL, NULL),
('v_user_nested', '{"user": {"nick": {"isnull": true}}}', NULL, NULL, NULL),
('v_user_nested', '{"user": {"createdAt": {"lt": "2024-03-10T03:00:00-07:00", "type": "timestamptz"}}}', NULL, NULL, NULL),
('v_user_nested', NULL, '[{"field": "user.createdAt", "direction": "desc", "type": "timestamptz"}, {"field": "id"}]', 20, NULL);
-- optional keys and a constant object
INSERT INTO cases (src, f, o, l, off) VALUES
('v_user_opt', '{"email": {"eq": "user5@example.com"}}', NULL, NULL, NULL),
('v_user_opt', '{"email": {"eq": "user8@example.com"}}', NULL, NULL, NULL),
('v_user_opt', '{"email": {"eq": "hidden"}}', NULL, NULL, NULL),
('v_user_opt', '{"email": {"isnull": true}}', NULL, NULL, NULL),
('v_user_opt', '{"nick": {"eq": "base"}}', NULL, NULL, NULL),
('v_user_opt', '{"nick": {"startswith": "Nick1"}}', NULL, NULL, NULL),
('v_user_opt', '{"state": {"isnull": true}}', NULL, NULL, NULL),
('v_user_opt', '{"src": {"eq": "const"}, "meta": {"v": {"eq": 1}}}', NULL, NULL, NULL),
('v_user_opt', '{"profile": {"rank": {"gte": 15}}}', NULL, NULL, NULL),
('v_user_opt', '{"profile": {"isnull": true}}', NULL, NULL, NULL),
('v_user_opt', '{"age": {"lt": 10}}', '[{"field": "email"}, {"field": "id"}]', 20, 5),
('v_user_opt', '{"price": {"gt": 140}}', '[{"field": "price", "type": "numeric"}, {"field": "id"}]', 20, NULL);

-- every case: the same rows with pushdown off, on and all, and on the tv_ copy
SELECT n, cardinality(off) AS rows, off = on_ AND off = all_ AND off = tv AS same
FROM (SELECT n,
             rows_of(src::regclass, f, o, l, off, 'off') AS off,
             rows_of(src::regclass, f, o, l, off, 'on') AS on_,
             rows_of(src::regclass, f, o, l, off, 'all') AS all_,
             rows_of(replace(src, 'v_', 'tv_')::regclass, f, o, l, off, 'off') AS tv
      FROM cases) r
ORDER BY n;
-- count() and query() of the same filters
CREATE FUNCTION counts_of(src regclass, f jsonb, mode text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('fraiseql.view_pushdown', mode, true);
  RETURN fraiseql.count(src, f) || ' ' || md5(fraiseql.query(src, 'u', f, '[{"field": "id"}]')::text);
END $$;
SELECT count(*) AS cases, count(*) FILTER (WHERE off = on_ AND off = tv) AS same
FROM (SELECT counts_of(src::regclass, f, 'off') AS off, counts_of(src::regclass, f, 'on') AS on_,
             counts_of(replace(src, 'v_', 'tv_')::regclass, f, 'off') AS tv
      FROM cases WHERE o IS NULL) r;

-- plans: EXPLAIN of the stream shows the plan the generated query ran with
CREATE FUNCTION plan(q text, options text DEFAULT '') RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF' || options || ') ' || q LOOP
    IF line ~ 'Peak Chunk Memory|Plan Cache|Translation|Chunks:|Rows:' THEN CONTINUE; END IF;
    RETURN NEXT CASE WHEN length(line) > 110 THEN left(line, 107) || '...' ELSE line END;
  END LOOP;
END $$;
SET enable_bitmapscan = off;
SHOW fraiseql.view_pushdown;
-- an equality on an indexed text key
SELECT * FROM plan($$SELECT * FROM fraiseql.stream('v_user', '{"email": {"eq": "user5@example.com"}}')$$, ', ANALYZE, TIMING OFF, SUMMARY OFF, VERBOSE');
-- a range on a numeric key
SELECT * FROM plan($$SELECT * FROM fraiseql.stream('v_user', '{"price": {"gt": 142}}')$$, ', ANALYZE, TIMING OFF, SUMMARY OFF, VERBOSE');
-- the newest 20 by a typed timestamptz: the index, read backwards
SELECT * FROM plan($$SELECT * FROM fraiseql.stream('v_user', order_by => '[{"field": "createdAt", "direction": "desc", "type": "timestamptz"}]', "limit" => 20)$$, ', ANALYZE, TIMING OFF, SUMMARY OFF, VERBOSE');
-- an ordering without "type" by a NOT NULL integer key: jsonb orders numbers
-- as the column does, so the column's index gives the order
SELECT * FROM plan($$SELECT * FROM fraiseql.stream('v_user', order_by => '[{"field": "pk", "direction": "desc"}]', "limit" => 5)$$, ', ANALYZE, TIMING OFF, SUMMARY OFF, VERBOSE');
-- a key of the joined table's nested object: a condition on tb_org's scan
-- (the CASE of a NOT NULL key's test is the column for ->>), an inner join
SELECT * FROM plan($$SELECT * FROM fraiseql.stream('v_user', '{"org": {"name": {"eq": "org7"}}}')$$, ', ANALYZE, TIMING OFF, SUMMARY OFF, VERBOSE');
-- through the view over the view
SELECT * FROM plan($$SELECT * FROM fraiseql.stream('v_user_nested', '{"user": {"email": {"eq": "user5@example.com"}}}')$$, ', ANALYZE, TIMING OFF, SUMMARY OFF, VERBOSE');
-- optional keys (|| CASE ... ELSE '{}' END) do not hide the other keys: each
-- CASE's branches give the left side's price, so the condition is on the
-- column itself (its index is the planner's to pick); email, which one CASE
-- overrides in some rows, is that CASE
-- (the value shows as $1 under a generic plan, as a constant under a custom one)
SELECT regexp_replace(p, '(\$1|''[^'']*''::(text|numeric))\)$', '<value>)') AS plan
FROM plan($$SELECT * FROM fraiseql.stream('v_user_opt', '{"price": {"gt": 140}}')$$, ', ANALYZE, TIMING OFF, SUMMARY OFF, VERBOSE') p;
SELECT regexp_replace(p, '(\$1|''[^'']*''::(text|numeric))\)$', '<value>)') AS plan
FROM plan($$SELECT * FROM fraiseql.stream('v_user_opt', '{"email": {"eq": "user1@example.com"}}')$$, ', ANALYZE, TIMING OFF, SUMMARY OFF, VERBOSE') p;
-- the same stream with pushdown off: the object is built for every row
SET fraiseql.view_pushdown = off;
SELECT * FROM plan($$SELECT * FROM fraiseql.stream('v_user', '{"email": {"eq": "user5@example.com"}}')$$, ', ANALYZE, TIMING OFF, SUMMARY OFF, VERBOSE');
-- hand-written SQL: rewritten with all only
SET fraiseql.view_pushdown = on;
SELECT * FROM plan($$SELECT data FROM v_user WHERE data->>'email' = 'user5@example.com'$$);
SET fraiseql.view_pushdown = 'all';
SELECT * FROM plan($$SELECT data FROM v_user WHERE data->>'email' = 'user5@example.com'$$);
SELECT * FROM plan($$SELECT data->>'email' FROM v_user WHERE (data->>'price')::numeric BETWEEN 142 AND 143 ORDER BY (data->>'price')::numeric$$);
SELECT * FROM plan($$SELECT data FROM v_user WHERE (data #>> '{org,name}') = 'org7' AND (data->>'created_at')::timestamptz > '2024-12-01'$$);
SELECT * FROM plan($$SELECT data FROM v_user WHERE data->>'nick' IS NULL AND data->'org' IS NOT NULL$$);
-- a LEFT JOIN to the view: a NULL test stays above it, so null-extended rows keep their answer
SELECT * FROM plan($$SELECT o.pk_org FROM tb_org o LEFT JOIN v_user v ON v.fk_org = o.pk_org AND (v.data->>'age')::int = 1 WHERE v.data->>'nick' IS NULL$$);
SELECT (SELECT array_agg(o.pk_org ORDER BY o.pk_org) FROM tb_org o LEFT JOIN v_user v ON v.fk_org = o.pk_org AND (v.data->>'age')::int = 1 WHERE v.data->>'nick' IS NULL)
     = (SELECT array_agg(o.pk_org ORDER BY o.pk_org) FROM tb_org o LEFT JOIN tv_user v ON v.fk_org = o.pk_org AND (v.data->>'age')::int = 1 WHERE v.data->>'nick' IS NULL) AS left_join_same;
-- an untyped ordering by a column that can be NULL: JSON nulls first
-- ascending; a view null-extended by the query's outer join is left as it is
SELECT * FROM plan($$SELECT data FROM v_user ORDER BY data->'email' LIMIT 3$$);
SELECT * FROM plan($$SELECT v.data FROM tb_org o LEFT JOIN v_user v ON v.fk_org = o.pk_org ORDER BY v.data->'age' LIMIT 3$$);
SELECT ARRAY(SELECT o.pk_org || ':' || v.id FROM tb_org o LEFT JOIN v_user v ON v.fk_org = o.pk_org AND v.data->>'email' IN ('user5@example.com', 'user9@example.com')
              ORDER BY v.data->'age' NULLS LAST, v.id, o.pk_org)
     = ARRAY(SELECT o.pk_org || ':' || v.id FROM tb_org o LEFT JOIN tv_user v ON v.fk_org = o.pk_org AND v.data->>'email' IN ('user5@example.com', 'user9@example.com')
              ORDER BY v.data->'age' NULLS LAST, v.id, o.pk_org) AS outer_join_order_same;
SELECT ARRAY(SELECT v.id FROM v_user v WHERE v.data->>'nick' = 'Nick3' ORDER BY v.data->'age' DESC NULLS FIRST, v.id)
     = ARRAY(SELECT v.id FROM tv_user v WHERE v.data->>'nick' = 'Nick3' ORDER BY v.data->'age' DESC NULLS FIRST, v.id) AS order_same;
-- a SubLink over the view, and the outer Var inside it
SELECT (SELECT count(*) FROM tb_org o WHERE EXISTS (SELECT 1 FROM v_user v WHERE v.fk_org = o.pk_org AND v.data->>'email' = 'user5@example.com'))
     = (SELECT count(*) FROM tb_org o WHERE EXISTS (SELECT 1 FROM tv_user v WHERE v.fk_org = o.pk_org AND v.data->>'email' = 'user5@example.com')) AS sublink_same;
SELECT (SELECT count(*) FROM v_user v WHERE EXISTS (SELECT 1 FROM tb_org o WHERE o.name = v.data->'org'->>'name' AND o.pk_org < 10))
     = (SELECT count(*) FROM tv_user v WHERE EXISTS (SELECT 1 FROM tb_org o WHERE o.name = v.data->'org'->>'name' AND o.pk_org < 10)) AS outer_var_same;

-- left alone, one case of each reason (rewritten accesses show base columns)
-- a key that is not a constant: any key could be the one asked for
CREATE VIEW v_dyn AS SELECT u.id, jsonb_build_object(u.kind, u.nick, 'email', u.email) AS data FROM tb_user u;
SELECT * FROM plan($$SELECT data FROM v_dyn WHERE data->>'email' = 'user5@example.com'$$);
-- || with an operand of unknown keys (a jsonb column) blocks every key
CREATE VIEW v_cat AS SELECT u.id, jsonb_build_object('email', u.email) || u.profile AS data FROM tb_user u;
SELECT * FROM plan($$SELECT data FROM v_cat WHERE data->>'email' = 'user5@example.com'$$);
-- a key whose value is a subquery
SELECT * FROM plan($$SELECT data FROM v_user WHERE data->'posts' @> '[{"title": "p3"}]'$$);
-- a view whose result one more column would change (DISTINCT)
CREATE VIEW v_distinct AS SELECT DISTINCT u.kind, jsonb_build_object('kind', u.kind) AS data FROM tb_user u;
SELECT * FROM plan($$SELECT data FROM v_distinct WHERE data->>'kind' = 'admin'$$);
-- a volatile data expression
CREATE VIEW v_rand AS SELECT u.id, jsonb_build_object('email', u.email, 'r', random()) AS data FROM tb_user u;
SELECT * FROM plan($$SELECT data FROM v_rand WHERE data->>'email' = 'user5@example.com'$$);
-- the view read as a whole row
SELECT * FROM plan($$SELECT v.data FROM v_user v WHERE v.data->>'email' = 'user5@example.com' AND v IS NOT NULL$$);
-- exact but not the column: a column of another collation than ->>'s,
-- a float (jsonb writes -0 as 0, 1e20 in full), a timestamptz as text (jsonb
-- writes ISO 8601), -> compared as jsonb, an untyped ordering (jsonb order)
SELECT * FROM plan($$SELECT data FROM v_user WHERE data->>'code' = 'C3'$$);
SELECT * FROM plan($$SELECT data FROM v_user WHERE (data->>'ratio')::numeric > 999 AND (data->>'ratio')::float8 > 999$$);
SELECT * FROM plan($$SELECT data FROM v_user WHERE data->>'created_at' > '2024-12-10'$$);
SELECT * FROM plan($$SELECT data FROM v_user WHERE data->'age' = '5'$$);
SELECT * FROM plan($$SELECT data FROM v_user ORDER BY data->'created_at' DESC LIMIT 3$$);

-- a security_barrier view and a leaky function: the leak sees the rows
-- PostgreSQL shows it without the pushdown, no others
CREATE FUNCTION leak(text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS
$$ BEGIN RAISE NOTICE 'leak: %', $1; RETURN true; END $$;
CREATE VIEW v_secret WITH (security_barrier) AS
SELECT u.id, jsonb_build_object('email', u.email, 'kind', u.kind) AS data
FROM tb_user u WHERE u.kind = 'admin' AND u.pk_user <= 12;
SET client_min_messages = notice;
SET fraiseql.view_pushdown = off;
SELECT data->>'email' AS email FROM v_secret WHERE leak(data->>'email') ORDER BY 1;
SELECT * FROM plan($$SELECT data FROM v_secret WHERE leak(data->>'email')$$);
SET fraiseql.view_pushdown = 'all';
SELECT data->>'email' AS email FROM v_secret WHERE leak(data->>'email') ORDER BY 1;
SELECT * FROM plan($$SELECT data FROM v_secret WHERE leak(data->>'email')$$);
-- a leakproof comparison (texteq) goes into the view, as PostgreSQL moves any
SELECT * FROM plan($$SELECT data FROM v_secret WHERE data->>'email' = 'user4@example.com'$$);
SELECT count(*) FROM v_secret WHERE data->>'email' = 'user4@example.com';
SELECT * FROM fraiseql.stream('v_secret', '{"email": {"eq": "user1@example.com"}}');
-- a cast that can fail stays above the barrier, where the statement has it
-- (inside, only PostgreSQL's ordering of the view's own conditions first
-- would keep its error from showing a row the view hides)
CREATE TABLE tb_hidden (pk int PRIMARY KEY, visible boolean, profile jsonb);
INSERT INTO tb_hidden VALUES (1, true, '{"rank": 3}'), (2, false, '{"rank": "hidden value"}');
CREATE VIEW v_hidden WITH (security_barrier) AS
SELECT h.pk, jsonb_build_object('profile', h.profile) AS data FROM tb_hidden h WHERE h.visible;
SELECT * FROM plan($$SELECT data FROM v_hidden WHERE (data->'profile'->>'rank')::integer = 3$$);
SELECT data FROM v_hidden WHERE (data->'profile'->>'rank')::integer = 3;
SELECT * FROM fraiseql.stream('v_hidden', '{"profile": {"rank": {"eq": 3}}}');
SET fraiseql.view_pushdown = off;
SELECT data FROM v_hidden WHERE (data->'profile'->>'rank')::integer = 3;
RESET fraiseql.view_pushdown;
RESET client_min_messages;

-- the plan cache across CREATE OR REPLACE VIEW: the prepared plan depends
-- on the definition and is planned again, with the new one
CREATE VIEW v_swap AS SELECT u.id, jsonb_build_object('k', u.email) AS data FROM tb_user u;
SELECT count(*) FROM fraiseql.stream('v_swap', '{"k": {"eq": "user5@example.com"}}');
SELECT * FROM plan($$SELECT * FROM fraiseql.stream('v_swap', '{"k": {"eq": "user5@example.com"}}')$$, ', ANALYZE, TIMING OFF, SUMMARY OFF, VERBOSE');
CREATE OR REPLACE VIEW v_swap AS SELECT u.id, jsonb_build_object('k', u.nick) AS data FROM tb_user u;
SELECT count(*) FROM fraiseql.stream('v_swap', '{"k": {"eq": "user5@example.com"}}');
SELECT count(*) = (SELECT count(*) FROM tb_user WHERE nick = 'Nick5') AS nick5_same
FROM fraiseql.stream('v_swap', '{"k": {"eq": "Nick5"}}');
SELECT * FROM plan($$SELECT * FROM fraiseql.stream('v_swap', '{"k": {"eq": "Nick5"}}')$$, ', ANALYZE, TIMING OFF, SUMMARY OFF, VERBOSE');

-- the setting
SET fraiseql.view_pushdown = sometimes;
SELECT name, setting, enumvals, context FROM pg_settings WHERE name = 'fraiseql.view_pushdown';
RESET enable_bitmapscan;
RESET search_path;
RESET timezone;
SET client_min_messages = warning;
DROP SCHEMA pushdown CASCADE;
RESET client_min_messages;

-- Projection (selection, camelCase, aliases, __typename) and fraiseql.query(),
-- each compared with the jsonb_build_object expression a user would write.
CREATE TABLE tv_author (id integer PRIMARY KEY, data jsonb);
INSERT INTO tv_author VALUES
 (1, '{"id": 1, "first_name": "Ann", "email": "ann@example.com", "__typename": "Author",
       "profile": {"rank": 3, "home_city": "Oslo", "bio": null},
       "posts": [{"title": "Hello", "__typename": "Post", "tags": ["a"]},
                 {"title": "quote \" and \\ and \n", "tags": []}]}'),
 (2, '{"id": 2, "firstName": "Bob", "email": null, "profile": null, "posts": []}'),
 (3, '{"id": 3, "first_name": "Cé日😀", "profile": {"rank": 7}, "posts": [{"title": "x"}, 5, null],
       "weird key \"q\"": 1}'),
 (4, '{"id": 4}');

-- the projection in selection order, with aliases, nested objects and
-- arrays of objects, __typename at the root (argument) and below (own key)
SELECT fraiseql.stream('tv_author',
         order_by => '[{"field": "id"}]',
         selection => '{ id, firstName  # a comment
                         mail: email, profile { rank homeCity }, posts { __typename title }, __typename }',
         typename => 'Author');

-- equal, as jsonb, to the hand-written expression, row by row
SELECT count(*) AS rows,
       count(*) FILTER (WHERE s::jsonb = jsonb_build_object(
           'id', a.data->'id',
           'firstName', coalesce(a.data->'first_name', a.data->'firstName', 'null'),
           'mail', coalesce(a.data->'email', 'null'),
           'profile', CASE jsonb_typeof(a.data->'profile') WHEN 'object'
                      THEN jsonb_build_object('rank', coalesce(a.data->'profile'->'rank', 'null'),
                                              'homeCity', coalesce(a.data->'profile'->'home_city', 'null'))
                      ELSE coalesce(a.data->'profile', 'null') END,
           '__typename', 'Author')) AS equal
FROM fraiseql.stream('tv_author', selection => 'id firstName mail: email profile { rank homeCity } __typename',
                     typename => 'Author') s
JOIN tv_author a ON a.id = (s->>'id')::int;

-- key order follows the selection (text, not jsonb, keeps the order)
SELECT fraiseql.stream('tv_author', '{"id": {"eq": 1}}', selection => 'profile { rank } email id');
-- keys needing escapes and names that are not snake_case
SET fraiseql.snake_case_keys = off;
SELECT fraiseql.stream('tv_author', '{"id": {"eq": 2}}', selection => 'firstName first_name');
RESET fraiseql.snake_case_keys;
SELECT fraiseql.stream('tv_author', '{"id": {"eq": 3}}', selection => 'firstName posts { title }');
-- the writer's output of whole objects equals data::text, byte for byte
SELECT count(*) FILTER (WHERE s::text = a.data::text) AS same_text, count(*) AS rows
FROM fraiseql.stream('tv_author') s JOIN tv_author a ON a.id = (s->>'id')::int;
SET fraiseql.enable_simd = off;
SELECT count(*) FILTER (WHERE s::text = a.data::text) AS same_text_without_simd
FROM fraiseql.stream('tv_author') s JOIN tv_author a ON a.id = (s->>'id')::int;
RESET fraiseql.enable_simd;

-- a json source projects the same
CREATE VIEW v_author_json AS SELECT id, data::json AS data FROM tv_author;
SELECT (SELECT array_agg(s::text) FROM fraiseql.stream('v_author_json', order_by => '[{"field": "id"}]',
                                                      selection => 'id firstName posts { title }') s)
     = (SELECT array_agg(s::text) FROM fraiseql.stream('tv_author', order_by => '[{"field": "id"}]',
                                                      selection => 'id firstName posts { title }') s)
       AS json_source_same;

-- fraiseql.query(): the envelope equals the hand-written one
SELECT fraiseql.query('tv_author', 'authors', '{"id": {"lte": 2}}', '[{"field": "id"}]',
                      selection => 'id firstName');
SELECT fraiseql.query('tv_author', 'authors', '{"id": {"lte": 2}}', '[{"field": "id"}]',
                      selection => 'id firstName')::jsonb
     = jsonb_build_object('data', jsonb_build_object('authors',
         coalesce((SELECT jsonb_agg(jsonb_build_object('id', data->'id',
                                    'firstName', coalesce(data->'first_name', data->'firstName'))
                                    ORDER BY id)
                   FROM tv_author WHERE id <= 2), '[]'))) AS list_equal;
SELECT fraiseql.query('tv_author', 'author', '{"id": {"eq": 2}}', selection => 'id __typename',
                      typename => 'Author', single => true);
SELECT fraiseql.query('tv_author', 'author', '{"id": {"eq": 99}}', single => true);
SELECT fraiseql.query('tv_author', 'authors', '{"id": {"eq": 99}}')::jsonb
     = jsonb_build_object('data', jsonb_build_object('authors',
         coalesce((SELECT jsonb_agg(data) FROM tv_author WHERE id = 99), '[]'))) AS empty_equal;
SELECT fraiseql.query('tv_author', 'authors', order_by => '[{"field": "id"}]', "limit" => 2)::jsonb
     = jsonb_build_object('data', jsonb_build_object('authors',
         (SELECT jsonb_agg(data ORDER BY id) FROM (SELECT * FROM tv_author ORDER BY id LIMIT 2) t))) AS whole_equal;
SELECT fraiseql.query('tv_author', 'all', single => false, "limit" => 0);

-- selection errors: 42601 with the position (err() comes from errors.sql)
\pset format unaligned
\pset tuples_only on
SELECT err($$SELECT fraiseql.stream('tv_author', selection => 'id { x')$$);
SELECT err($$SELECT fraiseql.stream('tv_author', selection => 'id(first: 1)')$$);
SELECT err($$SELECT fraiseql.stream('tv_author', selection => 'id ...frag')$$);
SELECT err($$SELECT fraiseql.stream('tv_author', selection => 'id @include(if: true)')$$);
SELECT err($$SELECT fraiseql.stream('tv_author', selection => '')$$);
SELECT err($$SELECT fraiseql.stream('tv_author', selection => '{ id } extra')$$);
SELECT err($$SELECT fraiseql.stream('tv_author', selection => 'id }')$$);
SELECT err($$SELECT fraiseql.stream('tv_author', selection => 'a: ')$$);
SELECT err($$SELECT fraiseql.stream('tv_author', selection => '__typename { x }')$$);
SELECT err($$SELECT fraiseql.stream('tv_author', selection => repeat('a { ', 70) || 'b' || repeat(' }', 70))$$);
SELECT err($$SELECT fraiseql.query('tv_author', 'bad-field')$$);

-- fields of one response name merge, as GraphQL merges them (issue 17): once
-- each, at the first one's position, nested selections merged; read by hand
-- against row 1 above.  Keys checked on the text, since jsonb would fold
-- duplicates anyway.
SELECT fraiseql.stream('tv_author', '{"id": {"eq": 1}}',
                       selection => 'id id email id');
SELECT fraiseql.stream('tv_author', '{"id": {"eq": 1}}',
                       selection => 'profile { rank } id profile { homeCity rank } profile { bio }');
SELECT fraiseql.stream('tv_author', '{"id": {"eq": 1}}',
                       selection => 'x: email y: firstName x: email posts { title } posts { t: title tags }');
SELECT fraiseql.stream('tv_author', '{"id": {"eq": 1}}',
                       selection => '__typename __typename t: __typename', typename => 'Author');
-- the same through a json source and in query()
SELECT fraiseql.stream('v_author_json', '{"id": {"eq": 1}}',
                       selection => 'profile { rank } id profile { homeCity rank } id');
SELECT fraiseql.query('tv_author', 'authors', '{"id": {"eq": 1}}',
                      selection => 'mail: email profile { rank } mail: email profile { homeCity }');
SELECT fraiseql.query('v_author_json', 'authors', '{"id": {"eq": 1}}',
                      selection => 'mail: email profile { rank } mail: email profile { homeCity }');
-- no key twice in any of them, and merged equals written once
SELECT (SELECT count(*) FROM json_each(s)) AS keys,
       (SELECT count(DISTINCT k) FROM json_object_keys(s) k) AS distinct_keys,
       s::jsonb = (SELECT fraiseql.stream('tv_author', '{"id": {"eq": 1}}',
                   selection => 'profile { rank homeCity bio } id email')::jsonb) AS same
FROM fraiseql.stream('tv_author', '{"id": {"eq": 1}}',
                     selection => 'profile { rank } id profile { homeCity } email profile { bio rank } id') s;
-- conflicts: 42601 at the second field's position
SELECT err($$SELECT fraiseql.stream('tv_author', selection => 'x: title x: sku')$$);
SELECT err($$SELECT fraiseql.stream('tv_author', selection => 'email id email: id')$$);
SELECT err($$SELECT fraiseql.stream('tv_author', selection => 'profile { rank } profile')$$);
SELECT err($$SELECT fraiseql.stream('tv_author', selection => 'profile { r: rank } profile { r: homeCity }')$$);
SELECT err($$SELECT fraiseql.stream('tv_author', selection => 'firstName firstName: first_name')$$);
SELECT err($$SELECT fraiseql.stream('tv_author', selection => 'id: __typename id')$$);
SELECT err($$SELECT fraiseql.query('v_author_json', 'a', selection => 'posts { title } posts { title: tags }')$$);

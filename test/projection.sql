-- pgTAP: projection of GraphQL selections and fraiseql.query() envelopes, each compared
-- with the jsonb_build_object expression a user would write by hand: nested objects in
-- arrays in objects, missing keys, JSON nulls, unicode, keys that need escaping, aliases,
-- __typename at the root and below, key order, errors.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS fraiseql;
SELECT plan(24);

CREATE TABLE tv_org (id int PRIMARY KEY, data jsonb);
INSERT INTO tv_org VALUES
 (1, '{"id": 1, "org_name": "Acme", "__typename": "Org",
       "address": {"city": "Zürich", "zip_code": "8001", "geo": {"lat": 47.37, "lng": 8.54}},
       "teams": [{"team_name": "core", "__typename": "Team",
                  "members": [{"user_name": "ann", "roles": ["admin"], "profile": {"nick": "a"}},
                              {"user_name": "bob", "roles": [], "profile": null}]},
                 {"team_name": "ops", "members": []}],
       "quote \"key\"": "q", "tab\tkey": 1}'),
 (2, '{"id": 2, "orgName": "camel only", "address": null, "teams": null}'),
 (3, '{"id": 3, "org_name": "東京 😀", "address": {"city": null}, "teams": [{"team_name": "x", "members": [5, null, {"user_name": "z"}]}, "loose", 7]}'),
 (4, '{"id": 4}'),
 (5, '"not an object"');

CREATE FUNCTION proj(sel text, typename text DEFAULT 'Org') RETURNS text[] LANGUAGE sql AS $$
  SELECT array_agg(s::text ORDER BY n)
  FROM fraiseql.stream('tv_org', order_by => '[{"field": "id"}]', selection => sel, typename => typename)
       WITH ORDINALITY AS x(s, n)
$$;
CREATE FUNCTION projb(sel text, typename text DEFAULT 'Org') RETURNS jsonb[] LANGUAGE sql AS $$
  SELECT array_agg(s::jsonb ORDER BY n)
  FROM fraiseql.stream('tv_org', order_by => '[{"field": "id"}]', selection => sel, typename => typename)
       WITH ORDINALITY AS x(s, n)
$$;
-- by hand: the value or JSON null, the object's keys looked up snake_case first
CREATE FUNCTION v(j jsonb, k text, alt text DEFAULT NULL) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(j->k, j->alt, 'null'::jsonb)
$$;
CREATE FUNCTION expected(q text) RETURNS jsonb[] LANGUAGE plpgsql AS $$
DECLARE r jsonb[];
BEGIN
  EXECUTE 'SELECT array_agg(CASE WHEN jsonb_typeof(data) = ''object'' THEN (' || q || ') ELSE ''null''::jsonb END ORDER BY id) FROM tv_org'
    INTO r;
  RETURN r;
END $$;

-- flat fields, camelCase -> snake_case, the name as written as second choice
SELECT is(projb('id orgName'),
          expected($$jsonb_build_object('id', v(data, 'id'), 'orgName', v(data, 'org_name', 'orgName'))$$),
          'flat fields, snake_case first, then the name as written');
-- aliases and root __typename
SELECT is(projb('key: id name: orgName __typename'),
          expected($$jsonb_build_object('key', v(data, 'id'), 'name', v(data, 'org_name', 'orgName'), '__typename', 'Org')$$),
          'aliases and __typename from the argument');
SELECT is(projb('__typename', NULL), expected($$jsonb_build_object('__typename', 'null'::jsonb)$$),
          'root __typename without a typename argument is null');
-- nested objects, missing and null objects
SELECT is(projb('address { city zipCode geo { lat } }'),
          expected($$jsonb_build_object('address',
                     CASE jsonb_typeof(data->'address') WHEN 'object' THEN
                       jsonb_build_object('city', v(data->'address', 'city'), 'zipCode', v(data->'address', 'zip_code'),
                                          'geo', CASE jsonb_typeof(data->'address'->'geo') WHEN 'object'
                                                 THEN jsonb_build_object('lat', v(data->'address'->'geo', 'lat'))
                                                 ELSE v(data->'address', 'geo') END)
                     ELSE v(data, 'address') END)$$),
          'nested objects; null and missing objects stay null');
-- arrays of objects in objects in arrays, nested __typename from the object's own key
SELECT is(projb('teams { __typename teamName members { userName roles profile { nick } } }'),
          expected($$jsonb_build_object('teams',
            CASE jsonb_typeof(data->'teams') WHEN 'array' THEN
              (SELECT jsonb_agg(CASE jsonb_typeof(t) WHEN 'object' THEN
                 jsonb_build_object('__typename', v(t, '__typename'), 'teamName', v(t, 'team_name'),
                   'members', CASE jsonb_typeof(t->'members') WHEN 'array' THEN
                     (SELECT coalesce(jsonb_agg(CASE jsonb_typeof(m) WHEN 'object' THEN
                        jsonb_build_object('userName', v(m, 'user_name'), 'roles', v(m, 'roles'),
                          'profile', CASE jsonb_typeof(m->'profile') WHEN 'object'
                                     THEN jsonb_build_object('nick', v(m->'profile', 'nick'))
                                     ELSE v(m, 'profile') END)
                        ELSE m END ORDER BY o), '[]')
                      FROM jsonb_array_elements(t->'members') WITH ORDINALITY AS e(m, o))
                     ELSE v(t, 'members') END)
                 ELSE t END ORDER BY o)
               FROM jsonb_array_elements(data->'teams') WITH ORDINALITY AS e(t, o))
            ELSE v(data, 'teams') END)$$),
          'arrays of objects inside objects inside arrays; other elements unchanged');
-- whole containers selected without a sub-selection
SELECT is(projb('address teams'),
          expected($$jsonb_build_object('address', v(data, 'address'), 'teams', v(data, 'teams'))$$),
          'containers selected whole');
-- keys that need escaping, with snake_case off
SET LOCAL fraiseql.snake_case_keys = off;
SELECT is((proj('orgName org_name'))[1], '{"orgName": null, "org_name": "Acme"}',
          'snake_case_keys = off looks names up as written');
RESET fraiseql.snake_case_keys;

-- key order follows the selection: compare text, not jsonb
SELECT is((proj('teams { teamName } id orgName'))[1],
          '{"teams": [{"teamName": "core"}, {"teamName": "ops"}], "id": 1, "orgName": "Acme"}',
          'keys in selection order, jsonb spacing');
SELECT is((proj('orgName __typename'))[3], '{"orgName": "東京 😀", "__typename": "Org"}', 'unicode written as is');
SELECT is((proj('a: orgName b: orgName'))[1], '{"a": "Acme", "b": "Acme"}', 'one field under two aliases');
SELECT is(proj('id'), ARRAY['{"id": 1}', '{"id": 2}', '{"id": 3}', '{"id": 4}', 'null'],
          'a row whose data is not an object projects to null');
SELECT is((proj('{ id, # comment
                   orgName }'))[2], '{"id": 2, "orgName": "camel only"}', 'outer braces, commas and comments');
SELECT is((proj('teams { members { userName } }'))[3],
          '{"teams": [{"members": [5, null, {"userName": "z"}]}, "loose", 7]}',
          'scalars in arrays under a sub-selection are written unchanged');

-- errors: 42601 with the position
SELECT throws_like($$SELECT proj('id { x')$$, '%position%', 'unclosed brace: 42601 with the position');
SELECT throws_ok($$SELECT proj('id(first: 1)')$$, '42601', NULL, 'arguments are a syntax error');
SELECT throws_ok($$SELECT proj('...frag')$$, '42601', NULL, 'fragments are a syntax error');
SELECT throws_ok($$SELECT proj('')$$, '42601', NULL, 'an empty selection is a syntax error');
SELECT throws_ok($$SELECT proj('__typename { x }')$$, '42601', NULL, '__typename takes no selection');
SELECT throws_ok($$SELECT proj(repeat('a { ', 70) || 'b' || repeat(' }', 70))$$, '54000', NULL,
                 'too deep a selection: 54000');

-- query(): the envelope equals the hand-written one
SELECT is(fraiseql.query('tv_org', 'orgs', '{"id": {"lte": 3}}', '[{"field": "id"}]',
                         selection => 'id orgName address { city }')::jsonb,
          jsonb_build_object('data', jsonb_build_object('orgs', coalesce(
            (SELECT jsonb_agg(jsonb_build_object('id', v(data, 'id'), 'orgName', v(data, 'org_name', 'orgName'),
                     'address', CASE jsonb_typeof(data->'address') WHEN 'object'
                                THEN jsonb_build_object('city', v(data->'address', 'city')) ELSE v(data, 'address') END)
                     ORDER BY id)
             FROM tv_org WHERE (data->>'id')::numeric <= 3), '[]'))),
          'query(): a list');
SELECT is(fraiseql.query('tv_org', 'org', '{"id": {"eq": 2}}', selection => 'id __typename',
                         typename => 'Org', single => true)::jsonb,
          jsonb_build_object('data', jsonb_build_object('org', jsonb_build_object('id', 2, '__typename', 'Org'))),
          'query(): single');
SELECT is(fraiseql.query('tv_org', 'org', '{"id": {"eq": 99}}', single => true)::jsonb,
          '{"data": {"org": null}}', 'query(): single with no row is null');
SELECT is(fraiseql.query('tv_org', 'orgs', '{"id": {"eq": 99}}')::jsonb,
          jsonb_build_object('data', jsonb_build_object('orgs',
            coalesce((SELECT jsonb_agg(data) FROM tv_org WHERE (data->>'id')::numeric = 99), '[]'))),
          'query(): an empty list');
SELECT is(fraiseql.query('tv_org', 'orgs', order_by => '[{"field": "id"}]', "limit" => 2)::text,
          '{"data": {"orgs": [' || (SELECT string_agg(data::text, ', ' ORDER BY id) FROM (SELECT * FROM tv_org ORDER BY id LIMIT 2) t) || ']}}',
          'query(): whole objects, text byte for byte');

SELECT * FROM finish();
ROLLBACK;

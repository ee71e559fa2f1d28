-- the same page in plain SQL: keyset on id by hand, 21 rows read for hasNextPage, the id as cursor
\set i random(1, :nusers)
SELECT id AS c FROM tv_user WHERE id = md5(:i::text)::uuid \gset
SELECT length(jsonb_build_object('data', jsonb_build_object('users', jsonb_build_object(
         'edges', coalesce(jsonb_agg(jsonb_build_object('cursor', encode(convert_to(id::text, 'UTF8'), 'base64'),
                    'node', jsonb_build_object('id', data->'id', 'email', data->'email', 'firstName', data->'first_name', '__typename', 'User'))
                  ORDER BY id) FILTER (WHERE n <= 20), '[]'),
         'pageInfo', jsonb_build_object('hasNextPage', count(*) > 20,
                      'endCursor', (array_agg(encode(convert_to(id::text, 'UTF8'), 'base64') ORDER BY id) FILTER (WHERE n <= 20))[20]))))::text)
FROM (SELECT id, data, row_number() OVER (ORDER BY id) AS n FROM (SELECT id, data FROM tv_user WHERE id > ':c' ORDER BY id LIMIT 21) t) s;

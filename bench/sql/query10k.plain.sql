-- the same response built in plain SQL with jsonb_agg
\set t random(0, 9)
SELECT length(jsonb_build_object('data', jsonb_build_object('users', coalesce(jsonb_agg(jsonb_build_object('id', data->'id', 'email', data->'email', 'firstName', data->'first_name', 'profile', jsonb_build_object('city', data->'profile'->'city'), '__typename', 'User')), '[]')))::text) FROM (SELECT data FROM tv_user WHERE tenant_id = :t ORDER BY id LIMIT 10000) s;

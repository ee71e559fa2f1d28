-- the same page projected by hand with jsonb_build_object
\set t random(0, 9)
SELECT jsonb_build_object('id', data->'id', 'email', data->'email', 'firstName', data->'first_name', 'profile', jsonb_build_object('city', data->'profile'->'city'), '__typename', 'User') FROM tv_user WHERE tenant_id = :t ORDER BY id LIMIT 20;

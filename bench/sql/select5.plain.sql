\set r random(0, 95)
SELECT jsonb_build_object('id', data->'id', 'email', data->'email', 'firstName', data->'first_name', 'profile', jsonb_build_object('city', data->'profile'->'city'), '__typename', 'User') FROM tv_user WHERE (data->'profile'->>'rank')::numeric = :r ORDER BY data->'created_at' DESC LIMIT 20;

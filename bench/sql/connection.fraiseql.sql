-- a Relay connection page of 20 users after a random user's cursor (issue 19); the cursor
-- is looked up first, as the plain side looks up the same row
\set i random(1, :nusers)
SELECT fraiseql.connection('tv_user', 'users', jsonb_build_object('id', jsonb_build_object('eq', md5(:i::text))), '[{"field": "id"}]', first => 1, selection => 'pageInfo { endCursor }')::jsonb->'data'->'users'->'pageInfo'->>'endCursor' AS c \gset
SELECT length(fraiseql.connection('tv_user', 'users', NULL, '[{"field": "id"}]', first => 20, after => ':c', selection => 'edges { cursor node { id email firstName __typename } } pageInfo { hasNextPage endCursor }', typename => 'User')::text);

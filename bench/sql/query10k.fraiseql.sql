-- a 10,000-object GraphQL response with 5 selected fields (issue 6); length() keeps the
-- client out of the measurement
\set t random(0, 9)
SELECT length(fraiseql.query('tv_user', 'users', jsonb_build_object('tenantId', jsonb_build_object('eq', :t::int)), '[{"field": "id"}]', 10000, selection => 'id email firstName profile { city } __typename', typename => 'User')::text);

-- a tenant's page of 20 users ordered by id, 5 selected fields and __typename (issue 6)
\set t random(0, 9)
SELECT fraiseql.stream('tv_user', jsonb_build_object('tenantId', jsonb_build_object('eq', :t::int)), '[{"field": "id"}]', 20, selection => 'id email firstName profile { city } __typename', typename => 'User');

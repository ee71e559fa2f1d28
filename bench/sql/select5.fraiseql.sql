\set r random(0, 95)
SELECT fraiseql.stream('tv_user', jsonb_build_object('profile', jsonb_build_object('rank', jsonb_build_object('eq', :r))), '[{"field": "createdAt", "direction": "desc"}]', 20, selection => 'id email firstName profile { city } __typename', typename => 'User');

\set r random(0, 95)
\set o random(0, 100)
SELECT fraiseql.stream('tv_user', jsonb_build_object('status', jsonb_build_object('eq', 'active'), 'profile', jsonb_build_object('rank', jsonb_build_object('gte', :r))), '[{"field": "createdAt", "direction": "desc"}]', 20, :o);

\set t random(0, 9)
SELECT fraiseql.count('tv_user', jsonb_build_object('tenant_id', jsonb_build_object('eq', :t), 'tags', jsonb_build_object('_some', jsonb_build_object('eq', 'beta'))));

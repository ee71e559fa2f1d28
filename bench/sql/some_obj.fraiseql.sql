\set t random(0, 9)
SELECT fraiseql.count('tv_user', jsonb_build_object('tenant_id', jsonb_build_object('eq', :t), 'posts', jsonb_build_object('_some', jsonb_build_object('title', jsonb_build_object('startswith', 'Post 9')))));

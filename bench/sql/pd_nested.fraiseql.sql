-- view pushdown (issue 18): a nested key of a joined table (v_user_org's org.name, ~100 users
-- per organisation); data->'org'->>'name' = $1 runs as tb_org.name = $1
\set j random(0, :nusers / 100 - 1)
SELECT fraiseql.stream('v_user_org', jsonb_build_object('org', jsonb_build_object('name', jsonb_build_object('eq', 'org' || :j))));

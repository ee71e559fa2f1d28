-- view pushdown (issue 18): point lookup by an indexed text key of the v_user view;
-- (data->>'email') = $1 runs as tb_user.email = $1
\set i random(1, :nusers)
SELECT fraiseql.stream('v_user', jsonb_build_object('email', jsonb_build_object('eq', 'user' || :i || '@example.com')));

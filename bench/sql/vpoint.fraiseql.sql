-- point lookup by id on the v_user view (jsonb_build_object over tb_user with a posts subquery)
\set i random(1, :nusers)
SELECT fraiseql.stream('v_user', jsonb_build_object('id', jsonb_build_object('eq', md5(:i::text))));

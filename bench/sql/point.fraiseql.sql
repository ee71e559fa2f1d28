\set i random(1, :nusers)
SELECT fraiseql.stream('tv_user', jsonb_build_object('id', jsonb_build_object('eq', md5(:i::text))));

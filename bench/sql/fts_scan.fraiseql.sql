\set i random(0, 999)
SELECT fraiseql.stream('tv_user', jsonb_build_object('firstName', jsonb_build_object('plain_query', 'First' || :i, 'config', 'simple')), NULL, 20);

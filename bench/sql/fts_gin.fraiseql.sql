\set i random(0, 776)
SELECT fraiseql.stream('tv_user', jsonb_build_object('lastName', jsonb_build_object('plain_query', 'Last' || :i, 'config', 'simple')), NULL, 20);

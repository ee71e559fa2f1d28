\set i random(0, 776)
SELECT data FROM tv_user WHERE to_tsvector('simple', data->>'last_name') @@ plainto_tsquery('simple', 'Last' || :i) LIMIT 20;

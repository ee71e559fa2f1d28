\set i random(0, 999)
SELECT data FROM tv_user WHERE to_tsvector('simple', data->>'first_name') @@ plainto_tsquery('simple', 'First' || :i) LIMIT 20;

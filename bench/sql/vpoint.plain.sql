-- the same lookup in plain SQL
\set i random(1, :nusers)
SELECT data FROM v_user WHERE id = md5(:i::text)::uuid;

\set i random(1, :nusers)
SELECT data FROM tv_user WHERE id = md5(:i::text)::uuid;

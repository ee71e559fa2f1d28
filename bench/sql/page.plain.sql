\set r random(0, 95)
\set o random(0, 100)
SELECT data FROM tv_user WHERE data->>'status' = 'active' AND (data->'profile'->>'rank')::numeric >= :r ORDER BY data->'created_at' DESC LIMIT 20 OFFSET :o;

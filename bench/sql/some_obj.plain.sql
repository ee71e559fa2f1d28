\set t random(0, 9)
SELECT count(*) FROM tv_user WHERE tenant_id = :t AND EXISTS (SELECT 1 FROM jsonb_array_elements(data->'posts') e WHERE e->>'title' LIKE 'Post 9%');

-- the same filter written by hand on the base tables (an inner join: a filter on the
-- organisation's name drops users without one)
\set norgs :nusers / 100
\set j random(0, :norgs - 1)
SELECT jsonb_build_object('id', u.id, 'email', u.email, 'first_name', u.first_name,
                          'status', u.status, 'created_at', u.created_at,
                          'org', jsonb_build_object('name', o.name, 'country', o.country),
                          'posts', coalesce((SELECT jsonb_agg(p.data ORDER BY p.data->>'created_at')
                                             FROM v_post p WHERE p.fk_user = u.pk_user), '[]')) AS data
FROM tb_user u JOIN tb_org o ON o.pk_org = u.pk_user % :norgs
WHERE o.name = 'org' || :j;

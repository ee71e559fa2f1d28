-- the wide profile (bench/data_wide.sql): the same range written by hand on the base tables, building
-- the wide v_user's object (its join, optional keys and ||)
\set m random(0, 99988)
SELECT jsonb_build_object('id', u.id, 'email', u.email, 'first_name', u.first_name,
                          'last_name', u.last_name, 'status', u.status, 'created_at', u.created_at,
                          'profile', jsonb_build_object('rank', u.rank, 'city', u.city, 'bio', u.bio,
                                                        'score', u.score),
                          'org', jsonb_build_object('name', o.name, 'country', o.country, 'plan', o.plan),
                          'tags', to_jsonb(u.tags),
                          'posts', coalesce((SELECT jsonb_agg(p.data ORDER BY p.data->>'created_at')
                                             FROM v_post p WHERE p.fk_user = u.pk_user), '[]'))
       || CASE WHEN u.phone IS NOT NULL THEN jsonb_build_object('phone', u.phone) ELSE '{}' END
       || CASE u.pk_user % 5 WHEN 3 THEN '{}' ELSE jsonb_build_object('nickname', u.nickname) END
       || CASE WHEN u.settings IS NULL THEN '{}' ELSE jsonb_build_object('settings', u.settings) END AS data
FROM tb_user u JOIN tb_org o ON o.pk_org = u.fk_org
WHERE u.created_at >= timestamptz '2024-01-01' + :m * interval '5 minutes'
  AND u.created_at < timestamptz '2024-01-01' + (:m + 12) * interval '5 minutes';

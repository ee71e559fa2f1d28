-- the same lookup written by hand on the base tables
\set i random(1, :nusers)
SELECT jsonb_build_object('id', u.id, 'email', u.email, 'first_name', u.first_name,
                          'last_name', u.last_name, 'status', u.status, 'created_at', u.created_at,
                          'profile', jsonb_build_object('rank', u.rank, 'city', u.city, 'bio', u.bio),
                          'tags', to_jsonb(u.tags),
                          'posts', coalesce((SELECT jsonb_agg(p.data ORDER BY p.data->>'created_at')
                                             FROM v_post p WHERE p.fk_user = u.pk_user), '[]')) AS data
FROM tb_user u WHERE u.email = 'user' || :i || '@example.com';

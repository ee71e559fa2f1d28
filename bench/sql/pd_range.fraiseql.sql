-- view pushdown (issue 18): a selective range (one hour, ~120 rows at 1M) on a typed
-- timestamptz key of v_user; ((data->>'created_at')::timestamptz) runs as tb_user.created_at
\set m random(0, 99988)
SELECT fraiseql.stream('v_user', jsonb_build_object('createdAt', jsonb_build_object(
    'gte', to_jsonb(timestamptz '2024-01-01' + :m * interval '5 minutes'),
    'lt', to_jsonb(timestamptz '2024-01-01' + (:m + 12) * interval '5 minutes'),
    'type', 'timestamptz')));

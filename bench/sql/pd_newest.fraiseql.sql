-- view pushdown (issue 18): the newest 20 of v_user by a typed timestamptz; the ORDER BY
-- key ((data->>'created_at')::timestamptz) is tb_user.created_at, read from its index
SELECT fraiseql.stream('v_user', order_by => '[{"field": "createdAt", "direction": "desc", "type": "timestamptz"}]', "limit" => 20);

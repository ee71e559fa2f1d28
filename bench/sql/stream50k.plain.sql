-- the same 50,000 rows rendered as JSON text (data::text) by plain SQL
SELECT count(t) FROM (SELECT data::text AS t FROM tv_user LIMIT 50000) s;

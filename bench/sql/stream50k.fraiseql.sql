-- 50,000 rows as JSON text; count(*) keeps the client out of the measurement
SELECT count(*) FROM fraiseql.stream('tv_user', "limit" => 50000);

-- test/lib/operator_checks.sql — the checks the operator pgTAP files share (included with
-- \ir, so pg_prove does not run it alone).  Each file creates its jsonb table and the same
-- rows as json in "<table>_json", then names the table: SET test.op_table = '<table>'.
--   fq_ids(source, filter, simd)     the ids fraiseql.stream() returns, sorted
--   plain_ids(cond)                  the ids of the hand-written WHERE cond, sorted
--   check_op(filter, cond, pinned)   fraiseql on jsonb, on json with and without simd, and
--                                    count(), each against plain_ids(cond); "pinned" is the
--                                    plain SQL's answer as checked by hand, so that a wrong
--                                    plain side cannot hide a wrong translation
CREATE FUNCTION fq_ids(source regclass, filter jsonb, simd boolean) RETURNS int[]
LANGUAGE plpgsql AS $$
DECLARE result int[];
BEGIN
  PERFORM set_config('fraiseql.enable_simd', simd::text, true);
  SELECT coalesce(array_agg((s->>'id')::int ORDER BY (s->>'id')::int), '{}') INTO result
  FROM fraiseql.stream(source, filter) s;
  RETURN result;
END $$;
CREATE FUNCTION plain_ids(cond text) RETURNS int[] LANGUAGE plpgsql AS $$
DECLARE result int[];
BEGIN
  EXECUTE format('SELECT coalesce(array_agg(id ORDER BY id), ''{}'') FROM %I WHERE %s',
                 current_setting('test.op_table'), cond)
  INTO result;
  RETURN result;
END $$;
CREATE FUNCTION check_op(filter jsonb, cond text, pinned int[] DEFAULT NULL) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  tab text := current_setting('test.op_table');
  want int[] := plain_ids(cond);
BEGIN
  IF pinned IS NOT NULL THEN
    RETURN NEXT is(want, pinned, 'hand-checked: ' || cond);
  END IF;
  RETURN NEXT is(fq_ids(tab::regclass, filter, true), want, filter::text || ' as ' || cond);
  RETURN NEXT is(fq_ids((tab || '_json')::regclass, filter, true), want, filter::text || ' on json, simd');
  RETURN NEXT is(fq_ids((tab || '_json')::regclass, filter, false), want, filter::text || ' on json, no simd');
  RETURN NEXT is(fraiseql.count(tab::regclass, filter), cardinality(want)::bigint, filter::text || ' count');
END $$;

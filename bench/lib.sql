-- bench/lib.sql — helpers the benchmark scripts load into the bench database.
--
-- bench_ms(sql, n): runs the statement once to warm caches, then n times, and returns the
-- best (lowest) wall time in milliseconds.  Best-of-n suits these single-statement
-- figures: the noise on a shared 2-core machine only ever adds time.
CREATE OR REPLACE FUNCTION bench_ms(q text, n int DEFAULT 5) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
  best float8 := 'infinity';
BEGIN
  EXECUTE q;
  FOR i IN 1..n LOOP
    t0 := clock_timestamp();
    EXECUTE q;
    best := least(best, extract(epoch FROM clock_timestamp() - t0) * 1000);
  END LOOP;
  RETURN best;
END $$;

-- bench_pair_ms(a, b, n): the statements a and b, each run once to warm caches, then
-- alternately n times each in this one backend; the best wall time of each in milliseconds.
-- For the one-core comparisons: on a shared virtual machine a neighbour's burst of work can
-- slow one CPU for tens of seconds (seen here: the same backend 1.7x slower on one vCPU
-- than on the other for a minute, then equal again), so two sides timed one after the other
-- in separate connections can land on different CPUs under different loads.  In one backend,
-- alternating, both sides share the CPU and whatever load it carries.
CREATE OR REPLACE FUNCTION bench_pair_ms(a text, b text, n int DEFAULT 5,
                                         OUT a_ms float8, OUT b_ms float8)
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
BEGIN
  a_ms := 'infinity';
  b_ms := 'infinity';
  EXECUTE a;
  EXECUTE b;
  FOR i IN 1..n LOOP
    t0 := clock_timestamp();
    EXECUTE a;
    a_ms := least(a_ms, extract(epoch FROM clock_timestamp() - t0) * 1000);
    t0 := clock_timestamp();
    EXECUTE b;
    b_ms := least(b_ms, extract(epoch FROM clock_timestamp() - t0) * 1000);
  END LOOP;
END $$;

-- bench_peak_kb(sql, warm): growth of this backend's peak resident set (VmHWM) while the
-- statement runs, in kB.  Call it first thing in a new connection: "warm" runs first (a
-- statement that reads the same relations and loads the extension's per-backend state,
-- so that catalog caches and the shared buffers read are already resident, but that
-- allocates little: memory freed by a warm-up of the measured statement itself would
-- stay in malloc's free lists and hide the growth).  Then the peak is reset to the
-- current RSS (Linux clear_refs = 5) and the statement runs once: what the peak grows by
-- is the private memory it needed at its worst moment.  Needs superuser.
CREATE OR REPLACE FUNCTION bench_vm(field text) RETURNS bigint LANGUAGE sql AS $$
  SELECT (regexp_match(pg_read_file('/proc/' || pg_backend_pid() || '/status'),
                       field || ':\s+(\d+) kB'))[1]::bigint
$$;
CREATE OR REPLACE FUNCTION bench_peak_kb(q text, warm text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  before bigint;
BEGIN
  EXECUTE warm;
  EXECUTE format('COPY (SELECT 5) TO PROGRAM %L',
                 'cat > /proc/' || pg_backend_pid() || '/clear_refs');
  before := bench_vm('VmHWM');
  EXECUTE q;
  RETURN bench_vm('VmHWM') - before;
END $$;

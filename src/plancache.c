/*-------------------------------------------------------------------------
 *
 * plancache.c
 *	  The plan cache (SPEC section 8): query shapes in shared memory, shared
 *	  by every backend, with statistics; prepared plans per backend.
 *
 * The shape of a call is the generated SQL text, which depends only on the
 * source and the shape of filter, order and pagination (never on values).
 * A shared entry, keyed by (database, source, hash of the SQL), holds the
 * SQL, its parameter types, statistics, and what the first backends learnt
 * about the shape's plans (the generic-plan verdict, below), so later
 * backends skip the custom plans PostgreSQL otherwise tries first.
 * Executable plans cannot live in shared memory, so each backend keeps its
 * own SPI plans, keyed by the same SQL (localplans.c); this file decides
 * with which cursor options they are prepared.
 *
 * Locking protocol (modelled on pg_stat_statements):
 *	- the LWLock protects the index hash and the key, text and generation of
 *	  every entry.  Lookups (hits) take it shared; inserting, evicting,
 *	  invalidating and resetting take it exclusive.
 *	- a hit sets the entry's usage bit with an atomic store, never under an
 *	  exclusive lock; eviction is CLOCK (second chance) over the fixed entry
 *	  array, under the exclusive lock, so the capacity is never exceeded and
 *	  an entry used since the hand last passed survives.
 *	- an entry's counters are protected by its spinlock; the global hit,
 *	  miss, eviction and invalidation counts are atomics, so they are exact.
 *
 * Generic-plan verdict.  PostgreSQL's plancache compares the *estimated*
 * cost of the generic plan with the average custom plan, and keeps planning
 * every call when the estimate is poor -- typically with LIMIT $n, whose
 * generic estimate assumes 10% of the rows.  Every call then pays planning
 * time, although the plan it builds is the same each time.  The shared entry
 * therefore measures instead of estimating: the first calls run as
 * PostgreSQL chooses (if it chooses the generic plan, that is the verdict);
 * after FQ_TRIAL_CALLS custom-planned calls (if their planning, timed by
 * ownplan.c's hook, took at least FQ_TRIAL_MIN_PLANNING of their time; see
 * below) the next FQ_TRIAL_CALLS calls, in
 * whatever backends, run a forced generic plan (timed without the preparing
 * and planning a backend does once), and the generic plan becomes
 * the verdict if its mean time (execution only) is no worse than the custom
 * calls' mean (planning and execution).  A trial call slower than
 * FQ_TRIAL_ABORT times the custom mean (and than FQ_TRIAL_ABORT_MS) ends
 * the trial at once, so a bad generic plan runs a handful of times at most.
 * A generic verdict is withdrawn if, over later calls, its mean drifts above
 * twice the custom mean (data changed under it).  A custom verdict is not
 * final either: after FQ_RETRIAL_CALLS more calls the shape starts afresh
 * (five custom calls, then the trial), so a verdict reached under a passing
 * load or on other data does not hold for good; a bad generic plan then
 * costs one aborted trial call per FQ_RETRIAL_CALLS calls.  Each verdict
 * starts its own counts.  Later backends prepare directly in the verdict's
 * mode.
 *
 * A generic plan saves a call its planning and nothing more, so a shape
 * whose custom calls spend under FQ_TRIAL_MIN_PLANNING (1%) of their time
 * planning gets the custom verdict without a trial: five calls timed under
 * load vary by far more than that, so the trial would pick either plan by
 * chance, while a custom plan is made for the values at hand.
 * Measured on a count() of 100k rows in 0.5 s (planning 0.2 ms), whose
 * generic plan the trial had kept: the generic executions re-grew the
 * bitmap's memory at every call (4x the page faults), 6-10% slower.
 *
 * Invalidation: an entry records the version of its source's definition
 * (source.c: the raw xmins of its pg_class row and view rule).  A call that
 * finds the entry made under another version counts an invalidation and
 * enters the shape afresh, with new statistics and no generic-plan verdict.
 * Because the version is read from the catalog, this holds in backends
 * started after the DDL and on a hot standby, where the DDL arrives by WAL
 * replay; a relcache callback would only reach backends alive at the time.
 * The backends' own plans are revalidated by PostgreSQL's plancache.
 * Nothing here writes a catalog or assigns a transaction id.
 *
 * Without shared_preload_libraries the cache is local to each backend and
 * the two views raise 55000.  fraiseql.plan_cache_size = 0 turns caching
 * off: every call plans its statement once, as a one-shot plan.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_authid.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/timestamp.h"

#include "localplans.h"
#include "ownplan.h"
#include "plancache.h"
#include "shape.h"

PG_FUNCTION_INFO_V1(fraiseql_plan_cache);
PG_FUNCTION_INFO_V1(fraiseql_plan_cache_info);
PG_FUNCTION_INFO_V1(fraiseql_plan_cache_reset);

/* Shapes longer than this, or with more parameters, are cached locally only */
#define FQ_PLAN_MAX_SQL		3072
#define FQ_PLAN_MAX_PARAMS	64

/* What the first backends learnt about a shape's plans */
#define GENERIC_UNKNOWN		0	/* calls run as PostgreSQL chooses */
#define GENERIC_YES			1	/* the generic plan is as fast: always use it */
#define GENERIC_NO			2	/* custom plans are faster: always plan */
#define GENERIC_TRIAL		3	/* measuring a forced generic plan */

#define FQ_TRIAL_CALLS		5	/* custom calls before a trial, trial length */
#define FQ_TRIAL_ABORT		10.0	/* a trial call this much slower ends it, */
#define FQ_TRIAL_ABORT_MS	10.0	/* if it also took this long (ms): a hiccup
									 * of a fast shape is no verdict */
#define FQ_TRIAL_MIN_PLANNING 0.01	/* the share of a custom call's time its
									 * planning must reach for a trial */
#define FQ_DRIFT_CALLS		100 /* generic calls before a drift check */
#define FQ_RETRIAL_CALLS	1000	/* custom calls before a custom verdict
									 * is put to the test again */

typedef struct FqPlanKey
{
	Oid			dbid;
	Oid			relid;
	uint64		sql_hash;
} FqPlanKey;

typedef struct FqPlanEntry
{
	/* under the LWLock */
	FqPlanKey	key;
	bool		in_use;
	uint64		version;		/* of the source's definition */
	uint32		generation;		/* bumped whenever the slot is refilled */
	Oid			data_type;
	Oid			userid;			/* who first ran the shape */
	int			nparams;
	Oid			param_types[FQ_PLAN_MAX_PARAMS];
	int			sql_len;
	char		sql[FQ_PLAN_MAX_SQL];
	/* atomics, no lock */
	pg_atomic_uint32 usage;		/* CLOCK reference bit */
	pg_atomic_uint32 generic;	/* GENERIC_* */
	/* under mutex */
	slock_t		mutex;
	int64		calls;
	int64		rows;
	int64		plans;			/* backends that prepared it */
	double		total_time;		/* ms */
	TimestampTz last_used;
	/* calls and time (ms) by kind of plan, for the generic-plan verdict */
	int64		custom_calls;
	double		custom_time;
	double		custom_plan_time;	/* the planning in custom_time */
	int64		generic_calls;
	double		generic_time;
} FqPlanEntry;

typedef struct FqPlanIndexEntry
{
	FqPlanKey	key;
	int			slot;
} FqPlanIndexEntry;

typedef struct FqPlanShared
{
	LWLock	   *lock;
	int			capacity;
	int			nentries;		/* under exclusive lock */
	int			clock_hand;		/* under exclusive lock */
	pg_atomic_uint64 hits;
	pg_atomic_uint64 misses;
	pg_atomic_uint64 evictions;
	pg_atomic_uint64 invalidations;
	FqPlanEntry entries[FLEXIBLE_ARRAY_MEMBER];
} FqPlanShared;

int			fq_plan_cache_size = 1000;

static FqPlanShared *shared = NULL;
static HTAB *shared_index = NULL;

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

static Size
shared_size(void)
{
	return add_size(offsetof(FqPlanShared, entries),
					mul_size(fq_plan_cache_size, sizeof(FqPlanEntry)));
}

static void
plancache_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(add_size(shared_size(),
									hash_estimate_size(fq_plan_cache_size,
													   sizeof(FqPlanIndexEntry))));
	RequestNamedLWLockTranche("fraiseql", 1);
}

static void
plancache_shmem_startup(void)
{
	bool		found;
	HASHCTL		info;
	int			i;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	shared = ShmemInitStruct("fraiseql plan cache", shared_size(), &found);
	if (!found)
	{
		shared->lock = &(GetNamedLWLockTranche("fraiseql"))->lock;
		shared->capacity = fq_plan_cache_size;
		shared->nentries = 0;
		shared->clock_hand = 0;
		pg_atomic_init_u64(&shared->hits, 0);
		pg_atomic_init_u64(&shared->misses, 0);
		pg_atomic_init_u64(&shared->evictions, 0);
		pg_atomic_init_u64(&shared->invalidations, 0);
		for (i = 0; i < fq_plan_cache_size; i++)
		{
			FqPlanEntry *e = &shared->entries[i];

			e->in_use = false;
			e->generation = 0;
			pg_atomic_init_u32(&e->usage, 0);
			pg_atomic_init_u32(&e->generic, GENERIC_UNKNOWN);
			SpinLockInit(&e->mutex);
		}
	}
	memset(&info, 0, sizeof(info));
	info.keysize = sizeof(FqPlanKey);
	info.entrysize = sizeof(FqPlanIndexEntry);
	shared_index = ShmemInitHash("fraiseql plan cache index",
								 fq_plan_cache_size, fq_plan_cache_size,
								 &info, HASH_ELEM | HASH_BLOBS);
	LWLockRelease(AddinShmemInitLock);
}

/*
 * The size of the shared cache is fixed when shared memory is laid out, so
 * while preloading fraiseql.plan_cache_size is a postmaster setting.  Loaded
 * later (CREATE EXTENSION or a function call in a server that does not
 * preload it, LOAD, session_preload_libraries) there is no shared cache, and
 * PostgreSQL answers a PGC_POSTMASTER variable defined after startup with
 * FATAL: the backend would die.  The setting then sizes this backend's
 * local cache only, which a reload may change (localplans.c evicts down to
 * a smaller size as it goes), so it is defined as a sighup setting: the
 * value in postgresql.conf still applies, and SHOW still answers.
 */
void
fq_plancache_init(void)
{
	bool		preloading = process_shared_preload_libraries_in_progress;

	DefineCustomIntVariable("fraiseql.plan_cache_size",
							preloading ?
							"Number of query shapes the shared plan cache holds (0 disables caching)." :
							"Number of query shapes each backend's local plan cache holds (0 disables caching).",
							preloading ? NULL :
							"fraiseql was not preloaded, so there is no shared plan cache.",
							&fq_plan_cache_size,
							1000, 0, 100000,
							preloading ? PGC_POSTMASTER : PGC_SIGHUP, 0,
							NULL, NULL, NULL);

	if (!preloading || fq_plan_cache_size == 0)
		return;
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = plancache_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = plancache_shmem_startup;
}

/* Starts the counts of the calls a verdict is judged by */
static void
reset_plan_counts(FqPlanEntry *e)
{
	e->custom_calls = 0;
	e->custom_time = 0;
	e->custom_plan_time = 0;
	e->generic_calls = 0;
	e->generic_time = 0;
}

static void
remove_shared_entry(FqPlanEntry *e)
{
	hash_search(shared_index, &e->key, HASH_REMOVE, NULL);
	e->in_use = false;
	shared->nentries--;
}

static bool
entry_matches(const FqPlanEntry *e, const FqQuery *query)
{
	return e->in_use && e->data_type == query->source->data_type &&
		e->sql_len == query->sql.len &&
		memcmp(e->sql, query->sql.data, query->sql.len) == 0;
}

/*
 * CLOCK: the first free slot, or the first entry whose usage bit is clear,
 * clearing bits on the way (a used entry gets a second chance).  Called
 * with the exclusive lock.
 */
static int
clock_take_slot(void)
{
	for (;;)
	{
		int			slot = shared->clock_hand;
		FqPlanEntry *e = &shared->entries[slot];

		shared->clock_hand = (slot + 1) % shared->capacity;
		if (!e->in_use)
			return slot;
		if (pg_atomic_exchange_u32(&e->usage, 0) != 0)
			continue;
		remove_shared_entry(e);
		pg_atomic_add_fetch_u64(&shared->evictions, 1);
		return slot;
	}
}

/* A hit: mark the entry used and count the call (caller holds the lock) */
static void
use_entry(FqPlanEntry *e, int slot, FqPlanHandle *handle, uint32 *generic)
{
	pg_atomic_write_u32(&e->usage, 1);
	*generic = pg_atomic_read_u32(&e->generic);
	handle->slot = slot;
	handle->generation = e->generation;
	SpinLockAcquire(&e->mutex);
	e->calls++;
	SpinLockRelease(&e->mutex);
}

/*
 * Looks the shape up in shared memory, inserting it on a miss.  Returns
 * true for a hit; fills the handle's slot and generation when the shape has
 * (or now has) an entry, and *generic with what is known of its plans.
 */
static bool
shared_lookup(FqQuery *query, uint64 sql_hash, FqPlanHandle *handle,
			  uint32 *generic)
{
	FqPlanKey	key;
	FqPlanIndexEntry *idx;
	FqPlanEntry *e;
	bool		found;
	int			slot;

	memset(&key, 0, sizeof(key));
	key.dbid = MyDatabaseId;
	key.relid = query->source->relid;
	key.sql_hash = sql_hash;

	LWLockAcquire(shared->lock, LW_SHARED);
	idx = hash_search(shared_index, &key, HASH_FIND, NULL);
	if (idx && entry_matches(&shared->entries[idx->slot], query) &&
		shared->entries[idx->slot].version == query->source->version)
	{
		use_entry(&shared->entries[idx->slot], idx->slot, handle, generic);
		LWLockRelease(shared->lock);
		pg_atomic_add_fetch_u64(&shared->hits, 1);
		return true;
	}
	LWLockRelease(shared->lock);

	if (query->sql.len >= FQ_PLAN_MAX_SQL || query->nparams > FQ_PLAN_MAX_PARAMS ||
		shared->capacity == 0)
	{
		pg_atomic_add_fetch_u64(&shared->misses, 1);
		return false;
	}

	LWLockAcquire(shared->lock, LW_EXCLUSIVE);
	slot = -1;
	idx = hash_search(shared_index, &key, HASH_FIND, NULL);
	if (idx)
	{
		e = &shared->entries[idx->slot];
		if (!entry_matches(e, query))
		{
			/* a 64-bit hash collision: leave the other shape alone */
			LWLockRelease(shared->lock);
			pg_atomic_add_fetch_u64(&shared->misses, 1);
			return false;
		}
		if (e->version == query->source->version)
		{
			/* another backend entered or refreshed it meanwhile */
			use_entry(e, idx->slot, handle, generic);
			LWLockRelease(shared->lock);
			pg_atomic_add_fetch_u64(&shared->hits, 1);
			return true;
		}
		/* made before the source's definition changed: enter it afresh */
		slot = idx->slot;
		remove_shared_entry(e);
		pg_atomic_add_fetch_u64(&shared->invalidations, 1);
	}

	if (slot < 0)
		slot = clock_take_slot();
	e = &shared->entries[slot];
	e->key = key;
	e->in_use = true;
	e->generation++;
	e->data_type = query->source->data_type;
	e->version = query->source->version;
	e->userid = GetUserId();
	e->nparams = query->nparams;
	memcpy(e->param_types, query->param_types, sizeof(Oid) * query->nparams);
	e->sql_len = query->sql.len;
	memcpy(e->sql, query->sql.data, query->sql.len);
	e->sql[query->sql.len] = '\0';
	pg_atomic_write_u32(&e->usage, 0);
	pg_atomic_write_u32(&e->generic, GENERIC_UNKNOWN);
	e->calls = 1;
	e->rows = 0;
	e->plans = 0;
	e->total_time = 0;
	reset_plan_counts(e);
	e->last_used = GetCurrentTimestamp();
	idx = hash_search(shared_index, &key, HASH_ENTER, &found);
	idx->slot = slot;
	shared->nentries++;
	*generic = GENERIC_UNKNOWN;
	handle->slot = slot;
	handle->generation = e->generation;
	LWLockRelease(shared->lock);
	pg_atomic_add_fetch_u64(&shared->misses, 1);
	return false;
}

/*
 * Finds or makes the plan for a statement.  Must be called inside an SPI
 * connection.  With the cache off the handle's plan is NULL and the caller
 * opens the statement with a one-shot plan.
 */
void
fq_plancache_acquire(FqQuery *query, FqPlanHandle *handle)
{
	uint64		sql_hash;
	FqLocalPlan *lp;
	bool		hit = false;
	uint32		generic = GENERIC_UNKNOWN;
	int			options;

	handle->plan = NULL;
	handle->ref = NULL;
	handle->slot = -1;
	handle->generation = 0;
	handle->custom_plans_before = 0;
	handle->prepare_ms = 0;
	handle->outcome = FQ_PLAN_OFF;
	handle->translation_reused = query->translation_reused;
	if (fq_plan_cache_size == 0)
		return;

	sql_hash = hash_bytes_extended((const unsigned char *) query->sql.data,
								   query->sql.len, query->source->relid);
	if (shared)
		hit = shared_lookup(query, sql_hash, handle, &generic);

	options = FQ_CURSOR_OPTIONS(query->kind == FQ_QUERY_ROWS);
	if (generic == GENERIC_YES || generic == GENERIC_TRIAL)
		options |= CURSOR_OPT_GENERIC_PLAN;
	else if (generic == GENERIC_NO)
		options |= CURSOR_OPT_CUSTOM_PLAN;

	lp = fq_localplans_find(sql_hash, query->sql.data, options);
	if (!shared)
		hit = lp != NULL;
	if (lp == NULL)
	{
		lp = fq_localplans_prepare(query, sql_hash, options,
								   fq_plan_cache_size, &handle->prepare_ms);
		if (handle->slot >= 0)
		{
			FqPlanEntry *e = &shared->entries[handle->slot];

			LWLockAcquire(shared->lock, LW_SHARED);
			if (e->in_use && e->generation == handle->generation)
			{
				SpinLockAcquire(&e->mutex);
				e->plans++;
				SpinLockRelease(&e->mutex);
			}
			LWLockRelease(shared->lock);
		}
	}
	fq_localplans_hold(lp, handle);
	handle->custom_plans_before = fq_localplans_custom_plans(handle->plan);
	handle->planning_before = fq_own_planning_ms;
	handle->outcome = hit ? FQ_PLAN_HIT : FQ_PLAN_MISS;
}

/* What the calls so far say, before the re-trial rule */
static uint32
judge(FqPlanEntry *e, uint32 verdict, bool custom, double elapsed_ms)
{
	double		custom_mean = e->custom_calls > 0 ?
		e->custom_time / e->custom_calls : 0;
	double		generic_mean = e->generic_calls > 0 ?
		e->generic_time / e->generic_calls : 0;

	switch (verdict)
	{
		case GENERIC_UNKNOWN:
			if (!custom)
				return GENERIC_YES; /* PostgreSQL chose it by itself */
			if (e->custom_calls >= FQ_TRIAL_CALLS)
				return e->custom_plan_time >= FQ_TRIAL_MIN_PLANNING * e->custom_time ?
					GENERIC_TRIAL : GENERIC_NO;
			break;
		case GENERIC_TRIAL:
			if (custom)
				break;			/* a backend still on its old plan */
			if (elapsed_ms > FQ_TRIAL_ABORT * custom_mean &&
				elapsed_ms > FQ_TRIAL_ABORT_MS)
				return GENERIC_NO;
			if (e->generic_calls >= FQ_TRIAL_CALLS)
				return generic_mean <= custom_mean ? GENERIC_YES : GENERIC_NO;
			break;
		case GENERIC_YES:
			if (e->custom_calls >= FQ_TRIAL_CALLS &&
				e->generic_calls >= FQ_DRIFT_CALLS &&
				generic_mean > 2 * custom_mean)
				return GENERIC_NO;
			break;
	}
	return verdict;
}

/*
 * The next generic-plan verdict after a call that ran a custom plan or not
 * (see the file header).  Called with the entry's mutex held.
 */
static uint32
next_verdict(FqPlanEntry *e, uint32 verdict, bool custom, double elapsed_ms)
{
	uint32		next = judge(e, verdict, custom, elapsed_ms);

	if (next == GENERIC_NO && verdict != GENERIC_NO)
		reset_plan_counts(e);	/* count the calls towards a re-trial */
	else if (verdict == GENERIC_NO && e->custom_calls >= FQ_RETRIAL_CALLS)
	{
		reset_plan_counts(e);
		next = GENERIC_UNKNOWN;
	}
	return next;
}

/*
 * Hands back the plan of a call that never ran its statement (a cursor's
 * stream opened with the cursor and closed before its first fetch): its
 * open alone would tell the verdict nothing about what running it costs.
 */
void
fq_plancache_release(FqPlanHandle *handle)
{
	fq_localplans_release(handle);
}

/*
 * Adds a finished call's rows and time to its shared entry, by the kind of
 * plan it ran, and moves the shape's generic-plan verdict on.
 *
 * The verdict compares what a call costs once its backend has prepared the
 * statement, so the time spent preparing it (and, for a generic plan,
 * planning it) in this call is left out: otherwise, with many backends each
 * building its own generic plan during the trial, the trial would compare
 * planning with planning and might keep a shape on custom plans for good.
 * A custom call still counts its planning, which it pays every time.
 */
void
fq_plancache_record(FqPlanHandle *handle, uint64 rows, double elapsed_ms)
{
	FqPlanEntry *e;
	bool		custom;
	double		run_ms = Max(elapsed_ms - handle->prepare_ms, 0.0);

	/* a call whose transaction has ended has nothing to count by */
	if (!fq_localplans_held(handle))
	{
		fq_localplans_release(handle);
		return;
	}
	/* GetCachedPlan counts every custom plan it builds */
	custom = fq_localplans_custom_plans(handle->plan) > handle->custom_plans_before;
	fq_localplans_release(handle);
	if (shared == NULL || handle->slot < 0)
		return;

	e = &shared->entries[handle->slot];
	LWLockAcquire(shared->lock, LW_SHARED);
	if (e->in_use && e->generation == handle->generation)
	{
		uint32		verdict;

		SpinLockAcquire(&e->mutex);
		e->rows += rows;
		e->total_time += elapsed_ms;
		e->last_used = GetCurrentTimestamp();
		if (custom)
		{
			e->custom_calls++;
			e->custom_time += run_ms;
			e->custom_plan_time += Min(fq_own_planning_ms - handle->planning_before,
									   run_ms);
		}
		else
		{
			e->generic_calls++;
			e->generic_time += run_ms;
		}
		verdict = pg_atomic_read_u32(&e->generic);
		pg_atomic_write_u32(&e->generic, next_verdict(e, verdict, custom, run_ms));
		SpinLockRelease(&e->mutex);
	}
	LWLockRelease(shared->lock);
}

const char *
fq_plancache_outcome_name(FqPlanOutcome outcome)
{
	switch (outcome)
	{
		case FQ_PLAN_HIT:
			return "hit";
		case FQ_PLAN_MISS:
			return "miss";
		default:
			return "off";
	}
}

static void
require_shared(void)
{
	if (shared == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("fraiseql shared plan cache is not available"),
				 fq_plan_cache_size == 0 ?
				 errdetail("fraiseql.plan_cache_size is 0.") :
				 errdetail("fraiseql was not loaded through shared_preload_libraries; each backend keeps a local cache."),
				 errhint("Set shared_preload_libraries = 'fraiseql' and a non-zero fraiseql.plan_cache_size, then restart the server.")));
}

/*
 * fraiseql.plan_cache: one row per cached shape.  The SQL text of other
 * users' entries is shown only to superusers and pg_read_all_stats members.
 */
Datum
fraiseql_plan_cache(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		see_all;
	int			i;

	require_shared();
	InitMaterializedSRF(fcinfo, 0);
	see_all = has_privs_of_role(GetUserId(), ROLE_PG_READ_ALL_STATS);

	LWLockAcquire(shared->lock, LW_SHARED);
	for (i = 0; i < shared->capacity; i++)
	{
		FqPlanEntry *e = &shared->entries[i];
		Datum		values[14];
		bool		nulls[14] = {0};
		uint32		generic = pg_atomic_read_u32(&e->generic);
		Datum	   *types;
		int64		calls;
		int64		rows;
		int64		plans;
		double		total_time;
		TimestampTz last_used;
		int			j;

		CHECK_FOR_INTERRUPTS();
		if (!e->in_use)
			continue;

		SpinLockAcquire(&e->mutex);
		calls = e->calls;
		rows = e->rows;
		plans = e->plans;
		total_time = e->total_time;
		last_used = e->last_used;
		SpinLockRelease(&e->mutex);

		values[0] = Int64GetDatum((int64) e->key.sql_hash);
		values[1] = ObjectIdGetDatum(e->key.dbid);
		values[2] = ObjectIdGetDatum(e->key.relid);
		values[3] = ObjectIdGetDatum(e->data_type);
		values[4] = ObjectIdGetDatum(e->userid);
		if (see_all || e->userid == GetUserId())
			values[5] = CStringGetTextDatum(e->sql);
		else
			values[5] = CStringGetTextDatum("<insufficient privilege>");
		types = palloc(sizeof(Datum) * Max(e->nparams, 1));
		for (j = 0; j < e->nparams; j++)
			types[j] = ObjectIdGetDatum(e->param_types[j]);
		values[6] = PointerGetDatum(construct_array(types, e->nparams, REGTYPEOID,
													sizeof(Oid), true, TYPALIGN_INT));
		values[7] = Int64GetDatum(calls);
		values[8] = Int64GetDatum(rows);
		values[9] = Float8GetDatum(total_time);
		values[10] = Float8GetDatum(calls > 0 ? total_time / calls : 0);
		values[11] = TimestampTzGetDatum(last_used);
		values[12] = Int64GetDatum(plans);
		values[13] = BoolGetDatum(generic == GENERIC_YES);
		nulls[13] = generic == GENERIC_UNKNOWN || generic == GENERIC_TRIAL;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	LWLockRelease(shared->lock);
	return (Datum) 0;
}

/*
 * fraiseql.plan_cache_info: capacity, entries, hits, misses, evictions,
 * invalidations.
 */
Datum
fraiseql_plan_cache_info(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[6];
	bool		nulls[6] = {0};
	int			nentries;

	require_shared();
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	LWLockAcquire(shared->lock, LW_SHARED);
	nentries = shared->nentries;
	LWLockRelease(shared->lock);

	values[0] = Int32GetDatum(shared->capacity);
	values[1] = Int32GetDatum(nentries);
	values[2] = Int64GetDatum((int64) pg_atomic_read_u64(&shared->hits));
	values[3] = Int64GetDatum((int64) pg_atomic_read_u64(&shared->misses));
	values[4] = Int64GetDatum((int64) pg_atomic_read_u64(&shared->evictions));
	values[5] = Int64GetDatum((int64) pg_atomic_read_u64(&shared->invalidations));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc),
													  values, nulls)));
}

/*
 * fraiseql.plan_cache_reset(): empties the shared cache and zeroes its
 * counters, and drops this backend's plans and remembered translations.
 * Other backends keep their prepared plans and translations; their next
 * call of a shape counts as a miss and enters the shape again.  Without a
 * shared cache (not preloaded) it drops this backend's local cache only:
 * unlike the views it has something to do there, so it does not raise.
 */
Datum
fraiseql_plan_cache_reset(PG_FUNCTION_ARGS)
{
	int			i;

	if (shared)
	{
		LWLockAcquire(shared->lock, LW_EXCLUSIVE);
		for (i = 0; i < shared->capacity; i++)
			if (shared->entries[i].in_use)
				remove_shared_entry(&shared->entries[i]);
		shared->clock_hand = 0;
		pg_atomic_write_u64(&shared->hits, 0);
		pg_atomic_write_u64(&shared->misses, 0);
		pg_atomic_write_u64(&shared->evictions, 0);
		pg_atomic_write_u64(&shared->invalidations, 0);
		LWLockRelease(shared->lock);
	}
	fq_localplans_drop_all();
	fq_shape_reset();
	PG_RETURN_VOID();
}

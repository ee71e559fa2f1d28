/*-------------------------------------------------------------------------
 *
 * localplans.c
 *	  A backend's prepared plans for the plan cache (SPEC section 8): one
 *	  SPI plan per SQL text, bounded by fraiseql.plan_cache_size in LRU
 *	  order, and held by the calls that use them.
 *
 * Executable plans cannot live in shared memory, so each backend prepares
 * its own (SPI_prepare_cursor + SPI_keepplan) and keeps it in a hash keyed
 * by the hash of the SQL, in CacheMemoryContext; PostgreSQL's plancache
 * revalidates it after DDL.  plancache.c decides with which cursor options
 * (the shared entry's generic-plan verdict) and asks here for the plan.
 *
 * The cache may drop a plan -- evicted, prepared anew for another verdict,
 * a hash collision, plan_cache_reset() -- while a stream opened from it is
 * still open, or while a nested call runs inside a statement executing it.
 * Each plan is therefore reference-counted: a call holds its plan from
 * fq_localplans_hold to fq_localplans_release, and a dropped plan is freed
 * when the last holder lets go.  A call that ends by an error never
 * releases; no call outlives its transaction, so the transaction's end
 * releases every hold, and a handle from an ended transaction is ignored.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "lib/ilist.h"
#include "portability/instr_time.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/plancache.h"

#include "localplans.h"

/* A prepared plan, with the calls using it */
struct FqPlanRef
{
	SPIPlanPtr	plan;
	int			users;			/* calls between hold and release */
	bool		dropped;		/* no longer in the local cache */
	dlist_node	busy_node;		/* in busy_plans while users > 0 */
};

/* The plan for one SQL text */
struct FqLocalPlan
{
	uint64		sql_hash;		/* hash key */
	char	   *sql;
	FqPlanRef  *ref;
	int			options;		/* CURSOR_OPT_* it was prepared with */
	dlist_node	lru_node;		/* in local_lru, most recently used first */
};

static HTAB *local_plans = NULL;
static dlist_head local_lru = DLIST_STATIC_INIT(local_lru);
static dlist_head busy_plans = DLIST_STATIC_INIT(busy_plans);
static uint64 transaction_count = 0;	/* tells a handle of an ended one */

static void
free_plan_ref(FqPlanRef *ref)
{
	SPI_freeplan(ref->plan);
	pfree(ref);
}

/* Takes a plan out of the cache; freed now unless a call still holds it */
static void
free_local_plan(FqLocalPlan *lp)
{
	uint64		sql_hash = lp->sql_hash;
	FqPlanRef  *ref = lp->ref;

	dlist_delete(&lp->lru_node);
	pfree(lp->sql);
	hash_search(local_plans, &sql_hash, HASH_REMOVE, NULL);
	ref->dropped = true;
	if (ref->users == 0)
		free_plan_ref(ref);
}

/*
 * At the end of a transaction no call is using a plan any more; those that
 * ended by an error never released theirs.
 */
static void
localplans_xact_callback(XactEvent event, void *arg)
{
	dlist_mutable_iter iter;

	if (event != XACT_EVENT_COMMIT && event != XACT_EVENT_ABORT &&
		event != XACT_EVENT_PARALLEL_COMMIT &&
		event != XACT_EVENT_PARALLEL_ABORT && event != XACT_EVENT_PREPARE)
		return;
	transaction_count++;
	dlist_foreach_modify(iter, &busy_plans)
	{
		FqPlanRef  *ref = dlist_container(FqPlanRef, busy_node, iter.cur);

		dlist_delete(&ref->busy_node);
		ref->users = 0;
		if (ref->dropped)
			free_plan_ref(ref);
	}
}

static void
init_local_plans(void)
{
	HASHCTL		info;

	memset(&info, 0, sizeof(info));
	info.keysize = sizeof(uint64);
	info.entrysize = sizeof(FqLocalPlan);
	info.hcxt = CacheMemoryContext;
	local_plans = hash_create("fraiseql local plans", 256, &info,
							  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	RegisterXactCallback(localplans_xact_callback, NULL);
}

/*
 * The plan prepared for this SQL text with these cursor options, or NULL.
 * A plan of another text with the same hash, or of this text prepared with
 * other options (the shape's verdict changed), is dropped: the caller
 * prepares anew.
 */
FqLocalPlan *
fq_localplans_find(uint64 sql_hash, const char *sql, int options)
{
	FqLocalPlan *lp;

	if (local_plans == NULL)
		init_local_plans();
	lp = hash_search(local_plans, &sql_hash, HASH_FIND, NULL);
	if (lp && (strcmp(lp->sql, sql) != 0 || lp->options != options))
	{
		free_local_plan(lp);
		lp = NULL;
	}
	return lp;
}

/*
 * Prepares and keeps the query's statement with these cursor options, in
 * place of any plan of the same hash, evicting the least recently used plan
 * if the cache holds "capacity" plans (fraiseql.plan_cache_size, which the
 * caller, plancache.c, owns).  *prepare_ms gets the time taken.  With a generic
 * plan the plan is built here too, so that the call's time, which judges
 * the verdict, leaves it out.
 */
FqLocalPlan *
fq_localplans_prepare(const FqQuery *query, uint64 sql_hash, int options,
					  int capacity, double *prepare_ms)
{
	SPIPlanPtr	plan;
	FqLocalPlan *lp;
	FqPlanRef  *ref;
	char	   *sql;
	bool		found;
	instr_time	start;
	instr_time	prepared;

	if (local_plans == NULL)
		init_local_plans();

	INSTR_TIME_SET_CURRENT(start);
	plan = SPI_prepare_cursor(query->sql.data, query->nparams,
							  query->param_types, options);
	if (plan == NULL)
		elog(ERROR, "fraiseql: could not prepare generated query: %s",
			 SPI_result_code_string(SPI_result));
	SPI_keepplan(plan);

	/*
	 * Until it is in the hash, the kept plan is ours to free if anything
	 * fails: generic planning (user code the planner runs, a cancel), or
	 * running out of memory.
	 */
	PG_TRY();
	{
		if (options & CURSOR_OPT_GENERIC_PLAN)
		{
			CachedPlan *generic_plan = SPI_plan_get_cached_plan(plan);

			if (generic_plan)
				ReleaseCachedPlan(generic_plan, CurrentResourceOwner);
		}
		INSTR_TIME_SET_CURRENT(prepared);
		INSTR_TIME_SUBTRACT(prepared, start);
		*prepare_ms = INSTR_TIME_GET_MILLISEC(prepared);

		sql = MemoryContextStrdup(CacheMemoryContext, query->sql.data);
		ref = MemoryContextAllocZero(CacheMemoryContext, sizeof(FqPlanRef));
		ref->plan = plan;

		/*
		 * Planning can run user code (a STABLE function the planner
		 * evaluates) that calls fraiseql with this very statement, which
		 * then entered the hash meanwhile: this plan replaces that one.
		 */
		lp = hash_search(local_plans, &sql_hash, HASH_FIND, NULL);
		if (lp)
			free_local_plan(lp);
		if (hash_get_num_entries(local_plans) >= capacity &&
			!dlist_is_empty(&local_lru))
			free_local_plan(dlist_container(FqLocalPlan, lru_node,
											dlist_tail_node(&local_lru)));
		lp = hash_search(local_plans, &sql_hash, HASH_ENTER, &found);
	}
	PG_CATCH();
	{
		SPI_freeplan(plan);
		PG_RE_THROW();
	}
	PG_END_TRY();
	Assert(!found);
	lp->sql = sql;
	lp->ref = ref;
	lp->options = options;
	dlist_push_head(&local_lru, &lp->lru_node);
	return lp;
}

/* A call takes the plan: the handle's plan stays valid until released */
void
fq_localplans_hold(FqLocalPlan *lp, FqPlanHandle *handle)
{
	dlist_move_head(&local_lru, &lp->lru_node);
	if (lp->ref->users++ == 0)
		dlist_push_head(&busy_plans, &lp->ref->busy_node);
	handle->ref = lp->ref;
	handle->transaction = transaction_count;
	handle->plan = lp->ref->plan;
}

/* Whether the handle still holds its plan (its transaction has not ended) */
bool
fq_localplans_held(const FqPlanHandle *handle)
{
	return handle->ref != NULL && handle->transaction == transaction_count;
}

/* A call is done with its plan */
void
fq_localplans_release(FqPlanHandle *handle)
{
	FqPlanRef  *ref = handle->ref;
	bool		held = fq_localplans_held(handle);

	handle->ref = NULL;
	handle->plan = NULL;
	if (!held)
		return;					/* the transaction's end released it */
	if (--ref->users > 0)
		return;
	dlist_delete(&ref->busy_node);
	if (ref->dropped)
		free_plan_ref(ref);
}

/* How many custom plans PostgreSQL has built for a prepared statement */
int64
fq_localplans_custom_plans(SPIPlanPtr plan)
{
	List	   *sources = SPI_plan_get_plan_sources(plan);

	if (list_length(sources) != 1)
		return 0;
	return ((CachedPlanSource *) linitial(sources))->num_custom_plans;
}

/* Drops all of this backend's plans (those held are freed when released) */
void
fq_localplans_drop_all(void)
{
	HASH_SEQ_STATUS seq;
	FqLocalPlan *lp;

	if (local_plans == NULL)
		return;
	hash_seq_init(&seq, local_plans);
	while ((lp = hash_seq_search(&seq)) != NULL)
		free_local_plan(lp);
}

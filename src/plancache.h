/*-------------------------------------------------------------------------
 *
 * plancache.h
 *	  The plan cache: query shapes shared by every backend in shared memory,
 *	  with statistics; each backend's prepared plans kept locally.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_PLANCACHE_H
#define FQ_PLANCACHE_H

#include "postgres.h"

#include "executor/spi.h"

#include "query.h"

typedef enum FqPlanOutcome
{
	FQ_PLAN_OFF,				/* fraiseql.plan_cache_size = 0: one-shot plan */
	FQ_PLAN_HIT,				/* the shape was cached */
	FQ_PLAN_MISS				/* first call of this shape (since eviction) */
} FqPlanOutcome;

typedef struct FqPlanRef FqPlanRef;

/*
 * What one call got from the cache; handed back to fq_plancache_record,
 * which releases the plan (the transaction's end does, if the call fails)
 */
typedef struct FqPlanHandle
{
	SPIPlanPtr	plan;			/* NULL when the cache is off */
	FqPlanRef  *ref;			/* the hold on it */
	uint64		transaction;	/* the backend's count when acquired */
	FqPlanOutcome outcome;
	int			slot;			/* shared entry, or -1 */
	uint32		generation;		/* of that slot when acquired */
	int64		custom_plans_before;	/* to tell which kind of plan ran */
	double		prepare_ms;		/* preparing (and generic planning) in this call */
	bool		translation_reused; /* the statement came from the shape memo */
} FqPlanHandle;

extern int	fq_plan_cache_size;

extern void fq_plancache_init(void);
extern void fq_plancache_acquire(FqQuery *query, FqPlanHandle *handle);
extern void fq_plancache_record(FqPlanHandle *handle, uint64 rows,
								double elapsed_ms);
extern void fq_plancache_release(FqPlanHandle *handle);
extern const char *fq_plancache_outcome_name(FqPlanOutcome outcome);

#endif							/* FQ_PLANCACHE_H */

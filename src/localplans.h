/*-------------------------------------------------------------------------
 *
 * localplans.h
 *	  A backend's prepared plans for the plan cache, held by the calls that
 *	  use them (localplans.c), and the handle a call holds one by (filled
 *	  in by plancache.c, which sits above this module).
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_LOCALPLANS_H
#define FQ_LOCALPLANS_H

#include "postgres.h"

#include "executor/spi.h"

#include "sqlbuild.h"

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
	double		planning_before;	/* fq_own_planning_ms at the start */
	double		prepare_ms;		/* preparing (and generic planning) in this call */
	bool		translation_reused; /* the statement came from the shape memo */
} FqPlanHandle;

typedef struct FqLocalPlan FqLocalPlan;

extern FqLocalPlan *fq_localplans_find(uint64 sql_hash, const char *sql,
									   int options);
extern FqLocalPlan *fq_localplans_prepare(const FqQuery *query, uint64 sql_hash,
										  int options, int capacity,
										  double *prepare_ms);
extern void fq_localplans_hold(FqLocalPlan *lp, FqPlanHandle *handle);
extern bool fq_localplans_held(const FqPlanHandle *handle);
extern void fq_localplans_release(FqPlanHandle *handle);
extern int64 fq_localplans_custom_plans(SPIPlanPtr plan);
extern void fq_localplans_drop_all(void);

#endif							/* FQ_LOCALPLANS_H */

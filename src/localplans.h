/*-------------------------------------------------------------------------
 *
 * localplans.h
 *	  A backend's prepared plans for the plan cache, held by the calls that
 *	  use them (localplans.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_LOCALPLANS_H
#define FQ_LOCALPLANS_H

#include "postgres.h"

#include "executor/spi.h"

#include "plancache.h"
#include "query.h"

typedef struct FqLocalPlan FqLocalPlan;

extern FqLocalPlan *fq_localplans_find(uint64 sql_hash, const char *sql,
									   int options);
extern FqLocalPlan *fq_localplans_prepare(const FqQuery *query, uint64 sql_hash,
										  int options, double *prepare_ms);
extern void fq_localplans_hold(FqLocalPlan *lp, FqPlanHandle *handle);
extern bool fq_localplans_held(const FqPlanHandle *handle);
extern void fq_localplans_release(FqPlanHandle *handle);
extern int64 fq_localplans_custom_plans(SPIPlanPtr plan);
extern void fq_localplans_drop_all(void);

#endif							/* FQ_LOCALPLANS_H */

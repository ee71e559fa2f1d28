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

#include "localplans.h"
#include "sqlbuild.h"

extern int	fq_plan_cache_size;

extern void fq_plancache_init(void);
extern void fq_plancache_acquire(FqQuery *query, FqPlanHandle *handle);
extern void fq_plancache_record(FqPlanHandle *handle, uint64 rows,
								double elapsed_ms);
extern void fq_plancache_release(FqPlanHandle *handle);
extern const char *fq_plancache_outcome_name(FqPlanOutcome outcome);

#endif							/* FQ_PLANCACHE_H */

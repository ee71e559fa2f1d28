/*-------------------------------------------------------------------------
 *
 * ownplan.h
 *	  How the planner tells fraiseql's own statements from everyone else's:
 *	  cursor-option bits that every generated statement is prepared or
 *	  opened with, and that PostgreSQL hands to planner_hook unchanged.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_OWNPLAN_H
#define FQ_OWNPLAN_H

/*
 * PostgreSQL's CURSOR_OPT_* bits (nodes/parsenodes.h) stop at 0x0800.  The
 * cursor options of an SPI plan reach every planning of it (generic and
 * custom, and re-planning after an invalidation) through its
 * CachedPlanSource, and a portal only ever tests PostgreSQL's own bits, so
 * bits far above them mark a statement as ours without changing how it is
 * run.  Nothing outside fraiseql sets them.
 */
#define FQ_CURSOR_OPT_OWN		0x01000000	/* a statement fraiseql generated */
#define FQ_CURSOR_OPT_CHUNKED	0x02000000	/* ... read in chunks by a cursor */

/*
 * The options every generated statement is prepared or opened with.  One
 * that is not read in chunks (a count) runs to its end in one SPI call, so
 * it may have parallel workers, as the plain statement would; the executor
 * runs a plan serially anyway when it is asked for a limited number of rows.
 */
#define FQ_CURSOR_OPTIONS(chunked) \
	(CURSOR_OPT_NO_SCROLL | FQ_CURSOR_OPT_OWN | \
	 ((chunked) ? FQ_CURSOR_OPT_CHUNKED : CURSOR_OPT_PARALLEL_OK))

/*
 * Milliseconds this backend has spent planning its generated statements so
 * far; the plan cache takes differences of it to learn what planning costs
 * a shape's custom-planned calls.
 */
extern double fq_own_planning_ms;

extern void fq_ownplan_init(void);

#endif							/* FQ_OWNPLAN_H */

/*-------------------------------------------------------------------------
 *
 * ownplan.c
 *	  Plans fraiseql's own statements the way they are read: a statement
 *	  read in chunks by a cursor is never JIT-compiled.
 *
 * standard_planner asks for JIT when the whole plan's total cost passes
 * jit_above_cost (100000 by default), whatever fraction of the result a
 * cursor will read.  A stream's cursor over a large source is planned for
 * every row it could return, so with PostgreSQL's defaults a source of
 * about 1M rows of 650 bytes is compiled at every executor start (nothing
 * is kept across executions), and the first one in a backend also loads
 * LLVM: 72 ms before the first row of a stream in a new backend, 2-5 ms in
 * a warm one, against 0.13 ms without JIT.  A stream reads 64 rows first
 * and its consumer may stop at any row, so the cost of compiling is paid
 * for rows that may never be read; and compiling a filter of 10k keys took
 * longer than any statement_timeout.  Row statements are read by a cursor
 * (stream(), the custom scan, query() all share one plan per shape), so
 * they are planned without JIT; count() reads its whole result in one
 * aggregate and keeps PostgreSQL's decision.
 *
 * The hook also times the planning of these statements (fq_own_planning_ms),
 * which is what a generic plan could save a call: the plan cache weighs
 * that before it puts a generic plan to the test (plancache.c).
 *
 * The statements are told apart by cursor-option bits (ownplan.h) that the
 * plan cache hands to every planning of an SPI plan, generic or custom,
 * also when PostgreSQL re-plans one after an invalidation.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "jit/jit.h"
#include "nodes/parsenodes.h"
#include "optimizer/planner.h"
#include "portability/instr_time.h"

#include "ownplan.h"

static planner_hook_type prev_planner_hook = NULL;

double		fq_own_planning_ms = 0;

static PlannedStmt *
ownplan_planner(Query *parse, const char *query_string, int cursorOptions,
				ParamListInfo boundParams)
{
	PlannedStmt *stmt;
	bool		own = (cursorOptions & FQ_CURSOR_OPT_OWN) != 0;
	instr_time	start;
	instr_time	elapsed;

	/* everyone else's statements are planned without reading the clock */
	if (own)
		INSTR_TIME_SET_CURRENT(start);
	if (prev_planner_hook)
		stmt = prev_planner_hook(parse, query_string, cursorOptions, boundParams);
	else
		stmt = standard_planner(parse, query_string, cursorOptions, boundParams);

	if (own)
	{
		INSTR_TIME_SET_CURRENT(elapsed);
		INSTR_TIME_SUBTRACT(elapsed, start);
		fq_own_planning_ms += INSTR_TIME_GET_MILLISEC(elapsed);
	}
	if (cursorOptions & FQ_CURSOR_OPT_CHUNKED)
		stmt->jitFlags = PGJIT_NONE;
	return stmt;
}

void
fq_ownplan_init(void)
{
	prev_planner_hook = planner_hook;
	planner_hook = ownplan_planner;
}

/*-------------------------------------------------------------------------
 *
 * scan.c
 *	  The FraiseQLStream custom scan (SPEC section 7).
 *
 * A set-returning function in FROM runs as a Function Scan, which calls the
 * function until it is exhausted and stores every row in a tuplestore before
 * returning the first (ExecMakeTableFunctionResult in execSRF.c).  For
 * SELECT ... FROM fraiseql.stream(...) we replace that path with a custom
 * scan that evaluates the arguments, opens the generated query as a cursor
 * (stream.c) as the scan starts or at its first fetch (begin_stream_scan
 * says which), and returns its rows as they come, one chunk in memory at a
 * time.  An outer LIMIT therefore stops after at most one
 * chunk, and the time to the first row does not depend on the result size.
 *
 * The generated query is never planned into the outer plan: it is opened as
 * a portal at run time, so a prepared outer statement with a generic plan
 * does not re-plan it, and the arguments may be parameters or LATERAL
 * references.  The function's RTE is not a relation, so the scan has
 * scanrelid 0 and describes its tuple with custom_scan_tlist.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/extensible.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "tcop/pquery.h"
#include "utils/datum.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/restrictinfo.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/portal.h"

#include "scan.h"
#include "query.h"
#include "stream.h"

#define FQ_SCAN_NAME "FraiseQLStream"

bool		fq_enable_custom_scan = true;

typedef struct FqScanState
{
	CustomScanState css;
	List	   *args;			/* ExprState per fraiseql.stream() argument */
	bool		ordinality;		/* WITH ORDINALITY: a second, bigint column */
	MemoryContext context;		/* the stream's memory, reset on rescan */
	FqCursor   *cursor;			/* NULL until opened, or NULL source */
	bool		started;
	int64		ordinal;
	PlannedStmt *inner_plan;	/* under EXPLAIN ANALYZE: what the query ran */
	/* kept across rescans for EXPLAIN ANALYZE */
	char	   *last_sql;
	Oid			last_relid;
	int			last_chunk_size;
	FqPlanOutcome last_outcome;
	bool		last_translation_reused;
	int64		chunks;
	int64		rows;
	Size		peak_chunk_bytes;
	int			starts;
} FqScanState;

static set_rel_pathlist_hook_type prev_set_rel_pathlist_hook = NULL;

static Plan *plan_stream_path(PlannerInfo *root, RelOptInfo *rel,
							  CustomPath *best_path, List *tlist,
							  List *clauses, List *custom_plans);
static Node *create_stream_state(CustomScan *cscan);
static void begin_stream_scan(CustomScanState *node, EState *estate, int eflags);
static void start_stream(FqScanState *state);
static TupleTableSlot *exec_stream_scan(CustomScanState *node);
static void end_stream_scan(CustomScanState *node);
static void rescan_stream_scan(CustomScanState *node);
static void explain_stream_scan(CustomScanState *node, List *ancestors,
								ExplainState *es);

static const CustomPathMethods stream_path_methods = {
	.CustomName = FQ_SCAN_NAME,
	.PlanCustomPath = plan_stream_path,
};

static const CustomScanMethods stream_scan_methods = {
	.CustomName = FQ_SCAN_NAME,
	.CreateCustomScanState = create_stream_state,
};

static const CustomExecMethods stream_exec_methods = {
	.CustomName = FQ_SCAN_NAME,
	.BeginCustomScan = begin_stream_scan,
	.ExecCustomScan = exec_stream_scan,
	.EndCustomScan = end_stream_scan,
	.ReScanCustomScan = rescan_stream_scan,
	.ExplainCustomScan = explain_stream_scan,
};

/*
 * Is this fraiseql.stream()?  Identified by schema, name and arity, so a
 * dropped and re-created extension is recognised without a cached OID.
 */
static bool
is_stream_function(Oid funcid)
{
	char	   *name;
	Oid			nsp;

	if (get_func_nargs(funcid) != FQ_STREAM_NARGS ||
		get_func_rettype(funcid) != JSONOID)
		return false;
	nsp = get_func_namespace(funcid);
	name = get_func_name(funcid);
	return name && strcmp(name, "stream") == 0 &&
		nsp == get_namespace_oid("fraiseql", true);
}

/*
 * Does the query need the function's whole-row value?  The scan produces
 * plain columns only, so leave such queries to the Function Scan.
 */
static bool
needs_whole_row(RelOptInfo *rel)
{
	ListCell   *lc;

	if (!bms_is_empty(rel->attr_needed[0 - rel->min_attr]))
		return true;
	foreach(lc, rel->reltarget->exprs)
	{
		Node	   *expr = lfirst(lc);

		if (IsA(expr, Var) && ((Var *) expr)->varattno == 0)
			return true;
	}
	return false;
}

static void
stream_set_rel_pathlist(PlannerInfo *root, RelOptInfo *rel, Index rti,
						RangeTblEntry *rte)
{
	RangeTblFunction *rtfunc;
	CustomPath *cpath;
	ParamPathInfo *param_info;
	Cost		run_cost;

	if (prev_set_rel_pathlist_hook)
		prev_set_rel_pathlist_hook(root, rel, rti, rte);

	if (!fq_enable_custom_scan || rte->rtekind != RTE_FUNCTION ||
		list_length(rte->functions) != 1 || IS_DUMMY_REL(rel))
		return;
	rtfunc = linitial_node(RangeTblFunction, rte->functions);
	if (!IsA(rtfunc->funcexpr, FuncExpr) ||
		!is_stream_function(((FuncExpr *) rtfunc->funcexpr)->funcid) ||
		needs_whole_row(rel))
		return;

	param_info = get_baserel_parampathinfo(root, rel, rel->lateral_relids);

	cpath = makeNode(CustomPath);
	cpath->path.pathtype = T_CustomScan;
	cpath->path.parent = rel;
	cpath->path.pathtarget = rel->reltarget;
	cpath->path.param_info = param_info;
	cpath->path.parallel_aware = false;
	cpath->path.parallel_safe = false;	/* it opens a portal */
	cpath->path.parallel_workers = 0;
	cpath->path.rows = param_info ? param_info->ppi_rows : rel->rows;
	/* the first row comes after one chunk, not after the whole result */
	run_cost = cpu_tuple_cost * cpath->path.rows;
	cpath->path.startup_cost = 0;
	cpath->path.total_cost = run_cost;
	cpath->path.pathkeys = NIL;
	cpath->flags = CUSTOMPATH_SUPPORT_PROJECTION;	/* ExecScan projects */
	cpath->custom_paths = NIL;
	cpath->custom_private = NIL;
	cpath->methods = &stream_path_methods;

	/*
	 * The Function Scan would materialise the whole result; never let the
	 * planner pick it when the custom scan is enabled.
	 */
	rel->pathlist = NIL;
	rel->partial_pathlist = NIL;
	add_path(rel, &cpath->path);
}

/*
 * Does an argument need a value the executor computes only while running:
 * a LATERAL reference (a Var when the scan is planned, a PARAM_EXEC from the
 * nested loop above once create_customscan_plan has replaced it), an
 * initplan's result or a subplan?  Asked once, as the scan is planned.
 */
static bool
needs_run_time_value(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, Var) || IsA(node, PlaceHolderVar) || IsA(node, SubLink) ||
		IsA(node, SubPlan) || IsA(node, AlternativeSubPlan))
		return true;
	if (IsA(node, Param) && ((Param *) node)->paramkind == PARAM_EXEC)
		return true;
	return expression_tree_walker(node, needs_run_time_value, context);
}

static Plan *
plan_stream_path(PlannerInfo *root, RelOptInfo *rel, CustomPath *best_path,
				 List *tlist, List *clauses, List *custom_plans)
{
	RangeTblEntry *rte = planner_rt_fetch(rel->relid, root);
	RangeTblFunction *rtfunc = linitial_node(RangeTblFunction, rte->functions);
	FuncExpr   *fexpr = (FuncExpr *) rtfunc->funcexpr;
	CustomScan *cscan = makeNode(CustomScan);
	List	   *scan_tlist;

	/* the scan tuple: the json column, then the ordinality column */
	scan_tlist = list_make1(makeTargetEntry((Expr *) makeVar(rel->relid, 1, JSONOID,
															 -1, InvalidOid, 0),
											1, NULL, false));
	if (rte->funcordinality)
		scan_tlist = lappend(scan_tlist,
							 makeTargetEntry((Expr *) makeVar(rel->relid, 2, INT8OID,
															  -1, InvalidOid, 0),
											 2, NULL, false));

	cscan->scan.plan.targetlist = tlist;
	cscan->scan.plan.qual = extract_actual_clauses(clauses, false);
	cscan->scan.scanrelid = 0;
	cscan->flags = best_path->flags;
	cscan->custom_plans = NIL;
	cscan->custom_exprs = copyObject(fexpr->args);
	/* WITH ORDINALITY; can the arguments be evaluated as the scan starts? */
	cscan->custom_private = list_make2(makeBoolean(rte->funcordinality),
									   makeBoolean(!needs_run_time_value((Node *) fexpr->args,
																		 NULL)));
	cscan->custom_scan_tlist = scan_tlist;
	cscan->custom_relids = bms_make_singleton(rel->relid);
	cscan->methods = &stream_scan_methods;

	return &cscan->scan.plan;
}

static Node *
create_stream_state(CustomScan *cscan)
{
	FqScanState *state = palloc0(sizeof(FqScanState));

	NodeSetTag(state, T_CustomScanState);
	state->css.flags = cscan->flags;
	state->css.methods = &stream_exec_methods;
	return (Node *) state;
}

static void
begin_stream_scan(CustomScanState *node, EState *estate, int eflags)
{
	FqScanState *state = (FqScanState *) node;
	CustomScan *cscan = (CustomScan *) node->ss.ps.plan;

	state->args = ExecInitExprList(cscan->custom_exprs, &node->ss.ps);
	state->ordinality = boolVal(linitial(cscan->custom_private));
	state->context = AllocSetContextCreate(estate->es_query_cxt,
										   "FraiseQLStream",
										   ALLOCSET_DEFAULT_SIZES);

	/*
	 * A cursor's stream opens now, while the cursor's portal starts, when
	 * its arguments (constants, a prepared statement's parameters) can be
	 * evaluated now.  Its query is then resolved, planned and started with
	 * the cursor, as a plain cursor's query is at DECLARE, and its portal
	 * belongs to the cursor's subtransaction: a cursor declared before a
	 * savepoint and first read inside it keeps its stream after ROLLBACK
	 * TO, and the stream can refer to nothing the savepoint created.  Its
	 * first chunk is still fetched on the first row asked for.
	 *
	 * Everything else opens on the first fetch, as every stream did before:
	 * a statement's own unnamed portal (which ends with the statement, and
	 * whose executor may start a stream it never reads: LIMIT 0, a hash
	 * join with an empty outer side); a WITH HOLD cursor (a stream open at
	 * COMMIT may be persisted before the cursor, running its whole query
	 * whatever the cursor's LIMIT); a stream inside another stream's source
	 * (fq_stream_opening); a query started while its portal runs
	 * (a function's statement under a cursor); arguments that need run-time
	 * values; EXPLAIN, which runs nothing; and EXPLAIN ANALYZE, whose
	 * instrumentation (which start_stream reads) is attached to this node
	 * only after we return.
	 */
	if (!(eflags & EXEC_FLAG_EXPLAIN_ONLY) && estate->es_instrument == 0 &&
		ActivePortal && ActivePortal->status == PORTAL_DEFINED &&
		ActivePortal->name[0] != '\0' &&
		!(ActivePortal->cursorOptions & CURSOR_OPT_HOLD) && !fq_stream_opening() &&
		boolVal(lsecond(cscan->custom_private)))
		start_stream(state);
}

/*
 * Evaluates the arguments and opens the stream: as the scan starts, or on
 * its first fetch (begin_stream_scan says which).
 */
static void
start_stream(FqScanState *state)
{
	ExprContext *econtext = state->css.ss.ps.ps_ExprContext;
	NullableDatum argv[FQ_STREAM_NARGS];
	MemoryContext oldcontext;
	ListCell   *lc;
	int			i = 0;

	Assert(list_length(state->args) == FQ_STREAM_NARGS);

	/* evaluate in the per-tuple context, keep copies in the stream's */
	foreach(lc, state->args)
	{
		ExprState  *arg = lfirst(lc);
		Datum		value;
		int16		typlen;
		bool		typbyval;

		oldcontext = MemoryContextSwitchTo(econtext->ecxt_per_tuple_memory);
		value = ExecEvalExpr(arg, econtext, &argv[i].isnull);
		MemoryContextSwitchTo(state->context);
		if (!argv[i].isnull)
		{
			get_typlenbyval(exprType((Node *) arg->expr), &typlen, &typbyval);
			value = datumCopy(value, typbyval, typlen);
		}
		argv[i].value = argv[i].isnull ? (Datum) 0 : value;
		MemoryContextSwitchTo(oldcontext);
		i++;
	}

	state->cursor = fq_stream_begin(argv, state->context);
	state->started = true;
	if (state->cursor)
	{
		/* EXPLAIN ANALYZE reports the last statement run, across rescans */
		if (state->last_sql)
			pfree(state->last_sql);
		state->last_sql = MemoryContextStrdup(GetMemoryChunkContext(state),
											  state->cursor->sql);
		state->last_relid = state->cursor->source_relid;
		state->last_chunk_size = state->cursor->chunk_size;
		state->last_outcome = state->cursor->plan.outcome;
		state->last_translation_reused = state->cursor->plan.translation_reused;
	}
	state->ordinal = 0;
	state->starts++;

	/* under EXPLAIN ANALYZE, keep the plan the generated query runs with */
	if (state->cursor && state->css.ss.ps.instrument && state->cursor->portal_name)
	{
		Portal		portal = GetPortalByName(state->cursor->portal_name);

		if (portal && portal->stmts)
		{
			oldcontext = MemoryContextSwitchTo(state->context);
			state->inner_plan = copyObject(linitial_node(PlannedStmt, portal->stmts));
			MemoryContextSwitchTo(oldcontext);
		}
	}
}

static void
finish_stream(FqScanState *state)
{
	if (state->cursor)
	{
		state->chunks += state->cursor->chunks;
		state->rows += state->cursor->total_rows;
		state->peak_chunk_bytes = Max(state->peak_chunk_bytes,
									  state->cursor->peak_chunk_bytes);
		fq_cursor_close(state->cursor);
		state->cursor = NULL;
	}
}

static TupleTableSlot *
next_stream_row(ScanState *ss)
{
	FqScanState *state = (FqScanState *) ss;
	TupleTableSlot *slot = ss->ss_ScanTupleSlot;
	Datum		value;
	bool		isnull;

	if (!state->started)
		start_stream(state);

	ExecClearTuple(slot);
	if (state->cursor == NULL)
		return slot;
	if (!fq_cursor_next(state->cursor, &value, &isnull))
	{
		finish_stream(state);
		return slot;
	}
	slot->tts_values[0] = value;
	slot->tts_isnull[0] = isnull;
	if (state->ordinality)
	{
		slot->tts_values[1] = Int64GetDatum(++state->ordinal);
		slot->tts_isnull[1] = false;
	}
	return ExecStoreVirtualTuple(slot);
}

static bool
recheck_stream_row(ScanState *ss, TupleTableSlot *slot)
{
	return true;
}

static TupleTableSlot *
exec_stream_scan(CustomScanState *node)
{
	return ExecScan(&node->ss, next_stream_row, recheck_stream_row);
}

static void
end_stream_scan(CustomScanState *node)
{
	finish_stream((FqScanState *) node);
}

/*
 * Rescan (nested loop, LATERAL, a cursor rewound): close the cursor; the
 * next fetch evaluates the arguments again, since parameters may differ.
 */
static void
rescan_stream_scan(CustomScanState *node)
{
	FqScanState *state = (FqScanState *) node;

	/*
	 * A nested loop or a subplan rescans its inner side before reading it
	 * at all: a stream open and not read yet was opened as the scan started
	 * (one opened on a fetch has read its first chunk), so its arguments
	 * need no run-time value; it is what the rescan would open again, and
	 * it must stay where the cursor opened it.
	 */
	if (state->cursor && state->cursor->chunks == 0)
	{
		ExecScanReScan(&node->ss);
		return;
	}
	finish_stream(state);
	MemoryContextReset(state->context);
	state->inner_plan = NULL;
	state->started = false;
	ExecScanReScan(&node->ss);
}

/*
 * EXPLAIN: with constant arguments the statement is known before running;
 * otherwise EXPLAIN ANALYZE shows what the last start ran.
 */
static void
explain_stream_scan(CustomScanState *node, List *ancestors, ExplainState *es)
{
	FqScanState *state = (FqScanState *) node;
	CustomScan *cscan = (CustomScan *) node->ss.ps.plan;
	char	   *sql = NULL;
	Oid			relid = InvalidOid;
	int			chunk_size = fq_chunk_size;
	ListCell   *lc;
	bool		all_const = true;
	NullableDatum argv[FQ_STREAM_NARGS];
	int			i = 0;

	foreach(lc, cscan->custom_exprs)
	{
		Node	   *arg = lfirst(lc);

		if (!IsA(arg, Const))
		{
			all_const = false;
			break;
		}
		argv[i].value = ((Const *) arg)->constvalue;
		argv[i].isnull = ((Const *) arg)->constisnull;
		i++;
	}

	if (state->last_sql)
	{
		sql = state->last_sql;
		relid = state->last_relid;
		chunk_size = state->last_chunk_size;
	}
	else if (all_const && !argv[FQ_ARG_SOURCE].isnull)
	{
		FqQueryArgs args;
		FqSource	source;
		FqQuery		query;

		fq_read_query_args(argv, FQ_STREAM_NARGS, &args);
		fq_source_resolve(args.relid, &source);
		fq_query_build(&query, &source, FQ_QUERY_ROWS, &args);
		sql = query.sql.data;
		relid = args.relid;
		chunk_size = fq_chunk_size_arg(argv[FQ_ARG_CHUNK_SIZE].isnull,
									   DatumGetInt32(argv[FQ_ARG_CHUNK_SIZE].value));
	}

	if (OidIsValid(relid))
		ExplainPropertyText("Source", get_rel_name(relid), es);
	if (sql)
		ExplainPropertyText("Query", sql, es);
	if (OidIsValid(relid))
		ExplainPropertyInteger("Chunk Size", NULL, chunk_size, es);

	if (es->analyze)
	{
		/* EXPLAIN runs before EndCustomScan: add the open cursor's figures */
		FqCursor   *cursor = state->cursor;
		Size		peak = Max(state->peak_chunk_bytes,
							   cursor ? cursor->peak_chunk_bytes : 0);

		ExplainPropertyInteger("Chunks", NULL,
							   state->chunks + (cursor ? cursor->chunks : 0), es);
		ExplainPropertyInteger("Rows", NULL,
							   state->rows + (cursor ? cursor->total_rows : 0), es);
		ExplainPropertyInteger("Peak Chunk Memory", "kB",
							   (int64) ((peak + 1023) / 1024), es);
		ExplainPropertyText("Plan Cache",
							fq_plancache_outcome_name(state->last_outcome), es);
		ExplainPropertyText("Translation",
							state->last_translation_reused ? "reused" : "new", es);
	}

	if (es->analyze && es->verbose && state->inner_plan)
	{
		ExplainState *inner = NewExplainState();

		inner->format = EXPLAIN_FORMAT_TEXT;
		inner->costs = es->costs;
		inner->verbose = false;
		inner->summary = false;
		ExplainOnePlan(state->inner_plan, NULL, inner, sql, NULL, NULL, NULL, NULL);
		if (es->format == EXPLAIN_FORMAT_TEXT)
		{
			/* a nested plan, indented under the scan's other properties */
			char	   *line = inner->str->data;

			appendStringInfoSpaces(es->str, es->indent * 2);
			appendStringInfoString(es->str, "Generated Plan:\n");
			while (*line)
			{
				char	   *end = strchr(line, '\n');
				int			len = end ? (int) (end - line) : (int) strlen(line);

				if (len > 0)
				{
					appendStringInfoSpaces(es->str, es->indent * 2 + 2);
					appendBinaryStringInfo(es->str, line, len);
					appendStringInfoChar(es->str, '\n');
				}
				line += len + (end ? 1 : 0);
			}
		}
		else
			ExplainPropertyText("Generated Plan", inner->str->data, es);
	}
}

void
fq_scan_init(void)
{
	DefineCustomBoolVariable("fraiseql.enable_custom_scan",
							 "Streams fraiseql.stream() in FROM through the FraiseQLStream custom scan.",
							 "Off falls back to PostgreSQL's Function Scan, which materialises the whole result first.",
							 &fq_enable_custom_scan,
							 true,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);

	RegisterCustomScanMethods(&stream_scan_methods);
	prev_set_rel_pathlist_hook = set_rel_pathlist_hook;
	set_rel_pathlist_hook = stream_set_rel_pathlist;
}

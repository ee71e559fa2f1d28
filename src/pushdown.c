/*-------------------------------------------------------------------------
 *
 * pushdown.c
 *	  The view pushdown (SPEC section 14): a planner hook that rewrites
 *	  accesses to a view's jsonb data (data->'k', data->>'k', #>, #>>, and
 *	  the casts and NULL tests above them) into the expression over the
 *	  view's base columns that gives the same result for every row, and the
 *	  GUC fraiseql.view_pushdown that says which statements it applies to.
 *
 * Where it happens.  At planner_hook time the rewriter has replaced each
 * view by an RTE_SUBQUERY holding the view's query; pull_up_subqueries,
 * inside standard_planner, later merges a simple one into the outer query
 * and replaces the outer Vars of its columns by its target expressions.  So
 * for an access over Var(subquery, data) in the outer query we append the
 * exact equivalent (pushdown_value.c), written over the subquery's own
 * columns, to the subquery's target list as a new output column, and
 * replace the access by a Var of that column.  PostgreSQL then does the
 * rest with its own rules: a simple view is pulled up and the base-column
 * expression lands in the outer quals and sort keys, where indexes apply; a
 * view it keeps as a subquery (security_barrier, LIMIT, ...) gets a qual on
 * the new column pushed into it only where it would push any qual (for a
 * security_barrier view: leakproof ones), so nothing runs below a barrier
 * that PostgreSQL would not put there, and the new column is computed from
 * rows that already passed the view's own conditions, as data is.  Doing it
 * on the Query, before planning, rather than on the planned quals keeps the
 * rewrite out of every planner path and leaves outer joins to PostgreSQL:
 * a Var of a null-extended subquery is NULL, and every access we replace is
 * strict (NULL data gives NULL), so the two agree on null-extended rows; a
 * NULL test, which is not strict, keeps its test above the view and only
 * its argument is replaced.
 *
 * An ORDER BY key data->'k' (jsonb order) over a column that orders the
 * same way becomes the column, with its own operators (rewrite_sort_keys).
 *
 * Subqueries whose result would change with one more output column are left
 * alone: GROUP BY, DISTINCT, aggregates, window functions, set-returning
 * functions in the target list, set operations, resjunk columns (their
 * attribute numbers would collide), and a subquery the outer query reads as
 * a whole row (the row would gain a field).  Nested subqueries (views over
 * views) are processed after their parent, so an access the parent's new
 * column makes of a nested view's data is rewritten in turn; SubLinks and
 * CTEs are processed as queries of their own, and Vars of an outer query
 * level inside a SubLink are matched by their varlevelsup.
 *
 * Scope: fraiseql.view_pushdown = on (the default) rewrites only the
 * statements fraiseql generates (planned with FQ_CURSOR_OPT_OWN, ownplan.h),
 * all every statement, off none.  The plan depends on the view's
 * definition; the plan cache of an SPI plan records the view among the
 * relations it depends on, so CREATE OR REPLACE VIEW re-plans it and the
 * hook runs again over the new definition.  The SQL text (to_sql) is never
 * changed: only the planner's copy of the query is.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "optimizer/planner.h"
#include "parser/parse_oper.h"
#include "parser/parsetree.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/plancache.h"

#include "ownplan.h"
#include "pushdown.h"
#include "pushdown_nulls.h"
#include "pushdown_value.h"

/* pg_operator OIDs of the jsonb access operators (pg_operator.dat) */
#define FQ_OP_FIELD			3211	/* jsonb -> text */
#define FQ_OP_FIELD_TEXT	3477	/* jsonb ->> text */
#define FQ_OP_PATH			3213	/* jsonb #> text[] */
#define FQ_OP_PATH_TEXT		3206	/* jsonb #>> text[] */

typedef enum FqViewPushdown
{
	FQ_PUSHDOWN_OFF,
	FQ_PUSHDOWN_ON,
	FQ_PUSHDOWN_ALL
} FqViewPushdown;

static const struct config_enum_entry view_pushdown_options[] = {
	{"off", FQ_PUSHDOWN_OFF, false},
	{"on", FQ_PUSHDOWN_ON, false},
	{"all", FQ_PUSHDOWN_ALL, false},
	{"false", FQ_PUSHDOWN_OFF, true},
	{"true", FQ_PUSHDOWN_ON, true},
	{NULL, 0, false}
};

static int	fq_view_pushdown = FQ_PUSHDOWN_ON;
static planner_hook_type prev_planner_hook = NULL;

/* A column appended to a subquery, so that equal accesses share it */
typedef struct AddedColumn
{
	int			varno;
	AttrNumber	attno;
	Expr	   *expr;
} AddedColumn;

typedef struct PushContext
{
	Query	   *query;			/* whose subquery RTEs are rewritten */
	bool	   *eligible;		/* by range table index, 1-based */
	Index		depth;			/* SubLink levels below query */
	List	   *added;			/* of AddedColumn */
} PushContext;

static void pushdown_query(Query *query);

/*
 * One step of an access: obj -> key, obj ->> key, obj #> '{...}', obj #>>
 * '{...}' with constant keys.  Sets *obj, *keys (in order), *is_text.
 */
static bool
access_step(Node *node, Node **obj, List **keys, bool *is_text)
{
	OpExpr	   *op;
	Const	   *k;

	if (!IsA(node, OpExpr))
		return false;
	op = (OpExpr *) node;
	if (list_length(op->args) != 2 || !IsA(lsecond(op->args), Const))
		return false;
	k = lsecond(op->args);
	if (k->constisnull)
		return false;
	*obj = linitial(op->args);
	*is_text = (op->opno == FQ_OP_FIELD_TEXT || op->opno == FQ_OP_PATH_TEXT);
	if (op->opno == FQ_OP_FIELD || op->opno == FQ_OP_FIELD_TEXT)
	{
		*keys = list_make1(TextDatumGetCString(k->constvalue));
		return true;
	}
	if (op->opno == FQ_OP_PATH || op->opno == FQ_OP_PATH_TEXT)
	{
		Datum	   *elems;
		bool	   *nulls;
		int			n;

		deconstruct_array(DatumGetArrayTypeP(k->constvalue), TEXTOID, -1, false,
						  TYPALIGN_INT, &elems, &nulls, &n);
		/* '{}' is the object itself, and a NULL element gives NULL: leave both */
		if (n == 0)
			return false;
		*keys = NIL;
		for (int i = 0; i < n; i++)
		{
			if (nulls[i])
				return false;
			*keys = lappend(*keys, TextDatumGetCString(elems[i]));
		}
		return true;
	}
	return false;
}

/*
 * The equivalent of an access chain over a view's data, added as a column
 * of the view's subquery; returns a Var of it, or NULL.  want_text asks for
 * a chain ending in ->> or #>> (a cast or NULL test's argument); replaced
 * is the node the Var stands for (the access, or the cast above it; for a
 * NULL test, the test's argument is replaced by the scalar it tests).
 */
static Node *
replace_access(PushContext *ctx, Node *access, bool want_text,
			   FqAccessForm form, Node *replaced)
{
	Node	   *obj;
	List	   *keys;
	bool		is_text;
	Node	   *inner;
	List	   *inner_keys;
	bool		inner_text;
	Var		   *var;
	RangeTblEntry *rte;
	TargetEntry *tle;
	Expr	   *expr;
	AttrNumber	attno = InvalidAttrNumber;
	ListCell   *lc;
	char	   *name;

	if (!access_step(access, &obj, &keys, &is_text) || is_text != want_text)
		return NULL;
	while (access_step(obj, &inner, &inner_keys, &inner_text) && !inner_text)
	{
		keys = list_concat(inner_keys, keys);
		obj = inner;
	}
	if (!IsA(obj, Var))
		return NULL;
	var = (Var *) obj;
	if (var->varlevelsup != ctx->depth || var->varattno <= 0 ||
		var->vartype != JSONBOID ||
		var->varno < 1 || var->varno > list_length(ctx->query->rtable) ||
		!ctx->eligible[var->varno])
		return NULL;
	rte = rt_fetch(var->varno, ctx->query->rtable);
	tle = get_tle_by_resno(rte->subquery->targetList, var->varattno);
	if (tle == NULL || tle->resjunk)
		return NULL;

	expr = fq_pushdown_access(tle->expr, rte->subquery->rtable, rte->security_barrier,
							  keys, form, exprType(replaced));
	if (expr == NULL)
		return NULL;
	/* the replacement has the replaced node's type and collation */
	if (form != FQ_ACCESS_NULLTEST && form != FQ_ACCESS_ORDER &&
		(exprType((Node *) expr) != exprType(replaced) ||
		 exprCollation((Node *) expr) != exprCollation(replaced)))
		return NULL;

	foreach(lc, ctx->added)
	{
		AddedColumn *a = lfirst(lc);

		if (a->varno == var->varno && equal(a->expr, expr))
			attno = a->attno;
	}
	if (attno == InvalidAttrNumber)
	{
		AddedColumn *a = palloc(sizeof(AddedColumn));

		attno = list_length(rte->subquery->targetList) + 1;
		name = psprintf("fq_pushdown_%d", attno);
		rte->subquery->targetList = lappend(rte->subquery->targetList,
											makeTargetEntry(expr, attno, name, false));
		rte->eref->colnames = lappend(rte->eref->colnames, makeString(name));
		a->varno = var->varno;
		a->attno = attno;
		a->expr = expr;
		ctx->added = lappend(ctx->added, a);
	}
	return (Node *) makeVar(var->varno, attno, exprType((Node *) expr),
							exprTypmod((Node *) expr), exprCollation((Node *) expr),
							ctx->depth);
}

static Node *
pushdown_mutator(Node *node, PushContext *ctx)
{
	Node	   *r;

	if (node == NULL)
		return NULL;
	if (IsA(node, Query))
	{
		ctx->depth++;
		r = (Node *) query_tree_mutator((Query *) node, pushdown_mutator, ctx, 0);
		ctx->depth--;
		return r;
	}
	if (IsA(node, CoerceViaIO))
	{
		CoerceViaIO *c = (CoerceViaIO *) node;

		r = replace_access(ctx, (Node *) c->arg, true, FQ_ACCESS_CAST, node);
		if (r != NULL)
			return r;
	}
	if (IsA(node, NullTest) && !((NullTest *) node)->argisrow)
	{
		NullTest   *nt = (NullTest *) node;

		r = replace_access(ctx, (Node *) nt->arg, true, FQ_ACCESS_NULLTEST, (Node *) nt->arg);
		if (r != NULL)
		{
			NullTest   *n = copyObject(nt);

			n->arg = (Expr *) r;
			return (Node *) n;
		}
	}
	if (IsA(node, OpExpr))
	{
		r = replace_access(ctx, node, false, FQ_ACCESS_JSONB, node);
		if (r == NULL)
			r = replace_access(ctx, node, true, FQ_ACCESS_TEXT, node);
		if (r != NULL)
			return r;
	}
	return expression_tree_mutator(node, pushdown_mutator, ctx);
}

/* Whether a sort key is also a grouping, DISTINCT or window key */
static bool
sortref_shared(Query *query, Index ref)
{
	ListCell   *lc;

	foreach(lc, query->groupClause)
		if (((SortGroupClause *) lfirst(lc))->tleSortGroupRef == ref)
			return true;
	foreach(lc, query->distinctClause)
		if (((SortGroupClause *) lfirst(lc))->tleSortGroupRef == ref)
			return true;
	return query->windowClause != NIL;
}

/*
 * ORDER BY data->'k' without a type orders by jsonb.  Where the key is a
 * column whose values order in jsonb as in their own type (pushdown_value.c,
 * FQ_ACCESS_ORDER), the key becomes the column with its own operators,
 * NULLs (JSON nulls in jsonb, the lowest value) first ascending and last
 * descending, whatever the NULLS clause said: the key of an object the view
 * built is never SQL NULL.  That needs the view not to be null-extended by
 * an outer join of the query (its NULL data would be SQL NULL, placed by
 * the NULLS clause apart from the JSON nulls).  A column that is never NULL
 * (NOT NULL, not null-extended in the view) takes the NULLS placement of a
 * plain index, so that the index can give the order.  Only keys that are
 * not selected (resjunk, as order.c writes them) and not shared with
 * GROUP BY, DISTINCT or a window: their type changes.
 */
static void
rewrite_sort_keys(PushContext *ctx)
{
	Query	   *query = ctx->query;
	Oid			jsonb_lt;
	Oid			jsonb_gt;
	ListCell   *lc;

	if (query->sortClause == NIL)
		return;
	get_sort_group_operators(JSONBOID, true, false, true, &jsonb_lt, NULL, &jsonb_gt, NULL);
	foreach(lc, query->sortClause)
	{
		SortGroupClause *sgc = lfirst(lc);
		TargetEntry *tle = get_sortgroupclause_tle(sgc, query->targetList);
		bool		desc;
		Node	   *var;
		Oid			lt;
		Oid			eq;
		Oid			gt;
		bool		hashable;
		bool		never_null;
		Node	   *base;
		RangeTblEntry *rte;

		if (!tle->resjunk || sortref_shared(query, sgc->tleSortGroupRef))
			continue;
		if (sgc->sortop == jsonb_lt)
			desc = false;
		else if (sgc->sortop == jsonb_gt)
			desc = true;
		else
			continue;
		base = (Node *) tle->expr;
		while (IsA(base, OpExpr) && list_length(((OpExpr *) base)->args) == 2)
			base = linitial(((OpExpr *) base)->args);
		if (!IsA(base, Var) ||
			fq_pushdown_rel_nullable((Node *) query->jointree, ((Var *) base)->varno))
			continue;
		var = replace_access(ctx, (Node *) tle->expr, false, FQ_ACCESS_ORDER,
							 (Node *) tle->expr);
		if (var == NULL)
			continue;
		rte = rt_fetch(((Var *) var)->varno, query->rtable);
		never_null = fq_pushdown_never_null(get_tle_by_resno(rte->subquery->targetList,
															 ((Var *) var)->varattno)->expr,
											rte->subquery);
		get_sort_group_operators(exprType(var), true, true, true, &lt, &eq, &gt, &hashable);
		tle->expr = (Expr *) var;
		sgc->eqop = eq;
		sgc->sortop = desc ? gt : lt;
		sgc->nulls_first = never_null ? desc : !desc;
		sgc->hashable = hashable;
	}
}

/* Marks the subqueries read as a whole row (varattno 0) at any level */
typedef struct WholeRowContext
{
	bool	   *eligible;
	int			nrtes;
	Index		depth;
} WholeRowContext;

static bool
wholerow_walker(Node *node, WholeRowContext *ctx)
{
	if (node == NULL)
		return false;
	if (IsA(node, Var))
	{
		Var		   *v = (Var *) node;

		if (v->varlevelsup == ctx->depth && v->varattno == InvalidAttrNumber &&
			v->varno >= 1 && v->varno <= ctx->nrtes)
			ctx->eligible[v->varno] = false;
		return false;
	}
	if (IsA(node, Query))
	{
		bool		r;

		ctx->depth++;
		r = query_tree_walker((Query *) node, wholerow_walker, ctx, 0);
		ctx->depth--;
		return r;
	}
	return expression_tree_walker(node, wholerow_walker, ctx);
}

/* A subquery to which one more output column changes nothing else */
static bool
subquery_eligible(RangeTblEntry *rte)
{
	Query	   *sub = rte->subquery;
	ListCell   *lc;

	if (rte->rtekind != RTE_SUBQUERY || sub == NULL ||
		sub->commandType != CMD_SELECT || sub->utilityStmt != NULL ||
		sub->setOperations != NULL || sub->groupClause != NIL ||
		sub->groupingSets != NIL || sub->distinctClause != NIL ||
		sub->hasAggs || sub->hasWindowFuncs || sub->hasTargetSRFs)
		return false;
	foreach(lc, sub->targetList)
	{
		if (((TargetEntry *) lfirst(lc))->resjunk)
			return false;
	}
	return true;
}

/* Processes the SubLinks' queries of an expression (not their own SubLinks) */
static bool
sublink_walker(Node *node, void *unused)
{
	if (node == NULL)
		return false;
	if (IsA(node, Query))
	{
		pushdown_query((Query *) node);
		return false;
	}
	return expression_tree_walker(node, sublink_walker, unused);
}

static void
pushdown_query(Query *query)
{
	int			nrtes = list_length(query->rtable);
	bool		any = false;
	ListCell   *lc;
	int			rti = 0;

	check_stack_depth();

	/*
	 * A SELECT's own accesses; of other statements (INSERT ... SELECT, a
	 * data-modifying CTE) only the queries below, and of a set operation
	 * only its branches, whose output columns it reads by position.
	 */
	if (query->commandType == CMD_SELECT && query->setOperations == NULL &&
		nrtes > 0)
	{
		PushContext ctx;
		WholeRowContext wr;

		ctx.query = query;
		ctx.eligible = palloc0(sizeof(bool) * (nrtes + 1));
		ctx.depth = 0;
		ctx.added = NIL;
		foreach(lc, query->rtable)
		{
			rti++;
			ctx.eligible[rti] = subquery_eligible(lfirst(lc));
			any |= ctx.eligible[rti];
		}
		if (any)
		{
			wr.eligible = ctx.eligible;
			wr.nrtes = nrtes;
			wr.depth = 0;
			query_tree_walker(query, wholerow_walker, &wr, 0);
			rewrite_sort_keys(&ctx);
			query->targetList = (List *)
				pushdown_mutator((Node *) query->targetList, &ctx);
			query->jointree = (FromExpr *)
				pushdown_mutator((Node *) query->jointree, &ctx);
			query->havingQual = pushdown_mutator(query->havingQual, &ctx);
		}
	}

	/* then the queries below this one, with the columns added to them */
	foreach(lc, query->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);

		if (rte->rtekind == RTE_SUBQUERY && rte->subquery != NULL)
			pushdown_query(rte->subquery);
	}
	foreach(lc, query->cteList)
	{
		CommonTableExpr *cte = lfirst(lc);

		if (cte->ctequery != NULL && IsA(cte->ctequery, Query))
			pushdown_query((Query *) cte->ctequery);
	}
	sublink_walker((Node *) query->targetList, NULL);
	sublink_walker((Node *) query->jointree, NULL);
	sublink_walker(query->havingQual, NULL);
}

static PlannedStmt *
pushdown_planner(Query *parse, const char *query_string, int cursorOptions,
				 ParamListInfo boundParams)
{
	if (fq_view_pushdown == FQ_PUSHDOWN_ALL ||
		(fq_view_pushdown == FQ_PUSHDOWN_ON && (cursorOptions & FQ_CURSOR_OPT_OWN)))
		pushdown_query(parse);

	if (prev_planner_hook)
		return prev_planner_hook(parse, query_string, cursorOptions, boundParams);
	return standard_planner(parse, query_string, cursorOptions, boundParams);
}

/*
 * A plan keeps the rewrite it was planned with; a change of the setting
 * marks every cached plan of the backend for re-planning (as DISCARD PLANS
 * would), so that the new value applies to the next execution, also of
 * fraiseql's prepared plans.
 */
static void
view_pushdown_assign(int newval, void *extra)
{
	if (newval != fq_view_pushdown)
		ResetPlanCache();
}

void
fq_pushdown_init(void)
{
	DefineCustomEnumVariable("fraiseql.view_pushdown",
							 "Rewrites accesses to a view's jsonb data into expressions over its base columns.",
							 "on: fraiseql's own statements; all: every statement; off: none.",
							 &fq_view_pushdown,
							 FQ_PUSHDOWN_ON,
							 view_pushdown_options,
							 PGC_USERSET, 0,
							 NULL, view_pushdown_assign, NULL);

	prev_planner_hook = planner_hook;
	planner_hook = pushdown_planner;
}

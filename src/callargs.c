/*-------------------------------------------------------------------------
 *
 * callargs.c
 *	  Fills in the default arguments of fraiseql's own functions before the
 *	  planner would.
 *
 * A call such as SELECT fraiseql.stream('tv_user', '{"id": ...}') leaves six
 * of stream()'s eight arguments to their defaults.  The planner fills them
 * in for every statement it plans (expand_function_arguments), and to do
 * so reads the function's pg_proc.proargdefaults back from node-tree text
 * each time: measured at about 5% of a point lookup's CPU, more than the
 * whole translation of its filter.  So a planner hook puts them in first,
 * from a copy read once per backend, exactly as the planner would (the
 * positional arguments, the named ones at their positions, the defaults
 * for the rest), and the planner then finds nothing left to do.
 *
 * Only the planner's copy of a query changes (the rewriter, plan cache and
 * SPI all plan copies): a view or rule keeps the call as it was written.
 * The functions concerned are the extension's own functions (members of
 * extension fraiseql, in schema fraiseql) that have defaults and neither a
 * polymorphic nor a variadic parameter: a function anyone creates in that
 * schema is left to the planner, which knows how to cast a polymorphic
 * parameter's default.
 * Each function a query calls is looked up once per backend; what we know
 * is forgotten on any change to pg_proc, as when the extension is dropped,
 * created or updated.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "catalog/pg_proc.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/planner.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "callargs.h"

/*
 * What we know of a function a query called: whether it is one of ours with
 * defaults, and if so its defaults.  One entry per function OID seen, so
 * that each is looked up once per backend (in the syscache, where parse
 * analysis has just put it).
 */
typedef struct CalledFunction
{
	Oid			funcid;			/* hash key */
	bool		own;			/* the extension's, with defaults */
	int			nargs;
	List	   *defaults;		/* of the last list_length(defaults) args */
} CalledFunction;

static HTAB *called_functions = NULL;
static MemoryContext callargs_context = NULL;

static planner_hook_type prev_planner_hook = NULL;

/* Any change to pg_proc (CREATE OR REPLACE, an extension dropped, updated) */
static void
forget_called_functions(Datum arg, int cacheid, uint32 hashvalue)
{
	called_functions = NULL;
	if (callargs_context)
		MemoryContextReset(callargs_context);
}

/*
 * A default of a polymorphic parameter needs the cast the planner adds once
 * the actual types are known (recheck_cast_function_args); such functions
 * are left to the planner.
 */
static bool
has_polymorphic_argument(Form_pg_proc proc)
{
	for (int i = 0; i < proc->pronargs; i++)
		if (IsPolymorphicType(proc->proargtypes.values[i]))
			return true;
	return false;
}

static const CalledFunction *
called_function(Oid funcid)
{
	CalledFunction *fn;
	HeapTuple	tuple;
	char	   *defaults_text = NULL;
	int			nargs = 0;

	if (called_functions != NULL &&
		(fn = hash_search(called_functions, &funcid, HASH_FIND, NULL)) != NULL)
		return fn;

	/*
	 * Read the catalog before touching the table: a lookup may take in
	 * invalidations, and forget_called_functions would free it under us.
	 */
	tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
	if (HeapTupleIsValid(tuple))
	{
		Form_pg_proc proc = (Form_pg_proc) GETSTRUCT(tuple);

		if (proc->pronargdefaults > 0 &&
			proc->pronamespace == get_namespace_oid("fraiseql", true) &&
			!OidIsValid(proc->provariadic) &&
			!has_polymorphic_argument(proc) &&
			getExtensionOfObject(ProcedureRelationId, funcid) ==
			get_extension_oid("fraiseql", true))
		{
			bool		isnull;
			Datum		text_defaults = SysCacheGetAttr(PROCOID, tuple,
														Anum_pg_proc_proargdefaults,
														&isnull);

			if (!isnull)
			{
				defaults_text = TextDatumGetCString(text_defaults);
				nargs = proc->pronargs;
			}
		}
		ReleaseSysCache(tuple);
	}

	if (called_functions == NULL)
	{
		HASHCTL		ctl;

		if (callargs_context == NULL)
			callargs_context = AllocSetContextCreate(CacheMemoryContext,
													 "fraiseql call defaults",
													 ALLOCSET_SMALL_SIZES);
		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(CalledFunction);
		ctl.hcxt = callargs_context;
		called_functions = hash_create("fraiseql called functions", 64, &ctl,
									   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	fn = hash_search(called_functions, &funcid, HASH_ENTER, NULL);
	fn->own = defaults_text != NULL;
	fn->nargs = nargs;
	fn->defaults = NIL;
	if (fn->own)
	{
		MemoryContext oldcontext = MemoryContextSwitchTo(callargs_context);

		fn->defaults = castNode(List, stringToNode(defaults_text));
		MemoryContextSwitchTo(oldcontext);
	}
	return fn;
}

/*
 * The planner's reorder_function_arguments and add_function_defaults, from
 * the cached defaults.  Anything unexpected is left as it is, for the
 * planner to handle (or report) as usual.
 */
static void
fill_defaults(FuncExpr *call, const CalledFunction *own)
{
	Node	   *slots[FUNC_MAX_ARGS];
	int			first_default = own->nargs - list_length(own->defaults);
	int			position = 0;
	bool		named = false;
	List	   *args = NIL;
	ListCell   *lc;

	if (own->nargs > FUNC_MAX_ARGS || list_length(call->args) > own->nargs)
		return;
	foreach(lc, call->args)
		if (IsA(lfirst(lc), NamedArgExpr))
			named = true;
	if (!named && list_length(call->args) == own->nargs)
		return;

	memset(slots, 0, sizeof(slots));
	foreach(lc, call->args)
	{
		Node	   *arg = lfirst(lc);

		if (IsA(arg, NamedArgExpr))
		{
			NamedArgExpr *na = (NamedArgExpr *) arg;

			if (na->argnumber < 0 || na->argnumber >= own->nargs || slots[na->argnumber])
				return;
			slots[na->argnumber] = (Node *) na->arg;
		}
		else
		{
			/* positional arguments come first */
			if (slots[position])
				return;
			slots[position++] = arg;
		}
	}
	for (int i = 0; i < own->nargs; i++)
	{
		if (slots[i] == NULL)
		{
			if (i < first_default)
				return;
			slots[i] = copyObject(list_nth(own->defaults, i - first_default));
		}
		args = lappend(args, slots[i]);
	}
	call->args = args;
}

static bool
fill_defaults_walker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, FuncExpr))
	{
		FuncExpr   *call = (FuncExpr *) node;
		const CalledFunction *fn = called_function(call->funcid);

		if (fn->own)
			fill_defaults(call, fn);
	}
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, fill_defaults_walker, context, 0);
	return expression_tree_walker(node, fill_defaults_walker, context);
}

static PlannedStmt *
callargs_planner(Query *parse, const char *query_string, int cursorOptions,
				 ParamListInfo boundParams)
{
	fill_defaults_walker((Node *) parse, NULL);

	if (prev_planner_hook)
		return prev_planner_hook(parse, query_string, cursorOptions, boundParams);
	return standard_planner(parse, query_string, cursorOptions, boundParams);
}

void
fq_callargs_init(void)
{
	CacheRegisterSyscacheCallback(PROCOID, forget_called_functions, (Datum) 0);
	prev_planner_hook = planner_hook;
	planner_hook = callargs_planner;
}

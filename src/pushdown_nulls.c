/*-------------------------------------------------------------------------
 *
 * pushdown_nulls.c
 *	  What the view pushdown needs to know of NULLs: whether a view's column
 *	  is a NOT NULL column of a table, and whether a range table entry can be
 *	  null-extended by an outer join of its query.
 *
 * pushdown_value.c reads a parent's "CASE WHEN t.pk IS NULL THEN NULL ELSE
 * ... END" as t's columns when t.pk is NOT NULL; pushdown.c orders by a
 * column instead of its jsonb form only where the view is not null-extended
 * (a missing row's SQL NULL and a JSON null sort apart), and gives a column
 * that is never NULL the NULLS placement of a plain index.  A plan that
 * relies on a NOT NULL constraint depends on the table, which the plan
 * cache re-plans on any change to it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_attribute.h"
#include "miscadmin.h"
#include "parser/parsetree.h"
#include "utils/syscache.h"

#include "pushdown_nulls.h"

/* Whether a Var of the view is a NOT NULL column of a table */
bool
fq_pushdown_var_not_null(Node *n, List *rtable)
{
	Var		   *v = (Var *) n;
	RangeTblEntry *rte;
	HeapTuple	tup;
	bool		notnull;

	if (!IsA(n, Var) || v->varlevelsup != 0 || v->varattno <= 0 ||
		v->varno < 1 || v->varno > list_length(rtable))
		return false;
	rte = rt_fetch(v->varno, rtable);
	if (rte->rtekind != RTE_RELATION)
		return false;
	tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(rte->relid),
						  Int16GetDatum(v->varattno));
	if (!HeapTupleIsValid(tup))
		return false;
	notnull = ((Form_pg_attribute) GETSTRUCT(tup))->attnotnull;
	ReleaseSysCache(tup);
	return notnull;
}

/*
 * Where rtindex is in a join tree: -1 not there, 1 below the nullable side
 * of an outer join, 0 elsewhere.
 */
static int
rel_position(Node *jt, int rtindex, bool nullable)
{
	check_stack_depth();
	if (jt == NULL)
		return -1;
	if (IsA(jt, RangeTblRef))
		return ((RangeTblRef *) jt)->rtindex == rtindex ? (nullable ? 1 : 0) : -1;
	if (IsA(jt, FromExpr))
	{
		ListCell   *lc;

		foreach(lc, ((FromExpr *) jt)->fromlist)
		{
			int			r = rel_position(lfirst(lc), rtindex, nullable);

			if (r >= 0)
				return r;
		}
		return -1;
	}
	if (IsA(jt, JoinExpr))
	{
		JoinExpr   *j = (JoinExpr *) jt;
		int			r;

		r = rel_position(j->larg, rtindex,
						 nullable || j->jointype == JOIN_RIGHT || j->jointype == JOIN_FULL);
		if (r >= 0)
			return r;
		return rel_position(j->rarg, rtindex,
							nullable || j->jointype != JOIN_INNER);
	}
	return -1;
}

bool
fq_pushdown_rel_nullable(Node *jointree, int rtindex)
{
	return rel_position(jointree, rtindex, false) != 0;
}

bool
fq_pushdown_never_null(Expr *x, Query *view)
{
	return fq_pushdown_var_not_null((Node *) x, view->rtable) &&
		!fq_pushdown_rel_nullable((Node *) view->jointree, ((Var *) x)->varno);
}

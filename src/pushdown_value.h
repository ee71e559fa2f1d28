/*-------------------------------------------------------------------------
 *
 * pushdown_value.h
 *	  What a key of a view's jsonb data expression is, as an expression over
 *	  the view's own columns (pushdown_value.c); used by the view pushdown's
 *	  planner hook (pushdown.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_PUSHDOWN_VALUE_H
#define FQ_PUSHDOWN_VALUE_H

#include "nodes/parsenodes.h"

/* What the access is followed by, and so what the caller replaces */
typedef enum FqAccessForm
{
	FQ_ACCESS_JSONB,			/* expr -> path: the jsonb value */
	FQ_ACCESS_TEXT,				/* expr ->> path: its text */
	FQ_ACCESS_CAST,				/* (expr ->> path)::type, an I/O cast */
	FQ_ACCESS_NULLTEST,			/* (expr ->> path) IS [NOT] NULL: gives the
								 * scalar whose own IS [NOT] NULL is that */
	FQ_ACCESS_ORDER				/* ORDER BY expr -> path: gives the scalar
								 * whose order (NULLs first) is jsonb's */
} FqAccessForm;

/*
 * The expression, over the same range table as view_expr (a jsonb
 * expression: a view's target expression; rtable is the view's, barrier
 * whether it is a security_barrier view), that gives for every row the
 * value of view_expr followed by the keys (a List of C strings) in the
 * given form, or NULL when no such expression is known.  For
 * FQ_ACCESS_CAST, cast_type is the cast's result type.  A CAST or NULLTEST result
 * is only given where it is simpler than the TEXT form under the cast or
 * test; otherwise the caller asks for the TEXT form.
 */
extern Expr *fq_pushdown_access(Expr *view_expr, List *rtable, bool barrier,
								List *keys, FqAccessForm form, Oid cast_type);

#endif							/* FQ_PUSHDOWN_VALUE_H */

/*-------------------------------------------------------------------------
 *
 * pushdown_nulls.h
 *	  NOT NULL columns and null-extended range table entries, for the view
 *	  pushdown (pushdown_nulls.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_PUSHDOWN_NULLS_H
#define FQ_PUSHDOWN_NULLS_H

#include "nodes/parsenodes.h"

/* Whether n is a Var of rtable (level 0) for a NOT NULL column of a table */
extern bool fq_pushdown_var_not_null(Node *n, List *rtable);

/* Whether range table entry rtindex can be null-extended (or is not) in jointree */
extern bool fq_pushdown_rel_nullable(Node *jointree, int rtindex);

/* Whether x, an expression of view, is a column that is never NULL */
extern bool fq_pushdown_never_null(Expr *x, Query *view);

#endif							/* FQ_PUSHDOWN_NULLS_H */

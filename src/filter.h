/*-------------------------------------------------------------------------
 *
 * filter.h
 *	  Translation of a FraiseQL WHERE input (jsonb) into a SQL predicate
 *	  with bound parameters.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_FILTER_H
#define FQ_FILTER_H

#include "sqlbuild.h"

/* fraiseql.max_filter_depth (GUC, SPEC section 9) */
extern int	fq_max_filter_depth;

extern void fq_filter_init(void);

/* Appends " WHERE <predicate>" for a non-empty filter object */
extern void fq_filter_append(FqQuery *query, Jsonb *filter);

#endif							/* FQ_FILTER_H */

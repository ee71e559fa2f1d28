/*-------------------------------------------------------------------------
 *
 * order.h
 *	  Translation of a FraiseQL order_by input (jsonb) into ORDER BY.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_ORDER_H
#define FQ_ORDER_H

#include "sqlbuild.h"

/* One item of an order_by, as fq_order_keys describes it */
typedef struct FqOrderKey
{
	char	   *expr;			/* the sort expression, as SQL */
	Oid			typid;			/* its type */
	const FqColumn *column;		/* the native column it is (no cast), or NULL */
	bool		descending;
	bool		nulls_first;	/* where NULLs go, defaults applied */
} FqOrderKey;

/* Appends " ORDER BY ..." for a non-empty order_by */
extern void fq_order_append(FqQuery *query, Jsonb *order_by);
extern List *fq_order_keys(const FqSource *source, Jsonb *order_by);

#endif							/* FQ_ORDER_H */

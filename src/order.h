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

/* Appends " ORDER BY ..." for a non-empty order_by */
extern void fq_order_append(FqQuery *query, Jsonb *order_by);

#endif							/* FQ_ORDER_H */

/*-------------------------------------------------------------------------
 *
 * pushdown.h
 *	  The view pushdown's planner hook and its GUC fraiseql.view_pushdown
 *	  (pushdown.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_PUSHDOWN_H
#define FQ_PUSHDOWN_H

extern void fq_pushdown_init(void);

#endif							/* FQ_PUSHDOWN_H */

/*-------------------------------------------------------------------------
 *
 * callargs.h
 *	  The planner hook that fills in the default arguments of fraiseql's
 *	  functions from a per-backend copy (callargs.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_CALLARGS_H
#define FQ_CALLARGS_H

extern void fq_callargs_init(void);

#endif							/* FQ_CALLARGS_H */

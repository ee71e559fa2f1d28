/*-------------------------------------------------------------------------
 *
 * query.h
 *	  The whole statement of a call: reading the arguments every entry point
 *	  shares and building the statement from them (query.c); the statement's
 *	  type and the expression helpers are sqlbuild.h's.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_QUERY_H
#define FQ_QUERY_H

#include "postgres.h"

#include "fmgr.h"
#include "sqlbuild.h"

extern void fq_read_query_args(const NullableDatum *argv, int nargs,
							   FqQueryArgs *args);
extern void fq_query_build(FqQuery *query, const FqSource *source,
						   FqQueryKind kind, const FqQueryArgs *args);

#endif							/* FQ_QUERY_H */

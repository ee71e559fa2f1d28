/*-------------------------------------------------------------------------
 *
 * fraiseql.h
 *	  Settings shared by every part of the extension: the GUC variables that
 *	  fraiseql.c defines and the rest reads.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FRAISEQL_H
#define FRAISEQL_H

#include "postgres.h"

/* GUCs (SPEC section 9); defined in fraiseql.c */
extern int	fq_chunk_size;
extern bool fq_snake_case_keys;
extern int	fq_max_filter_depth;
extern bool fq_enable_simd;

#define FQ_CHUNK_SIZE_MIN 1
#define FQ_CHUNK_SIZE_MAX 1000000

#endif							/* FRAISEQL_H */

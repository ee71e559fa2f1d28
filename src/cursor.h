/*-------------------------------------------------------------------------
 *
 * cursor.h
 *	  The opaque cursors of fraiseql.connection() (SPEC section 15): a row's
 *	  keyset values, typed as stored, with a check of the source and order
 *	  they belong to, as base64 text.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_CURSOR_H
#define FQ_CURSOR_H

#include "postgres.h"

/* What a cursor of one connection must hold */
typedef struct FqCursorSpec
{
	uint64		check;			/* hash of the source and the order */
	int			nkeys;
	const Oid  *types;			/* each key's type */
	const bool *nullable;		/* may the key be NULL */
} FqCursorSpec;

extern char *fq_relay_cursor_encode(const FqCursorSpec *spec,
									const Datum *values, const bool *nulls);
extern void fq_relay_cursor_decode(const FqCursorSpec *spec, const char *argname,
								   const char *text, int len,
								   Datum *values, bool *nulls);

#endif							/* FQ_CURSOR_H */

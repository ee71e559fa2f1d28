/*-------------------------------------------------------------------------
 *
 * keyset.h
 *	  The keys a connection pages by (order_by plus the primary key) and
 *	  the page statements written from them (keyset.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_KEYSET_H
#define FQ_KEYSET_H

#include "postgres.h"

#include "utils/jsonb.h"

#include "sqlbuild.h"
#include "source.h"

typedef struct FqKeysetKey
{
	char	   *expr;			/* the sort expression, as SQL */
	Oid			typid;			/* its type, which its cursor value has */
	bool		descending;
	bool		nulls_first;	/* defaults applied */
	bool		nullable;		/* false: a NOT NULL column or the primary key */
	bool		tiebreak;		/* added after order_by to make the order total */
} FqKeysetKey;

typedef struct FqKeyset
{
	const FqSource *source;
	int			nkeys;
	FqKeysetKey *keys;
	Oid		   *types;			/* keys[i].typid, as an array for cursor.c */
	bool	   *nullable;		/* keys[i].nullable, likewise */
	uint64		check;			/* hash of the source and the normalized order */
} FqKeyset;

/* A position in the order: one value per key */
typedef struct FqKeysetPos
{
	Datum	   *values;
	bool	   *nulls;
} FqKeysetPos;

extern void fq_keyset_init(FqKeyset *keyset, const FqSource *source,
						   Jsonb *order_by);
extern void fq_keyset_page_query(FqQuery *query, const FqKeyset *keyset,
								 Jsonb *filter, bool backward,
								 const FqKeysetPos *after,
								 const FqKeysetPos *before, int64 limit);

#endif							/* FQ_KEYSET_H */

/*-------------------------------------------------------------------------
 *
 * shape.h
 *	  The shape memo: each backend remembers the translation of every call
 *	  shape it has seen, so a later call of that shape is not translated.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_SHAPE_H
#define FQ_SHAPE_H

#include "postgres.h"

#include "lib/stringinfo.h"

#include "sqlbuild.h"

struct FqShapeNode;

/* One call's view of its shape, from fq_shape_lookup to fq_shape_remember */
typedef struct FqShapeCall
{
	bool		usable;			/* the call's shape can be remembered */
	uint64		invalidations;	/* the memo's count when the call began */
	int			capacity;		/* shapes the memo may hold (plan_cache_size) */
	uint64		hash;			/* of everything the translation depends on */
	StringInfoData signature;	/* the filter's structure, values left out */
	int			nnodes;
	int			maxnodes;
	struct FqShapeNode *nodes;	/* the filter's values, in walk order */
	const FqSource *source;
	FqQueryKind kind;
	const FqQueryArgs *args;
} FqShapeCall;

extern bool fq_shape_lookup(FqShapeCall *call, FqQuery *query,
							const FqSource *source, FqQueryKind kind,
							const FqQueryArgs *args, int capacity);
extern void fq_shape_remember(FqShapeCall *call, const FqQuery *query);
extern void fq_shape_reset(void);
extern void fq_shape_init(void);

#endif							/* FQ_SHAPE_H */

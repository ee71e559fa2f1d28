/*-------------------------------------------------------------------------
 *
 * source.h
 *	  A resolved JSON-shaped relation: its quoted name, the type of its
 *	  "data" column and its other (native) columns.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_SOURCE_H
#define FQ_SOURCE_H

#include "postgres.h"

typedef struct FqColumn
{
	char	   *name;			/* attribute name as stored in the catalog */
	Oid			typid;			/* its type */
} FqColumn;

typedef struct FqSource
{
	Oid			relid;
	char	   *qualified_name; /* quoted "schema"."relation" */
	Oid			data_type;		/* JSONBOID or JSONOID */
	uint64		version;		/* changes whenever its definition changes */
	int			ncolumns;		/* native columns: every live column but data */
	FqColumn   *columns;
} FqSource;

extern void fq_source_resolve(Oid relid, FqSource *source);
extern uint64 fq_source_version(Oid relid, char relkind);
extern const FqColumn *fq_source_find_column(const FqSource *source,
											 const char *name);

#endif							/* FQ_SOURCE_H */

/*-------------------------------------------------------------------------
 *
 * project.h
 *	  Projection of a row's object onto a selection set, as JSON text.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_PROJECT_H
#define FQ_PROJECT_H

#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/jsonb.h"

#include "selection.h"

/* How one row's data becomes JSON text */
typedef struct FqRowFormat
{
	Oid			data_type;		/* JSONBOID or JSONOID */
	const FqSelection *selection;	/* NULL: the whole object */
	const char *typename;		/* root __typename, or NULL */
	int			typename_len;
} FqRowFormat;

extern void fq_render_row(StringInfo out, const FqRowFormat *format, Datum data);

#endif							/* FQ_PROJECT_H */

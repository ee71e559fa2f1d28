/*-------------------------------------------------------------------------
 *
 * stream.h
 *	  The chunked cursor behind fraiseql.stream(): open the generated query
 *	  as a portal, read it chunk by chunk into a per-chunk memory context,
 *	  close it on end, early stop or rescan.  Shared by the SRF (stream.c)
 *	  and the custom scan.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_STREAM_H
#define FQ_STREAM_H

#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"

#include "plancache.h"
#include "project.h"
#include "portability/instr_time.h"
#include "sqlbuild.h"

/* Positions of fraiseql.stream()'s arguments */
#define FQ_ARG_SOURCE		0
#define FQ_ARG_FILTER		1
#define FQ_ARG_ORDER_BY		2
#define FQ_ARG_LIMIT		3
#define FQ_ARG_OFFSET		4
#define FQ_ARG_SELECTION	5
#define FQ_ARG_TYPENAME		6
#define FQ_ARG_CHUNK_SIZE	7
#define FQ_STREAM_NARGS		8

typedef struct FqCursor
{
	Oid			source_relid;
	char	   *sql;			/* the generated statement, for EXPLAIN */
	char	   *portal_name;	/* NULL once closed */
	FqRowFormat format;			/* how a row becomes JSON text */
	int			chunk_size;		/* the most rows a chunk holds */
	int			fetch_size;		/* rows the next chunk asks for */
	MemoryContext chunk_context;	/* holds the current chunk, reset per chunk */
	MemoryContext text_context; /* holds "text", which is reused */
	StringInfoData text;		/* the json texts of the current chunk */
	Datum	   *rows;			/* json text of the current chunk's rows */
	bool	   *nulls;
	int			rows_allocated;	/* room in rows and nulls */
	int			nrows;
	int			next;			/* next row of the chunk to return */
	bool		exhausted;		/* the portal returned its last row */
	FqPlanHandle plan;			/* what the plan cache gave */
	bool		recorded;		/* statistics handed to the plan cache */
	instr_time	elapsed;		/* time spent opening and fetching */
	/* statistics for EXPLAIN ANALYZE */
	int64		chunks;
	int64		total_rows;
	Size		peak_chunk_bytes;
} FqCursor;

extern void fq_cursor_open(FqCursor *cursor, FqQuery *query,
						   const FqRowFormat *format, int chunk_size,
						   MemoryContext parent);
extern bool fq_cursor_next(FqCursor *cursor, Datum *value, bool *isnull);
extern void fq_cursor_close(FqCursor *cursor);
/* fraiseql.chunk_size (GUC, SPEC section 9) and the range it and the argument take */
extern int	fq_chunk_size;

#define FQ_CHUNK_SIZE_MIN 1
#define FQ_CHUNK_SIZE_MAX 1000000

extern void fq_stream_init(void);
extern int	fq_chunk_size_arg(bool isnull, int32 value);
extern FqCursor *fq_stream_begin(const NullableDatum *argv, MemoryContext context);

extern bool fq_stream_opening(void);

#endif							/* FQ_STREAM_H */

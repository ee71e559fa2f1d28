/*-------------------------------------------------------------------------
 *
 * stream.c
 *	  fraiseql.stream(): a value-per-call set-returning function that reads
 *	  the generated query through a cursor, in chunks of up to chunk_size rows.
 *
 * The statement is opened as a portal through SPI (with the plan cache's
 * prepared plan).  Each chunk is then read by running the portal with
 * PortalRunFetch into our own DestReceiver, which turns every row into its
 * json text as the executor hands it over: no copy of the tuple into an SPI
 * tuple table, no second pass.  The texts of a chunk go into one buffer that
 * is reused from chunk to chunk (so it is allocated once, at the size of the
 * largest chunk), and the little else a chunk needs lives in a memory
 * context reset before the next chunk, so a stream holds about one chunk
 * whatever the result size.  The portal belongs to the transaction; we find
 * it again by name (it is held when a WITH HOLD cursor reads the stream).
 * It is closed when the last row has been read, and by an ExprContext
 * callback when the caller stops early (an outer LIMIT) or rescans; on
 * error, transaction abort drops it (a held one whose reader is gone, the
 * transaction's end; one whose cursor failed inside a savepoint, that
 * savepoint's abort: cursor_streams_subxact_callback).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "tcop/dest.h"
#include "tcop/pquery.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/guc.h"
#include "utils/resowner.h"

#include "fraiseql.h"
#include "ownplan.h"
#include "query.h"
#include "stream.h"

PG_FUNCTION_INFO_V1(fraiseql_stream);

/* Rows the first chunk of a stream asks for (see fetch_chunk) */
#define FQ_FIRST_CHUNK_ROWS 64

int			fq_chunk_size = 1000;

/* Defines fraiseql.chunk_size (SPEC section 9) */
void
fq_stream_init(void)
{
	DefineCustomIntVariable("fraiseql.chunk_size",
							"Rows fetched from the generated query per chunk.",
							"Memory held by a stream is bounded by one chunk.",
							&fq_chunk_size,
							1000, FQ_CHUNK_SIZE_MIN, FQ_CHUNK_SIZE_MAX,
							PGC_USERSET, 0,
							NULL, NULL, NULL);
}

int
fq_chunk_size_arg(bool isnull, int32 value)
{
	if (isnull)
		return fq_chunk_size;
	if (value < FQ_CHUNK_SIZE_MIN || value > FQ_CHUNK_SIZE_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("chunk_size must be between %d and %d",
						FQ_CHUNK_SIZE_MIN, FQ_CHUNK_SIZE_MAX)));
	return value;
}

/*
 * Streams read by a named portal (a cursor), as the names of the stream's
 * portal and of its reader, until the stream closes.
 *
 * A stream read by a WITH HOLD cursor has its portal marked holdable
 * (fq_cursor_open).  COMMIT persists a held cursor by running it on to its
 * end, which closes the streams it reads; a held one still open once every
 * cursor is persisted (its reader failed inside a rolled-back savepoint) or
 * after an abort (it was persisted before a later cursor failed) has no
 * reader left, and would otherwise live as long as the session:
 * cursor_streams_xact_callback drops it.
 *
 * A cursor whose own
 * expressions fail inside a savepoint is marked failed by the rollback,
 * its resources (the table locks among them) released with the
 * savepoint's; its executor is never shut down, so its stream's portal,
 * opened before the savepoint, would stay open and hold its buffer pin and
 * relation until the transaction ends, where a plain cursor's scan goes
 * with the savepoint (a TRUNCATE of the table then fails "in use", and
 * another session's DROP waits on the pin).  cursor_streams_subxact_callback
 * does to such a stream's portal what the rollback does to its reader.
 */
typedef struct CursorStream
{
	char	   *stream_portal;
	char	   *reader_portal;
	bool		held;			/* the stream's portal is holdable */
} CursorStream;

static List *cursor_streams = NIL;
static bool cursor_streams_callback = false;

static void
free_cursor_stream(CursorStream *entry)
{
	pfree(entry->stream_portal);
	pfree(entry->reader_portal);
	pfree(entry);
}

static void
forget_cursor_stream(const char *stream_portal)
{
	ListCell   *lc;

	foreach(lc, cursor_streams)
	{
		CursorStream *entry = lfirst(lc);

		if (strcmp(entry->stream_portal, stream_portal) == 0)
		{
			cursor_streams = foreach_delete_current(cursor_streams, lc);
			free_cursor_stream(entry);
			return;
		}
	}
}

/*
 * At a savepoint's abort (at the error), after AtSubAbort_Portals has
 * failed the portals that failed in it: a stream still READY whose reader
 * failed (or is gone) is failed too and its resource owner given to the
 * savepoint's, which is released next, as AtSubAbort_Portals does for a
 * reader run in the savepoint.  A stream over a view over another stream
 * is the inner stream's reader; its entry comes first in the list, so one
 * pass fails both.
 */
static void
cursor_streams_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
								SubTransactionId parentSubid, void *arg)
{
	ListCell   *lc;

	if (event != SUBXACT_EVENT_ABORT_SUB)
		return;
	foreach(lc, cursor_streams)
	{
		CursorStream *entry = lfirst(lc);
		Portal		stream = GetPortalByName(entry->stream_portal);

		if (PortalIsValid(stream) && stream->status == PORTAL_READY)
		{
			Portal		reader = GetPortalByName(entry->reader_portal);

			if (!PortalIsValid(reader) || reader->status == PORTAL_FAILED)
			{
				MarkPortalFailed(stream);
				if (stream->resowner)
				{
					ResourceOwnerNewParent(stream->resowner,
										   CurTransactionResourceOwner);
					stream->resowner = NULL;
				}
			}
		}
		if (!PortalIsValid(stream) || stream->status == PORTAL_FAILED)
		{
			cursor_streams = foreach_delete_current(cursor_streams, lc);
			free_cursor_stream(entry);
		}
	}
}

/*
 * Before COMMIT completes (every held cursor persisted) a held stream still
 * open has no reader left, nor after an abort one persisted before; both
 * are dropped.  At the end of the transaction every other stream listed is
 * gone: closed by its reader, dropped with the transaction's portals, or
 * run to its end by COMMIT persisting a held reader.
 */
static void
cursor_streams_xact_callback(XactEvent event, void *arg)
{
	ListCell   *lc;

	if (event == XACT_EVENT_PRE_COMMIT || event == XACT_EVENT_ABORT)
	{
		foreach(lc, cursor_streams)
		{
			CursorStream *entry = lfirst(lc);
			Portal		portal;

			if (!entry->held)
				continue;
			portal = GetPortalByName(entry->stream_portal);
			/* after an abort, only one already persisted outlives it */
			if (PortalIsValid(portal) &&
				(event == XACT_EVENT_PRE_COMMIT ||
				 portal->createSubid == InvalidSubTransactionId))
				PortalDrop(portal, false);
		}
	}
	if (event != XACT_EVENT_COMMIT && event != XACT_EVENT_ABORT &&
		event != XACT_EVENT_PREPARE)
		return;
	foreach(lc, cursor_streams)
		free_cursor_stream(lfirst(lc));
	list_free(cursor_streams);
	cursor_streams = NIL;
}

/*
 * How many streams are opening their portal right now.  A stream whose
 * source is a view over another fraiseql.stream() starts that inner stream
 * while its own portal starts, before fq_cursor_open can mark it held;
 * the scan asks (fq_stream_opening) so as to leave such an inner stream to
 * its first fetch, by which time a held outer stream is marked held.
 */
static int	opening_streams = 0;

bool
fq_stream_opening(void)
{
	return opening_streams > 0;
}

/*
 * Opens the statement as a no-scroll cursor.  The cursor, its name and the
 * chunk context live in "parent".
 */
void
fq_cursor_open(FqCursor *cursor, FqQuery *query, const FqRowFormat *format,
			   int chunk_size, MemoryContext parent)
{
	Portal		portal;
	bool		held;
	instr_time	start;
	instr_time	now;

	memset(cursor, 0, sizeof(*cursor));
	cursor->format = *format;
	cursor->source_relid = query->source->relid;
	cursor->sql = MemoryContextStrdup(parent, query->sql.data);
	cursor->chunk_size = chunk_size;
	cursor->fetch_size = Min(chunk_size, FQ_FIRST_CHUNK_ROWS);
	cursor->chunk_context = AllocSetContextCreate(parent, "fraiseql chunk",
												  ALLOCSET_DEFAULT_SIZES);
	cursor->text_context = AllocSetContextCreate(parent, "fraiseql chunk text",
												 ALLOCSET_DEFAULT_SIZES);
	cursor->text.data = NULL;

	INSTR_TIME_SET_CURRENT(start);
	SPI_connect();
	fq_plancache_acquire(query, &cursor->plan);
	opening_streams++;
	PG_TRY();
	{
		if (cursor->plan.plan)
			portal = SPI_cursor_open(NULL, cursor->plan.plan, query->param_values,
									 NULL, true);
		else
			portal = SPI_cursor_open_with_args(NULL, query->sql.data,
											   query->nparams, query->param_types,
											   query->param_values, NULL,
											   true, FQ_CURSOR_OPTIONS(true));
	}
	PG_FINALLY();
	{
		opening_streams--;
	}
	PG_END_TRY();

	/*
	 * Read by a WITH HOLD cursor, the stream's own portal is held too.
	 * COMMIT persists the held cursor by running it on to its end, which
	 * reads this portal; but it drops every portal not held, in the order
	 * of the portal hash, possibly this one first.  Held, it is either
	 * still open then or already persisted itself, and the stream closes
	 * it when it ends, as always; one left without a reader is dropped by
	 * cursor_streams_xact_callback.
	 */
	held = ActivePortal && (ActivePortal->cursorOptions & CURSOR_OPT_HOLD) &&
		!InSecurityRestrictedOperation();
	if (held)
		portal->cursorOptions |= CURSOR_OPT_HOLD;
	if (held || (ActivePortal && ActivePortal->name[0] != '\0'))
	{
		MemoryContext oldcontext;
		CursorStream *entry;

		if (!cursor_streams_callback)
		{
			RegisterSubXactCallback(cursor_streams_subxact_callback, NULL);
			RegisterXactCallback(cursor_streams_xact_callback, NULL);
			cursor_streams_callback = true;
		}
		oldcontext = MemoryContextSwitchTo(TopMemoryContext);
		entry = palloc(sizeof(CursorStream));
		entry->stream_portal = pstrdup(portal->name);
		entry->reader_portal = pstrdup(ActivePortal->name);
		entry->held = held;
		cursor_streams = lappend(cursor_streams, entry);
		MemoryContextSwitchTo(oldcontext);
	}
	cursor->portal_name = MemoryContextStrdup(parent, portal->name);
	SPI_finish();
	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_ACCUM_DIFF(cursor->elapsed, now, start);
}

/* Closes the stream's portal if still open, and forgets what was noted */
static void
close_stream_portal(FqCursor *cursor)
{
	Portal		portal;

	if (cursor->portal_name == NULL)
		return;
	portal = SPI_cursor_find(cursor->portal_name);
	if (cursor_streams != NIL)
		forget_cursor_stream(cursor->portal_name);
	if (portal)
		SPI_cursor_close(portal);
	cursor->portal_name = NULL;
}

void
fq_cursor_close(FqCursor *cursor)
{
	if (!cursor->recorded)
	{
		cursor->recorded = true;
		if (cursor->chunks == 0)
			fq_plancache_release(&cursor->plan);
		else
			fq_plancache_record(&cursor->plan, cursor->total_rows,
								INSTR_TIME_GET_MILLISEC(cursor->elapsed));
	}
	close_stream_portal(cursor);
}

/*
 * The DestReceiver a chunk is fetched into: each row's data becomes json
 * text in the cursor's buffer, preceded by room for a varlena header; the
 * row records its offset until the chunk is complete and the buffer stops
 * moving.
 */
typedef struct ChunkReceiver
{
	DestReceiver pub;
	FqCursor   *cursor;
} ChunkReceiver;

static bool
chunk_receive(TupleTableSlot *slot, DestReceiver *self)
{
	FqCursor   *cursor = ((ChunkReceiver *) self)->cursor;
	StringInfo	buf = &cursor->text;
	int			n = cursor->nrows;
	bool		isnull;
	Datum		data;
	int			start;
	MemoryContext oldcontext;

	CHECK_FOR_INTERRUPTS();
	if (n == cursor->rows_allocated)
	{
		cursor->rows_allocated = Min(cursor->rows_allocated * 2, cursor->chunk_size);
		cursor->rows = repalloc(cursor->rows, sizeof(Datum) * cursor->rows_allocated);
		cursor->nulls = repalloc(cursor->nulls, sizeof(bool) * cursor->rows_allocated);
	}
	data = slot_getattr(slot, 1, &isnull);
	cursor->nulls[n] = isnull;
	cursor->rows[n] = (Datum) 0;
	cursor->nrows++;
	if (isnull)
		return true;
	fq_prefetch_next_row(DatumGetPointer(data), VARSIZE_ANY(DatumGetPointer(data)));

	/* rendering allocates (detoasting, numbers) in the chunk context */
	oldcontext = MemoryContextSwitchTo(cursor->chunk_context);
	/* MAXALIGN so that each varlena header is aligned */
	appendStringInfoSpaces(buf, MAXALIGN(buf->len) - buf->len);
	start = buf->len;
	appendStringInfoSpaces(buf, VARHDRSZ);
	fq_render_row(buf, &cursor->format, data);
	SET_VARSIZE(buf->data + start, buf->len - start);
	cursor->rows[n] = (Datum) start;	/* an offset until the chunk ends */
	MemoryContextSwitchTo(oldcontext);
	return true;
}

static void
chunk_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
}

static void
chunk_shutdown(DestReceiver *self)
{
}

static void
chunk_destroy(DestReceiver *self)
{
}

/*
 * Fetches the next chunk, as json text.
 *
 * A stream's first chunk asks for FQ_FIRST_CHUNK_ROWS rows and each next one
 * for twice as many, up to chunk_size: the first row is returned once 64
 * rows are read and rendered, not 1000 (at 1M rows of 430 bytes: 0.07 ms
 * instead of 0.55), while a long stream soon reads full chunks and a page
 * of up to 64 rows still takes one fetch.
 */
static void
fetch_chunk(FqCursor *cursor)
{
	Portal		portal;
	ChunkReceiver receiver;
	int			i;
	instr_time	start;
	instr_time	now;

	INSTR_TIME_SET_CURRENT(start);
	MemoryContextReset(cursor->chunk_context);
	cursor->nrows = cursor->next = 0;
	/* room for a few rows; chunk_receive doubles it up to chunk_size */
	cursor->rows_allocated = Min(cursor->fetch_size, 64);
	cursor->rows = MemoryContextAlloc(cursor->chunk_context,
									  sizeof(Datum) * cursor->rows_allocated);
	cursor->nulls = MemoryContextAlloc(cursor->chunk_context,
									   sizeof(bool) * cursor->rows_allocated);
	/* the text buffer keeps its size from chunk to chunk */
	if (cursor->text.data == NULL)
	{
		MemoryContext oldcontext = MemoryContextSwitchTo(cursor->text_context);

		initStringInfo(&cursor->text);
		MemoryContextSwitchTo(oldcontext);
	}
	else
		resetStringInfo(&cursor->text);

	portal = GetPortalByName(cursor->portal_name);
	if (!PortalIsValid(portal))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_CURSOR_STATE),
				 errmsg("fraiseql stream cursor \"%s\" no longer exists",
						cursor->portal_name),
				 errdetail("The transaction that opened it has ended, or was rolled back to a savepoint set before it was opened.")));

	receiver.pub.receiveSlot = chunk_receive;
	receiver.pub.rStartup = chunk_startup;
	receiver.pub.rShutdown = chunk_shutdown;
	receiver.pub.rDestroy = chunk_destroy;
	receiver.pub.mydest = DestNone;
	receiver.cursor = cursor;
	PortalRunFetch(portal, FETCH_FORWARD, cursor->fetch_size, &receiver.pub);

	for (i = 0; i < cursor->nrows; i++)
		if (!cursor->nulls[i])
			cursor->rows[i] = PointerGetDatum(cursor->text.data + (Size) cursor->rows[i]);

	if (cursor->nrows < cursor->fetch_size)
	{
		cursor->exhausted = true;
		close_stream_portal(cursor);
	}
	cursor->fetch_size = (int) Min((int64) cursor->fetch_size * 2, cursor->chunk_size);

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_ACCUM_DIFF(cursor->elapsed, now, start);
	cursor->chunks++;
	cursor->total_rows += cursor->nrows;
	cursor->peak_chunk_bytes = Max(cursor->peak_chunk_bytes,
								   MemoryContextMemAllocated(cursor->chunk_context, true) +
								   MemoryContextMemAllocated(cursor->text_context, true));
}

/*
 * Returns the next row's json text; false at the end.  The value lives in
 * the chunk context until the next call that fetches a chunk.
 */
bool
fq_cursor_next(FqCursor *cursor, Datum *value, bool *isnull)
{
	if (cursor->next >= cursor->nrows)
	{
		if (cursor->exhausted || cursor->portal_name == NULL)
			return false;
		fetch_chunk(cursor);
		if (cursor->nrows == 0)
			return false;
	}
	*value = cursor->rows[cursor->next];
	*isnull = cursor->nulls[cursor->next];
	cursor->next++;
	return true;
}

/* ExprContext callback: the caller stopped early or rescans */
static void
stream_shutdown(Datum arg)
{
	fq_cursor_close((FqCursor *) DatumGetPointer(arg));
}

/*
 * Starts a stream from the eight arguments of fraiseql.stream(), as the SRF
 * receives them or as the custom scan evaluated them: translate, open the
 * cursor.  Everything lives in "context".  Returns NULL for a NULL source.
 */
FqCursor *
fq_stream_begin(const NullableDatum *argv, MemoryContext context)
{
	MemoryContext oldcontext = MemoryContextSwitchTo(context);
	FqQueryArgs args;
	FqSource   *source;
	FqQuery		query;
	FqCursor   *cursor;
	FqRowFormat format;
	int			chunk_size;

	if (argv[FQ_ARG_SOURCE].isnull)
	{
		MemoryContextSwitchTo(oldcontext);
		return NULL;
	}
	chunk_size = fq_chunk_size_arg(argv[FQ_ARG_CHUNK_SIZE].isnull,
								   DatumGetInt32(argv[FQ_ARG_CHUNK_SIZE].value));

	fq_read_query_args(argv, FQ_STREAM_NARGS, &args);
	source = palloc(sizeof(FqSource));
	fq_source_resolve(args.relid, source);
	fq_query_build(&query, source, FQ_QUERY_ROWS, &args);

	format.data_type = source->data_type;
	format.selection = NULL;
	format.typename = NULL;
	format.typename_len = 0;
	if (!argv[FQ_ARG_SELECTION].isnull)
	{
		text	   *sel = DatumGetTextPP(argv[FQ_ARG_SELECTION].value);

		format.selection = fq_selection_get(VARDATA_ANY(sel), VARSIZE_ANY_EXHDR(sel));
	}
	if (!argv[FQ_ARG_TYPENAME].isnull)
	{
		text	   *tn = DatumGetTextPP(argv[FQ_ARG_TYPENAME].value);

		format.typename = VARDATA_ANY(tn);
		format.typename_len = VARSIZE_ANY_EXHDR(tn);
	}

	cursor = palloc(sizeof(FqCursor));
	fq_cursor_open(cursor, &query, &format, chunk_size, context);
	MemoryContextSwitchTo(oldcontext);
	return cursor;
}

/*
 * fraiseql.stream(source, filter, order_by, limit, offset, selection,
 *				   typename, chunk_size) RETURNS SETOF json
 */
Datum
fraiseql_stream(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	FqCursor   *cursor;
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		value;
	bool		isnull;

	if (SRF_IS_FIRSTCALL())
	{
		funcctx = SRF_FIRSTCALL_INIT();
		cursor = fq_stream_begin(fcinfo->args, funcctx->multi_call_memory_ctx);
		funcctx->user_fctx = cursor;
		if (cursor && rsinfo && IsA(rsinfo, ReturnSetInfo))
			RegisterExprContextCallback(rsinfo->econtext, stream_shutdown,
										PointerGetDatum(cursor));
	}

	funcctx = SRF_PERCALL_SETUP();
	cursor = (FqCursor *) funcctx->user_fctx;

	if (cursor && fq_cursor_next(cursor, &value, &isnull))
	{
		if (isnull)
			SRF_RETURN_NEXT_NULL(funcctx);
		SRF_RETURN_NEXT(funcctx, value);
	}

	if (cursor)
	{
		fq_cursor_close(cursor);
		if (rsinfo && IsA(rsinfo, ReturnSetInfo))
			UnregisterExprContextCallback(rsinfo->econtext, stream_shutdown,
										  PointerGetDatum(cursor));
	}
	SRF_RETURN_DONE(funcctx);
}

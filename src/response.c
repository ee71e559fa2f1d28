/*-------------------------------------------------------------------------
 *
 * response.c
 *	  fraiseql.query(): a whole GraphQL response built in one pass.
 *
 *		{"data": {"<field>": [<row>, <row>, ...]}}
 *		{"data": {"<field>": <first row> | null}}		(single => true)
 *
 * Rows come from the same chunked cursor as stream(), already rendered as
 * JSON text (projected when a selection is given), and are appended to the
 * response as they arrive: no intermediate jsonb and no json_agg.  Memory is
 * the response itself plus one chunk.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

#include "jsonwrite.h"
#include "sqlbuild.h"
#include "stream.h"

PG_FUNCTION_INFO_V1(fraiseql_query);

/* fraiseql.query()'s argument positions */
#define Q_SOURCE	0
#define Q_FIELD		1
#define Q_FILTER	2
#define Q_ORDER_BY	3
#define Q_LIMIT		4
#define Q_OFFSET	5
#define Q_SELECTION 6
#define Q_TYPENAME	7
#define Q_SINGLE	8

static void
append_row(StringInfo out, Datum value, bool isnull)
{
	if (isnull)
		appendBinaryStringInfo(out, "null", 4);
	else
		appendBinaryStringInfo(out, VARDATA_ANY(DatumGetPointer(value)),
							   VARSIZE_ANY_EXHDR(DatumGetPointer(value)));
}

/*
 * fraiseql.query(source, field, filter, order_by, limit, offset, selection,
 *				  typename, single) RETURNS json
 */
Datum
fraiseql_query(PG_FUNCTION_ARGS)
{
	NullableDatum argv[FQ_STREAM_NARGS];
	text	   *field;
	bool		single;
	FqCursor   *cursor;
	StringInfoData out;
	Datum		value;
	bool		isnull;

	if (PG_ARGISNULL(Q_SOURCE) || PG_ARGISNULL(Q_FIELD))
		PG_RETURN_NULL();
	field = PG_GETARG_TEXT_PP(Q_FIELD);
	fq_check_field_name(VARDATA_ANY(field), VARSIZE_ANY_EXHDR(field));
	single = !PG_ARGISNULL(Q_SINGLE) && PG_GETARG_BOOL(Q_SINGLE);

	argv[FQ_ARG_SOURCE] = fcinfo->args[Q_SOURCE];
	argv[FQ_ARG_FILTER] = fcinfo->args[Q_FILTER];
	argv[FQ_ARG_ORDER_BY] = fcinfo->args[Q_ORDER_BY];
	argv[FQ_ARG_LIMIT] = fcinfo->args[Q_LIMIT];
	argv[FQ_ARG_OFFSET] = fcinfo->args[Q_OFFSET];
	argv[FQ_ARG_SELECTION] = fcinfo->args[Q_SELECTION];
	argv[FQ_ARG_TYPENAME] = fcinfo->args[Q_TYPENAME];
	argv[FQ_ARG_CHUNK_SIZE].isnull = true;
	argv[FQ_ARG_CHUNK_SIZE].value = (Datum) 0;
	if (single && (argv[FQ_ARG_LIMIT].isnull || DatumGetInt64(argv[FQ_ARG_LIMIT].value) > 1))
	{
		/* the first row is all we need */
		argv[FQ_ARG_LIMIT].isnull = false;
		argv[FQ_ARG_LIMIT].value = Int64GetDatum(1);
	}

	cursor = fq_stream_begin(argv, CurrentMemoryContext);

	/* the response is built in place after room for its varlena header */
	initStringInfo(&out);
	appendStringInfoSpaces(&out, VARHDRSZ);
	appendStringInfoString(&out, "{\"data\": {");
	fq_write_string(&out, VARDATA_ANY(field), VARSIZE_ANY_EXHDR(field));
	appendBinaryStringInfo(&out, ": ", 2);

	if (single)
	{
		if (fq_cursor_next(cursor, &value, &isnull))
			append_row(&out, value, isnull);
		else
			appendBinaryStringInfo(&out, "null", 4);
	}
	else
	{
		bool		first = true;

		appendStringInfoCharMacro(&out, '[');
		while (fq_cursor_next(cursor, &value, &isnull))
		{
			if (!first)
				appendBinaryStringInfo(&out, ", ", 2);
			first = false;
			append_row(&out, value, isnull);
		}
		appendStringInfoCharMacro(&out, ']');
	}
	fq_cursor_close(cursor);
	appendBinaryStringInfo(&out, "}}", 2);

	SET_VARSIZE(out.data, out.len);
	PG_RETURN_POINTER(out.data);
}

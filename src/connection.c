/*-------------------------------------------------------------------------
 *
 * connection.c
 *	  fraiseql.connection(): a Relay connection field in one pass (SPEC
 *	  section 15).
 *
 *		{"data": {"<field>": {"totalCount": .., "edges": [{"cursor": ..,
 *		 "node": {..}}, ..], "pageInfo": {"hasNextPage": .., ..}}}}
 *
 * with what the selection asks for, in its order and under its aliases.
 * Paging is keyset (keyset.c): first/after read the rows after the "after"
 * cursor in the order, last/before the rows before "before" in the reverse
 * order, and the page is written in the forward order either way.  One
 * more row than the page is read, which answers hasNextPage (forward) or
 * hasPreviousPage (backward); the other flag costs one probe of one row,
 * the page statement of the other direction from the page's edge, run only
 * when the selection asks for that flag.  totalCount, likewise only when
 * asked for, is fraiseql.count()'s statement: the filter, no cursor.
 *
 * Every statement goes through the plan cache, so a page of a given shape
 * is planned once per backend and its shape is shared by every backend.
 * They run in one snapshot (the function is STABLE), as the caller (the
 * function is SECURITY INVOKER): row-level security and GRANTs apply.
 * The rows of a page are read into an SPI tuple table (a page has at most
 * fraiseql.max_page_size rows) and written straight into the response:
 * nodes through the projector, cursors by cursor.c.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"

#include "connection.h"
#include "cursor.h"
#include "jsonwrite.h"
#include "keyset.h"
#include "ownplan.h"
#include "plancache.h"
#include "project.h"
#include "query.h"
#include "selection.h"
#include "source.h"

PG_FUNCTION_INFO_V1(fraiseql_connection);

int			fq_max_page_size = 1000;

/* Rows of a page when neither first nor last is given */
#define DEFAULT_PAGE_SIZE 20

/* fraiseql.connection()'s argument positions */
#define C_SOURCE	0
#define C_FIELD		1
#define C_FILTER	2
#define C_ORDER_BY	3
#define C_FIRST		4
#define C_AFTER		5
#define C_LAST		6
#define C_BEFORE	7
#define C_SELECTION 8
#define C_TYPENAME	9

void
fq_connection_init(void)
{
	DefineCustomIntVariable("fraiseql.max_page_size",
							"The largest first or last that fraiseql.connection() accepts.",
							NULL,
							&fq_max_page_size,
							1000, 1, 1000000,
							PGC_USERSET, 0,
							NULL, NULL, NULL);
}

/* What the selection asks for, found before any statement runs */
typedef struct Wants
{
	bool		rows;			/* edges or pageInfo */
	bool		count;
	bool		has_next;
	bool		has_previous;
} Wants;

/* One call */
typedef struct Conn
{
	FqSource	source;
	FqKeyset	keyset;
	FqCursorSpec spec;
	Jsonb	   *filter;
	bool		backward;		/* last/before */
	int			page_size;
	FqKeysetPos after;			/* decoded cursors */
	FqKeysetPos before;
	bool		has_after;
	bool		has_before;
	const char *typename;
	int			typename_len;
	FqRowFormat node_format;	/* a node without a selection of its own */
	/* the page, in scan order */
	SPITupleTable *page;
	int			nrows;			/* rows of the page (the extra one left out) */
	bool		has_next;
	bool		has_previous;
	int64		total_count;
} Conn;

static bool
name_is(const FqSelField *f, const char *name)
{
	return f->name_len == (int) strlen(name) && memcmp(f->name, name, f->name_len) == 0;
}

static void
find_wants(const FqSelection *sel, Wants *wants)
{
	int			i;
	int			j;

	if (sel == NULL)
	{
		/* the default selection: edges and pageInfo, no totalCount */
		wants->rows = wants->has_next = wants->has_previous = true;
		return;
	}
	for (i = 0; i < sel->nfields; i++)
	{
		const FqSelField *f = &sel->fields[i];

		if (name_is(f, "totalCount"))
			wants->count = true;
		else if (name_is(f, "edges"))
			wants->rows = true;
		else if (name_is(f, "pageInfo"))
		{
			wants->rows = true;
			if (f->sub == NULL)
				wants->has_next = wants->has_previous = true;
			else
				for (j = 0; j < f->sub->nfields; j++)
				{
					if (name_is(&f->sub->fields[j], "hasNextPage"))
						wants->has_next = true;
					else if (name_is(&f->sub->fields[j], "hasPreviousPage"))
						wants->has_previous = true;
				}
		}
	}
}

/*
 * Runs a statement through the plan cache; the result stays in
 * SPI_tuptable until SPI_finish.
 */
static uint64
run_statement(FqQuery *query)
{
	FqPlanHandle plan;
	instr_time	start;
	instr_time	elapsed;
	int			rc;

	INSTR_TIME_SET_CURRENT(start);
	fq_plancache_acquire(query, &plan);
	if (plan.plan)
		rc = SPI_execute_plan(plan.plan, query->param_values, NULL, true, 0);
	else
	{
		/* one-shot, with the options that mark the statement ours */
		SPIPlanPtr	once = SPI_prepare_cursor(query->sql.data, query->nparams,
											  query->param_types,
											  FQ_CURSOR_OPTIONS(query->kind == FQ_QUERY_ROWS));

		if (once == NULL)
			elog(ERROR, "fraiseql: could not prepare connection query: %s",
				 SPI_result_code_string(SPI_result));
		rc = SPI_execute_plan(once, query->param_values, NULL, true, 0);
	}
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "fraiseql: connection query failed: %s", SPI_result_code_string(rc));
	INSTR_TIME_SET_CURRENT(elapsed);
	INSTR_TIME_SUBTRACT(elapsed, start);
	fq_plancache_record(&plan, SPI_processed, INSTR_TIME_GET_MILLISEC(elapsed));
	return SPI_processed;
}

/*
 * The key values of row "row" of a page's tuple table (columns 2..), which
 * are a cursor's.  A key the catalog says is NOT NULL cannot be NULL; a
 * NULL there (a broken constraint) would lose rows, so it is an error.
 */
static void
row_position(Conn *c, SPITupleTable *table, uint64 row, FqKeysetPos *pos)
{
	int			i;

	for (i = 0; i < c->keyset.nkeys; i++)
	{
		pos->values[i] = SPI_getbinval(table->vals[row], table->tupdesc, i + 2,
									   &pos->nulls[i]);
		if (pos->nulls[i] && !c->keyset.keys[i].nullable)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("key %s of a row of \"%s\" is null",
							c->keyset.keys[i].expr, get_rel_name(c->source.relid)),
					 errdetail("The column is declared NOT NULL.")));
	}
}

static void
alloc_pos(Conn *c, FqKeysetPos *pos)
{
	pos->values = palloc0(sizeof(Datum) * c->keyset.nkeys);
	pos->nulls = palloc0(sizeof(bool) * c->keyset.nkeys);
}

/* Is there a row after "from" in the order (backward: before it)? */
static bool
probe(Conn *c, bool backward, const FqKeysetPos *from)
{
	FqQuery		query;

	fq_keyset_page_query(&query, &c->keyset, c->filter, backward, from, NULL, 1);
	return run_statement(&query) > 0;
}

/* Runs the page and whatever the selection asks for besides */
static void
run_page(Conn *c, const Wants *wants)
{
	if (wants->rows)
	{
		FqQuery		query;
		uint64		n;

		fq_keyset_page_query(&query, &c->keyset, c->filter, c->backward,
							 c->backward ? (c->has_before ? &c->before : NULL) :
							 (c->has_after ? &c->after : NULL),
							 c->backward ? (c->has_after ? &c->after : NULL) :
							 (c->has_before ? &c->before : NULL),
							 (int64) c->page_size + 1);
		n = run_statement(&query);
		c->page = SPI_tuptable;
		c->nrows = (int) Min(n, (uint64) c->page_size);
		/* the extra row says there is more in the scan direction */
		if (c->backward)
			c->has_previous = n > (uint64) c->page_size;
		else
			c->has_next = n > (uint64) c->page_size;

		/*
		 * The other flag: is there a row before the page (forward) or after
		 * it (backward)?  Probed from the page's edge row, or from the
		 * cursor when the page is empty; without a cursor the page starts
		 * at the end, and nothing lies beyond it.
		 */
		if (c->backward ? wants->has_next && c->has_before :
			wants->has_previous && c->has_after)
		{
			FqKeysetPos edge;

			if (c->nrows > 0)
			{
				alloc_pos(c, &edge);
				row_position(c, c->page, 0, &edge);
			}
			else
				edge = c->backward ? c->before : c->after;
			if (c->backward)
				c->has_next = probe(c, false, &edge);
			else
				c->has_previous = probe(c, true, &edge);
		}
	}
	if (wants->count)
	{
		FqQueryArgs args;
		FqQuery		query;
		bool		isnull;

		memset(&args, 0, sizeof(args));
		args.relid = c->source.relid;
		args.filter = c->filter;
		fq_query_build(&query, &c->source, FQ_QUERY_COUNT, &args);
		if (run_statement(&query) != 1)
			elog(ERROR, "fraiseql: count query returned no row");
		c->total_count = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
													 SPI_tuptable->tupdesc, 1,
													 &isnull));
	}
}

/* Row i of the page in the forward order */
static inline uint64
page_row(const Conn *c, int i)
{
	return c->backward ? (uint64) (c->nrows - 1 - i) : (uint64) i;
}

static void
write_cursor(StringInfo out, Conn *c, uint64 row)
{
	FqKeysetPos pos;
	char	   *text;

	alloc_pos(c, &pos);
	row_position(c, c->page, row, &pos);
	text = fq_relay_cursor_encode(&c->spec, pos.values, pos.nulls);
	fq_write_string(out, text, strlen(text));
	pfree(text);
	pfree(pos.values);
	pfree(pos.nulls);
}

static void
write_typename(StringInfo out, const Conn *c, const char *suffix)
{
	StringInfoData name;

	if (c->typename == NULL)
	{
		appendBinaryStringInfo(out, "null", 4);
		return;
	}
	initStringInfo(&name);
	appendBinaryStringInfo(&name, c->typename, c->typename_len);
	appendStringInfoString(&name, suffix);
	fq_write_string(out, name.data, name.len);
	pfree(name.data);
}

static void
write_node(StringInfo out, Conn *c, uint64 row, const FqSelection *sel)
{
	bool		isnull;
	Datum		data = SPI_getbinval(c->page->vals[row], c->page->tupdesc, 1, &isnull);
	FqRowFormat format = c->node_format;

	if (isnull)
	{
		appendBinaryStringInfo(out, "null", 4);
		return;
	}
	format.selection = sel;
	fq_render_row(out, &format, data);
}

/* edges { cursor node { ... } __typename }, or every field without "sel" */
static void
write_edges(StringInfo out, Conn *c, const FqSelection *sel)
{
	int			i;
	int			j;

	appendStringInfoCharMacro(out, '[');
	for (i = 0; i < c->nrows; i++)
	{
		uint64		row = page_row(c, i);

		CHECK_FOR_INTERRUPTS();
		if (i > 0)
			appendBinaryStringInfo(out, ", ", 2);
		appendStringInfoCharMacro(out, '{');
		if (sel == NULL)
		{
			appendStringInfoString(out, "\"cursor\": ");
			write_cursor(out, c, row);
			appendStringInfoString(out, ", \"node\": ");
			write_node(out, c, row, NULL);
		}
		else
			for (j = 0; j < sel->nfields; j++)
			{
				const FqSelField *f = &sel->fields[j];

				if (j > 0)
					appendBinaryStringInfo(out, ", ", 2);
				appendBinaryStringInfo(out, f->out_key, f->out_key_len);
				if (name_is(f, "cursor"))
					write_cursor(out, c, row);
				else if (name_is(f, "node"))
					write_node(out, c, row, f->sub);
				else if (f->is_typename)
					write_typename(out, c, "Edge");
				else
					appendBinaryStringInfo(out, "null", 4);
			}
		appendStringInfoCharMacro(out, '}');
	}
	appendStringInfoCharMacro(out, ']');
}

static void
write_bool(StringInfo out, bool value)
{
	appendStringInfoString(out, value ? "true" : "false");
}

static void
write_page_info_field(StringInfo out, Conn *c, const char *name, int len)
{
	if (len == 11 && memcmp(name, "hasNextPage", len) == 0)
		write_bool(out, c->has_next);
	else if (len == 15 && memcmp(name, "hasPreviousPage", len) == 0)
		write_bool(out, c->has_previous);
	else if (len == 11 && memcmp(name, "startCursor", len) == 0 && c->nrows > 0)
		write_cursor(out, c, page_row(c, 0));
	else if (len == 9 && memcmp(name, "endCursor", len) == 0 && c->nrows > 0)
		write_cursor(out, c, page_row(c, c->nrows - 1));
	else if (len == 10 && memcmp(name, "__typename", len) == 0)
		fq_write_string(out, "PageInfo", 8);
	else
		appendBinaryStringInfo(out, "null", 4);
}

static void
write_page_info(StringInfo out, Conn *c, const FqSelection *sel)
{
	static const char *const all[] = {"hasNextPage", "hasPreviousPage",
	"startCursor", "endCursor"};
	int			i;

	appendStringInfoCharMacro(out, '{');
	if (sel == NULL)
		for (i = 0; i < (int) lengthof(all); i++)
		{
			appendStringInfo(out, "%s\"%s\": ", i > 0 ? ", " : "", all[i]);
			write_page_info_field(out, c, all[i], strlen(all[i]));
		}
	else
		for (i = 0; i < sel->nfields; i++)
		{
			const FqSelField *f = &sel->fields[i];

			if (i > 0)
				appendBinaryStringInfo(out, ", ", 2);
			appendBinaryStringInfo(out, f->out_key, f->out_key_len);
			write_page_info_field(out, c, f->name, f->name_len);
		}
	appendStringInfoCharMacro(out, '}');
}

static void
write_connection(StringInfo out, Conn *c, const FqSelection *sel)
{
	int			i;

	appendStringInfoCharMacro(out, '{');
	if (sel == NULL)
	{
		appendStringInfoString(out, "\"edges\": ");
		write_edges(out, c, NULL);
		appendStringInfoString(out, ", \"pageInfo\": ");
		write_page_info(out, c, NULL);
	}
	else
		for (i = 0; i < sel->nfields; i++)
		{
			const FqSelField *f = &sel->fields[i];

			if (i > 0)
				appendBinaryStringInfo(out, ", ", 2);
			appendBinaryStringInfo(out, f->out_key, f->out_key_len);
			if (name_is(f, "totalCount"))
				appendStringInfo(out, INT64_FORMAT, c->total_count);
			else if (name_is(f, "edges"))
				write_edges(out, c, f->sub);
			else if (name_is(f, "pageInfo"))
				write_page_info(out, c, f->sub);
			else if (f->is_typename)
				write_typename(out, c, "Connection");
			else
				appendBinaryStringInfo(out, "null", 4);
		}
	appendStringInfoCharMacro(out, '}');
}

/* first or last: not negative, at most fraiseql.max_page_size */
static int
page_size_arg(const char *name, int32 value)
{
	if (value < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_ROW_COUNT_IN_LIMIT_CLAUSE),
				 errmsg("\"%s\" must not be negative", name)));
	if (value > fq_max_page_size)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" of %d is larger than the largest page, %d", name,
						value, fq_max_page_size),
				 errhint("Ask for at most fraiseql.max_page_size rows and page on with the cursors.")));
	return value;
}

static void
decode_cursor_arg(Conn *c, FunctionCallInfo fcinfo, int argno,
				  const char *name, FqKeysetPos *pos)
{
	text	   *t = PG_GETARG_TEXT_PP(argno);

	alloc_pos(c, pos);
	fq_relay_cursor_decode(&c->spec, name, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t),
						   pos->values, pos->nulls);
}

/*
 * fraiseql.connection(source, field, filter, order_by, first, after, last,
 *					   "before", selection, typename) RETURNS json
 */
Datum
fraiseql_connection(PG_FUNCTION_ARGS)
{
	Conn		c;
	Wants		wants;
	text	   *field;
	const FqSelection *sel = NULL;
	StringInfoData out;

	if (PG_ARGISNULL(C_SOURCE) || PG_ARGISNULL(C_FIELD))
		PG_RETURN_NULL();
	memset(&c, 0, sizeof(c));
	memset(&wants, 0, sizeof(wants));
	field = PG_GETARG_TEXT_PP(C_FIELD);
	fq_check_field_name(VARDATA_ANY(field), VARSIZE_ANY_EXHDR(field));

	if (!PG_ARGISNULL(C_FIRST) && !PG_ARGISNULL(C_LAST))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"first\" and \"last\" cannot be given together"),
				 errhint("Page forward with first and after, or backward with last and before.")));
	if (!PG_ARGISNULL(C_LAST))
	{
		c.backward = true;
		c.page_size = page_size_arg("last", PG_GETARG_INT32(C_LAST));
	}
	else if (!PG_ARGISNULL(C_FIRST))
		c.page_size = page_size_arg("first", PG_GETARG_INT32(C_FIRST));
	else
		c.page_size = Min(DEFAULT_PAGE_SIZE, fq_max_page_size);

	if (!PG_ARGISNULL(C_SELECTION))
	{
		text	   *t = PG_GETARG_TEXT_PP(C_SELECTION);

		sel = fq_selection_get(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
	find_wants(sel, &wants);
	if (!PG_ARGISNULL(C_TYPENAME))
	{
		text	   *t = PG_GETARG_TEXT_PP(C_TYPENAME);

		c.typename = VARDATA_ANY(t);
		c.typename_len = VARSIZE_ANY_EXHDR(t);
	}

	fq_source_resolve(PG_GETARG_OID(C_SOURCE), &c.source);
	fq_keyset_init(&c.keyset, &c.source,
				   PG_ARGISNULL(C_ORDER_BY) ? NULL : PG_GETARG_JSONB_P(C_ORDER_BY));
	c.filter = PG_ARGISNULL(C_FILTER) ? NULL : PG_GETARG_JSONB_P(C_FILTER);
	c.spec.check = c.keyset.check;
	c.spec.nkeys = c.keyset.nkeys;
	c.spec.types = c.keyset.types;
	c.spec.nullable = c.keyset.nullable;
	if (!PG_ARGISNULL(C_AFTER))
	{
		decode_cursor_arg(&c, fcinfo, C_AFTER, "after", &c.after);
		c.has_after = true;
	}
	if (!PG_ARGISNULL(C_BEFORE))
	{
		decode_cursor_arg(&c, fcinfo, C_BEFORE, "before", &c.before);
		c.has_before = true;
	}

	c.node_format.data_type = c.source.data_type;
	c.node_format.typename = c.typename;
	c.node_format.typename_len = c.typename_len;

	/* the response is built in place after room for its varlena header */
	initStringInfo(&out);
	appendStringInfoSpaces(&out, VARHDRSZ);
	appendStringInfoString(&out, "{\"data\": {");
	fq_write_string(&out, VARDATA_ANY(field), VARSIZE_ANY_EXHDR(field));
	appendBinaryStringInfo(&out, ": ", 2);

	/* "out" lives outside SPI, and repalloc keeps it there as it grows */
	SPI_connect();
	run_page(&c, &wants);
	write_connection(&out, &c, sel);
	SPI_finish();

	appendBinaryStringInfo(&out, "}}", 2);
	SET_VARSIZE(out.data, out.len);
	PG_RETURN_POINTER(out.data);
}

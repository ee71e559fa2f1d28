/*-------------------------------------------------------------------------
 *
 * query.c
 *	  Builds the statement a call runs, and the SQL-callable to_sql and
 *	  count: the statement level, on top of shape.c (a remembered
 *	  translation), filter.c and order.c (a fresh one) and sqlbuild.c (the
 *	  statement being written), running count through plancache.c.
 *
 * The statement is
 *		SELECT data FROM <source> [WHERE <filter>] [ORDER BY <order>]
 *			[LIMIT $n::bigint] [OFFSET $m::bigint]
 * Its text depends only on the shape of the arguments (which fields, which
 * operators, which value kinds and casts, whether limit/offset are given),
 * never on their values: every value is a bound parameter.  That is what
 * lets a plan be reused for every call of the same shape.
 *
 * Identifiers (the relation, native columns) come from the catalog and are
 * quoted with quote_identifier; JSON keys are written as quoted literals;
 * type names come from the catalog.  No user text is ever spliced in.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#include "filter.h"
#include "order.h"
#include "ownplan.h"
#include "plancache.h"
#include "portability/instr_time.h"
#include "query.h"
#include "shape.h"

PG_FUNCTION_INFO_V1(fraiseql_to_sql);
PG_FUNCTION_INFO_V1(fraiseql_count);

static void translate_query(FqQuery *query, const FqSource *source,
							FqQueryKind kind, const FqQueryArgs *args);

static void
check_limit(const FqQueryArgs *args)
{
	if (args->has_limit && args->limit < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_ROW_COUNT_IN_LIMIT_CLAUSE),
				 errmsg("LIMIT must not be negative")));
	if (args->has_offset && args->offset < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_ROW_COUNT_IN_RESULT_OFFSET_CLAUSE),
				 errmsg("OFFSET must not be negative")));
}

/*
 * Builds the statement for a call: the remembered translation of its shape
 * when this backend has one (shape.c), else a fresh translation, which is
 * then remembered.
 */
void
fq_query_build(FqQuery *query, const FqSource *source, FqQueryKind kind,
			   const FqQueryArgs *args)
{
	FqShapeCall shape;

	check_limit(args);

	if (!fq_shape_lookup(&shape, query, source, kind, args,
						 fq_plan_cache_size))
	{
		translate_query(query, source, kind, args);
		fq_shape_remember(&shape, query);
	}
	query->kind = kind;
}

/*
 * Translates the call's arguments into the statement.
 */
static void
translate_query(FqQuery *query, const FqSource *source, FqQueryKind kind,
				const FqQueryArgs *args)
{
	FqParamSource limit_source = {FQ_PARAM_LIMIT};
	FqParamSource offset_source = {FQ_PARAM_OFFSET};

	query->source = source;
	initStringInfo(&query->sql);
	query->nparams = 0;
	query->maxparams = 8;
	query->param_types = palloc(sizeof(Oid) * query->maxparams);
	query->param_values = palloc(sizeof(Datum) * query->maxparams);
	query->param_sources = palloc(sizeof(FqParamSource) * query->maxparams);
	query->translation_reused = false;
	query->uses_search_path = false;
	query->nnamed_types = 0;

	appendStringInfo(&query->sql, "SELECT %s FROM %s",
					 kind == FQ_QUERY_COUNT ? "count(*)" : "data",
					 source->qualified_name);

	if (args->filter)
		fq_filter_append(query, args->filter);

	if (kind == FQ_QUERY_COUNT)
		return;

	if (args->order_by)
		fq_order_append(query, args->order_by);
	if (args->has_limit)
	{
		appendStringInfoString(&query->sql, " LIMIT ");
		fq_query_append_param(query, INT8OID, Int64GetDatum(args->limit),
							  &limit_source);
	}
	if (args->has_offset)
	{
		appendStringInfoString(&query->sql, " OFFSET ");
		fq_query_append_param(query, INT8OID, Int64GetDatum(args->offset),
							  &offset_source);
	}
}

/*
 * One bound value as JSON text, for to_sql's params column.
 */
static void
append_param_json(StringInfo buf, Oid type, Datum value)
{
	Oid			outfunc;
	bool		isvarlena;
	char	   *out;

	if (type_is_array(type))
	{
		out = TextDatumGetCString(DirectFunctionCall1(array_to_json, value));
		appendStringInfoString(buf, out);
		return;
	}
	getTypeOutputInfo(type, &outfunc, &isvarlena);
	out = OidOutputFunctionCall(outfunc, value);
	/* a domain is written as its base type, as to_json does */
	type = getBaseType(type);
	switch (type)
	{
		case NUMERICOID:
			/* NaN and the infinities are no JSON numbers: strings, as in to_json */
			if (!numeric_is_nan(DatumGetNumeric(value)) &&
				!numeric_is_inf(DatumGetNumeric(value)))
				appendStringInfoString(buf, out);
			else
				escape_json(buf, out);
			break;
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case JSONBOID:
		case JSONOID:
			appendStringInfoString(buf, out);
			break;
		case BOOLOID:
			appendStringInfoString(buf, DatumGetBool(value) ? "true" : "false");
			break;
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			{
				/* ISO 8601 as to_json writes it, whatever DateStyle says */
				char		iso[MAXDATELEN + 1];

				escape_json(buf, JsonEncodeDateTime(iso, value, type, NULL));
				break;
			}
		default:
			escape_json(buf, out);
			break;
	}
}

/*
 * Reads the arguments every entry point shares, in SPEC order: source,
 * filter, order_by, limit, offset; entry points with fewer arguments pass a
 * smaller nargs.  Works on fcinfo->args and on arguments the custom scan
 * evaluated alike.  jsonb arguments are detoasted into the current memory
 * context, where they must outlive the translation.
 */
void
fq_read_query_args(const NullableDatum *argv, int nargs, FqQueryArgs *args)
{
	memset(args, 0, sizeof(*args));
	args->relid = DatumGetObjectId(argv[0].value);
	if (nargs > 1 && !argv[1].isnull)
		args->filter = DatumGetJsonbP(argv[1].value);
	if (nargs > 2 && !argv[2].isnull)
		args->order_by = DatumGetJsonbP(argv[2].value);
	if (nargs > 3 && !argv[3].isnull)
	{
		args->has_limit = true;
		args->limit = DatumGetInt64(argv[3].value);
	}
	if (nargs > 4 && !argv[4].isnull)
	{
		args->has_offset = true;
		args->offset = DatumGetInt64(argv[4].value);
	}
}

/*
 * fraiseql.to_sql(source, filter, order_by, limit, offset)
 *		RETURNS TABLE (sql text, params jsonb)
 */
Datum
fraiseql_to_sql(PG_FUNCTION_ARGS)
{
	FqQueryArgs args;
	FqSource	source;
	FqQuery		query;
	TupleDesc	tupdesc;
	StringInfoData params;
	Datum		values[2];
	bool		nulls[2] = {false, false};
	int			i;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	fq_read_query_args(fcinfo->args, PG_NARGS(), &args);
	fq_source_resolve(args.relid, &source);
	fq_query_build(&query, &source, FQ_QUERY_ROWS, &args);

	initStringInfo(&params);
	appendStringInfoChar(&params, '[');
	for (i = 0; i < query.nparams; i++)
	{
		if (i > 0)
			appendStringInfoString(&params, ", ");
		append_param_json(&params, query.param_types[i], query.param_values[i]);
	}
	appendStringInfoChar(&params, ']');

	values[0] = CStringGetTextDatum(query.sql.data);
	values[1] = DirectFunctionCall1(jsonb_in, CStringGetDatum(params.data));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc),
													  values, nulls)));
}

/*
 * fraiseql.count(source, filter) RETURNS bigint
 *
 * The statement is run with no row limit (it returns one row): a limit
 * would keep the executor from starting the parallel workers its plan may
 * have (FQ_CURSOR_OPTIONS).
 */
Datum
fraiseql_count(PG_FUNCTION_ARGS)
{
	FqQueryArgs args;
	FqSource	source;
	FqQuery		query;
	bool		isnull;
	int64		count;
	int			rc;
	FqPlanHandle plan;
	instr_time	start;
	instr_time	elapsed;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();

	fq_read_query_args(fcinfo->args, PG_NARGS(), &args);
	fq_source_resolve(args.relid, &source);
	fq_query_build(&query, &source, FQ_QUERY_COUNT, &args);

	INSTR_TIME_SET_CURRENT(start);
	SPI_connect();
	fq_plancache_acquire(&query, &plan);
	if (plan.plan)
		rc = SPI_execute_plan(plan.plan, query.param_values, NULL, true, 0);
	else
	{
		/* one-shot, but with the options that mark the statement ours */
		SPIPlanPtr	once = SPI_prepare_cursor(query.sql.data, query.nparams,
											  query.param_types,
											  FQ_CURSOR_OPTIONS(false));

		if (once == NULL)
			elog(ERROR, "fraiseql: could not prepare count query: %s",
				 SPI_result_code_string(SPI_result));
		rc = SPI_execute_plan(once, query.param_values, NULL, true, 0);
	}
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "fraiseql: count query failed: %s", SPI_result_code_string(rc));
	count = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	INSTR_TIME_SET_CURRENT(elapsed);
	INSTR_TIME_SUBTRACT(elapsed, start);
	fq_plancache_record(&plan, 1, INSTR_TIME_GET_MILLISEC(elapsed));

	PG_RETURN_INT64(count);
}

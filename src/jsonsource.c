/*-------------------------------------------------------------------------
 *
 * jsonsource.c
 *	  Key lookups in json (text) sources with simdjson: the functions the
 *	  generated SQL calls where a jsonb source would use -> and ->>.
 *
 * PostgreSQL's json operators re-lex the document from its first byte for
 * every key they look up, one byte at a time.  For a json source the filter
 * and order translators therefore write
 *
 *		fraiseql.json_get_text(data, 'profile', 'rank')   for  data->'profile'->>'rank'
 *		fraiseql.json_get(data, 'tags')                   for  (data->'tags')::jsonb
 *
 * which the scan evaluates with simdjson's On-Demand API: only the values on
 * the path are examined, at SIMD speed.  Everything else in the predicate
 * (casts, comparisons, LIKE, @>, NULL logic) stays PostgreSQL's, and native
 * columns, ordering and LIMIT/OFFSET stay in the plan where indexes apply.
 * A json source returns the rows of the same jsonb source, except where
 * the text of a value differs between the two types and an operator reads
 * that text: json's ->> gives a number or a container as written ("1e3",
 * {"a":1}), jsonb's as normalised ("1000", {"a": 1}), so a pattern match
 * on such a key can differ, as it does between the two operators.
 *
 * The results equal the json operators' on every input: last duplicate key
 * wins, a step into a non-object gives NULL, containers come back as written.
 * Whenever simdjson cannot answer (a document it does not accept, a string
 * holding \u0000 or a lone surrogate, whose errors are PostgreSQL's to
 * raise), in databases whose encoding is not UTF-8, and with
 * fraiseql.enable_simd = off, the same chain of PostgreSQL's own
 * json_object_field / json_object_field_text calls gives the answer.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "fraiseql.h"
#include "json_simd.h"
#include "parse.h"

PG_FUNCTION_INFO_V1(fraiseql_json_get_text);
PG_FUNCTION_INFO_V1(fraiseql_json_get);

/* The key path of a call, kept in fn_extra when the path is a constant */
typedef struct KeyPath
{
	int			nkeys;
	const char **keys;
	size_t	   *lens;
	text	  **texts;			/* the same keys as text, for PostgreSQL */
} KeyPath;

static KeyPath *
build_key_path(ArrayType *array, MemoryContext context)
{
	MemoryContext oldcontext = MemoryContextSwitchTo(context);
	KeyPath    *path = palloc(sizeof(KeyPath));
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			i;

	deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	path->nkeys = n;
	path->keys = palloc(sizeof(char *) * Max(n, 1));
	path->lens = palloc(sizeof(size_t) * Max(n, 1));
	path->texts = palloc(sizeof(text *) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		text	   *key;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("json key path must not contain nulls")));
		/* copied: the array may be a detoasted copy in a shorter-lived context */
		key = DatumGetTextPCopy(elems[i]);
		path->texts[i] = key;
		path->keys[i] = VARDATA_ANY(key);
		path->lens[i] = VARSIZE_ANY_EXHDR(key);
	}
	MemoryContextSwitchTo(oldcontext);
	return path;
}

static KeyPath *
get_key_path(FunctionCallInfo fcinfo)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	ArrayType  *array = PG_GETARG_ARRAYTYPE_P(1);

	if (flinfo->fn_extra)
		return (KeyPath *) flinfo->fn_extra;
	if (get_fn_expr_arg_stable(flinfo, 1))
	{
		flinfo->fn_extra = build_key_path(array, flinfo->fn_mcxt);
		return (KeyPath *) flinfo->fn_extra;
	}
	return build_key_path(array, CurrentMemoryContext);
}

/* f(a, b) for a strict two-argument function that may return NULL */
static Datum
call_may_be_null(PGFunction fn, Datum a, Datum b, bool *isnull)
{
	LOCAL_FCINFO(fc, 2);
	Datum		result;

	InitFunctionCallInfoData(*fc, NULL, 2, InvalidOid, NULL, NULL);
	fc->args[0].value = a;
	fc->args[0].isnull = false;
	fc->args[1].value = b;
	fc->args[1].isnull = false;
	result = fn(fc);
	*isnull = fc->isnull;
	return result;
}

/*
 * PostgreSQL's answer: data->'k1'->...->'kn' (as_text: ->> for the last
 * step).  Returns NULL for SQL NULL.
 */
static text *
pg_get(text *data, const KeyPath *path, bool as_text)
{
	Datum		value = PointerGetDatum(data);
	bool		isnull = false;
	int			i;

	for (i = 0; i < path->nkeys && !isnull; i++)
	{
		bool		last = i == path->nkeys - 1;

		value = call_may_be_null(last && as_text ? json_object_field_text : json_object_field,
								 value, PointerGetDatum(path->texts[i]), &isnull);
	}
	return isnull ? NULL : DatumGetTextPP(value);
}

static bool
use_simd(void)
{
	return fq_enable_simd && GetDatabaseEncoding() == PG_UTF8;
}

/*
 * simdjson's answer; false when PostgreSQL must give it.
 */
static bool
simd_get(text *data, const KeyPath *path, FqSimdValue *value)
{
	FqSimdStatus status;

	status = fq_simd_find_path(fq_simd_backend_parser(), VARDATA_ANY(data),
							   VARSIZE_ANY_EXHDR(data), VARSIZE_ANY_EXHDR(data),
							   path->keys, path->lens, path->nkeys, value);
	if (status == FQ_SIMD_NOMEM)
		fq_simd_out_of_memory(VARSIZE_ANY_EXHDR(data));
	if (status != FQ_SIMD_OK)
		return false;
	/* json_object_field_text refuses \u0000; let it say so */
	if (value->type == FQ_VAL_STRING && memchr(value->text, '\0', value->len) != NULL)
		return false;
	return true;
}

/*
 * The lookup both functions make: true with *value filled when simdjson
 * answered; false with *pg_result (NULL for SQL NULL) when PostgreSQL did.
 */
static bool
lookup(FunctionCallInfo fcinfo, bool as_text, FqSimdValue *value, text **pg_result)
{
	text	   *data = PG_GETARG_TEXT_PP(0);
	KeyPath    *path = get_key_path(fcinfo);

	if (path->nkeys == 0)
	{
		*pg_result = NULL;
		return false;
	}
	fq_prefetch_next_row(data, VARSIZE_ANY(data));
	if (use_simd() && simd_get(data, path, value))
		return true;
	*pg_result = pg_get(data, path, as_text);
	return false;
}

/*
 * fraiseql.json_get_text(data json, VARIADIC keys text[]) RETURNS text:
 * data->'k1'->...->>'kn'.
 */
Datum
fraiseql_json_get_text(PG_FUNCTION_ARGS)
{
	FqSimdValue value;
	text	   *result;

	if (!lookup(fcinfo, true, &value, &result))
	{
		if (result == NULL)
			PG_RETURN_NULL();
		PG_RETURN_TEXT_P(result);
	}

	switch (value.type)
	{
		case FQ_VAL_MISSING:
		case FQ_VAL_NULL:
			PG_RETURN_NULL();
		case FQ_VAL_TRUE:
			PG_RETURN_TEXT_P(cstring_to_text_with_len("true", 4));
		case FQ_VAL_FALSE:
			PG_RETURN_TEXT_P(cstring_to_text_with_len("false", 5));
		default:
			PG_RETURN_TEXT_P(cstring_to_text_with_len(value.text, value.len));
	}
}

/*
 * fraiseql.json_get(data json, VARIADIC keys text[]) RETURNS jsonb:
 * (data->'k1'->...->'kn')::jsonb.
 */
Datum
fraiseql_json_get(PG_FUNCTION_ARGS)
{
	FqSimdValue value;
	text	   *result;
	char	   *copy;

	if (!lookup(fcinfo, false, &value, &result))
	{
		if (result == NULL)
			PG_RETURN_NULL();
		PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in,
											CStringGetDatum(text_to_cstring(result))));
	}

	switch (value.type)
	{
		case FQ_VAL_MISSING:
			PG_RETURN_NULL();
		case FQ_VAL_STRING:
			{
				JsonbValue	v;

				v.type = jbvString;
				v.val.string.val = (char *) value.text;
				v.val.string.len = value.len;
				PG_RETURN_JSONB_P(JsonbValueToJsonb(&v));
			}
		default:

			/* the value's text, copied out of the parser (which parses it next) */
			copy = pnstrdup(value.text, value.len);
			PG_RETURN_DATUM(fq_json_text_to_jsonb(copy, value.len));
	}
}

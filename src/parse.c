/*-------------------------------------------------------------------------
 *
 * parse.c
 *	  SQL functions that read JSON text with simdjson: fraiseql.is_json,
 *	  and the backend's one simdjson parser.
 *
 * is_json must answer exactly as text::json would.  simdjson accepts valid
 * documents in one SIMD pass, and everything it accepts PostgreSQL accepts.
 * It also refuses a few documents that PostgreSQL accepts (numbers beyond
 * double range, lone surrogates, deep nesting), so whenever simdjson says
 * no, and in databases whose encoding is not UTF-8, PostgreSQL's own JSON
 * parser gives the verdict: a rejection costs two parses, an acceptance one.
 * fraiseql.enable_simd = off always asks PostgreSQL.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/jsonapi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "storage/ipc.h"
#include "utils/builtins.h"

#include "fraiseql.h"
#include "json_simd.h"

PG_FUNCTION_INFO_V1(fraiseql_is_json);

static FqSimdParser *backend_parser = NULL;

static void
free_backend_parser(int code, Datum arg)
{
	fq_simd_parser_free(backend_parser);
	backend_parser = NULL;
}

/*
 * The backend's simdjson parser, created on first use.
 */
static FqSimdParser *
get_parser(void)
{
	if (backend_parser == NULL)
	{
		if (fq_simd_parser_create(&backend_parser) != FQ_SIMD_OK)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory"),
					 errdetail("Could not create the simdjson parser.")));
		on_proc_exit(free_backend_parser, (Datum) 0);
	}
	return backend_parser;
}

/* PostgreSQL's own verdict: does text::json succeed? */
static bool
pg_is_json(text *t)
{
	JsonLexContext *lex = makeJsonLexContextCstringLen(VARDATA_ANY(t),
													   VARSIZE_ANY_EXHDR(t),
													   GetDatabaseEncoding(),
													   false);

	return pg_parse_json(lex, &nullSemAction) == JSON_SUCCESS;
}

/*
 * fraiseql.is_json(text) RETURNS boolean: true iff text::json succeeds.
 */
Datum
fraiseql_is_json(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	FqSimdStatus status;

	if (!fq_enable_simd || GetDatabaseEncoding() != PG_UTF8)
		PG_RETURN_BOOL(pg_is_json(t));

	status = fq_simd_validate(get_parser(), VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t),
							  VARSIZE_ANY_EXHDR(t), NULL);
	if (status == FQ_SIMD_OK)
		PG_RETURN_BOOL(true);
	if (status == FQ_SIMD_NOMEM)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("simdjson could not allocate memory for a document of %zu bytes.",
						   (size_t) VARSIZE_ANY_EXHDR(t))));
	PG_RETURN_BOOL(pg_is_json(t));
}

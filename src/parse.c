/*-------------------------------------------------------------------------
 *
 * parse.c
 *	  SQL functions that read JSON text with simdjson: fraiseql.parse and
 *	  fraiseql.is_json, and the backend's one simdjson parser.
 *
 * is_json must answer exactly as text::json would.  simdjson accepts valid
 * documents in one SIMD pass, and everything it accepts PostgreSQL accepts.
 * It also refuses a few documents that PostgreSQL accepts (numbers beyond
 * double range, lone surrogates, deep nesting), so whenever simdjson says
 * no, and in databases whose encoding is not UTF-8, PostgreSQL's own JSON
 * parser gives the verdict: a rejection costs two parses, an acceptance one.
 * fraiseql.enable_simd = off always asks PostgreSQL.
 *
 * parse must agree with text::jsonb on every input.  simdjson walks the
 * document into tokens (numbers as written, strings unescaped); we build the
 * jsonb from them with pushJsonbValue, as jsonb_in does, so duplicate keys
 * keep the last value and numbers go through numeric_in at full precision.
 * Whatever simdjson does not accept, and any string holding \u0000 (which
 * jsonb refuses with 22P05), goes to jsonb_in itself: its verdict and its
 * error message are then PostgreSQL's own.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/jsonapi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "fraiseql.h"
#include "json_simd.h"
#include "parse.h"

PG_FUNCTION_INFO_V1(fraiseql_is_json);
PG_FUNCTION_INFO_V1(fraiseql_parse);
PG_FUNCTION_INFO_V1(fraiseql_simd_implementation);

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
FqSimdParser *
fq_simd_backend_parser(void)
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

void
fq_simd_out_of_memory(size_t len)
{
	ereport(ERROR,
			(errcode(ERRCODE_OUT_OF_MEMORY),
			 errmsg("out of memory"),
			 errdetail("simdjson could not allocate memory for a document of %zu bytes.",
					   len)));
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

	status = fq_simd_validate(fq_simd_backend_parser(), VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t),
							  VARSIZE_ANY_EXHDR(t), NULL);
	if (status == FQ_SIMD_OK)
		PG_RETURN_BOOL(true);
	if (status == FQ_SIMD_NOMEM)
		fq_simd_out_of_memory(VARSIZE_ANY_EXHDR(t));
	PG_RETURN_BOOL(pg_is_json(t));
}

/* PostgreSQL's own text::jsonb, with its errors */
static Datum
pg_parse(const char *buf, size_t len)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(pnstrdup(buf, len)));
}

/*
 * Builds a jsonb from simdjson's tokens (a whole value).  Returns NULL when
 * a string holds a NUL byte, which only jsonb_in can reject with the right
 * error.
 */
Jsonb *
fq_tokens_to_jsonb(const FqSimdToken *tokens, size_t ntokens)
{
	JsonbParseState *state = NULL;
	JsonbValue *result = NULL;
	bool	   *in_object;
	int			depth = 0;
	size_t		i;

	/* a raw scalar is stored as a one-element array, as jsonb_in does */
	if (ntokens == 1)
	{
		JsonbValue	array;

		array.type = jbvArray;
		array.val.array.rawScalar = true;
		array.val.array.nElems = 1;
		pushJsonbValue(&state, WJB_BEGIN_ARRAY, &array);
	}

	in_object = palloc(sizeof(bool) * (ntokens + 1));
	in_object[0] = false;
	for (i = 0; i < ntokens; i++)
	{
		const FqSimdToken *tok = &tokens[i];
		JsonbValue	v;
		JsonbIteratorToken scalar_kind = in_object[depth] ? WJB_VALUE : WJB_ELEM;

		if ((i & 0xFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		switch (tok->type)
		{
			case FQ_TOK_OBJECT_BEGIN:
				check_stack_depth();
				result = pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
				in_object[++depth] = true;
				continue;
			case FQ_TOK_ARRAY_BEGIN:
				check_stack_depth();
				result = pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
				in_object[++depth] = false;
				continue;
			case FQ_TOK_OBJECT_END:
				result = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
				depth--;
				continue;
			case FQ_TOK_ARRAY_END:
				result = pushJsonbValue(&state, WJB_END_ARRAY, NULL);
				depth--;
				continue;
			case FQ_TOK_KEY:
			case FQ_TOK_STRING:
				if (memchr(tok->text, '\0', tok->len) != NULL)
					return NULL;
				v.type = jbvString;
				v.val.string.val = (char *) tok->text;
				v.val.string.len = tok->len;
				if (tok->type == FQ_TOK_KEY)
				{
					/* checked here, where jsonb_in checks it too */
					if (tok->len > JENTRY_OFFLENMASK)
						ereport(ERROR,
								(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
								 errmsg("string too long to represent as jsonb string")));
					result = pushJsonbValue(&state, WJB_KEY, &v);
					continue;
				}
				break;
			case FQ_TOK_NUMBER:
				v.type = jbvNumeric;
				v.val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in,
																	CStringGetDatum(pnstrdup(tok->text, tok->len)),
																	ObjectIdGetDatum(InvalidOid),
																	Int32GetDatum(-1)));
				break;
			case FQ_TOK_TRUE:
			case FQ_TOK_FALSE:
				v.type = jbvBool;
				v.val.boolean = tok->type == FQ_TOK_TRUE;
				break;
			case FQ_TOK_NULL:
				v.type = jbvNull;
				break;
		}
		if (v.type == jbvString && tok->len > JENTRY_OFFLENMASK)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("string too long to represent as jsonb string")));
		result = pushJsonbValue(&state, scalar_kind, &v);
	}
	if (ntokens == 1)
		result = pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	return JsonbValueToJsonb(result);
}

/*
 * JSON text to jsonb, exactly as jsonb_in would make it: simdjson when it
 * can, jsonb_in itself otherwise.  "capacity" is how many bytes of buf may
 * be read (see fq_simd_tokenize).
 */
Datum
fq_json_text_to_jsonb(const char *buf, size_t len, size_t capacity)
{
	const FqSimdToken *tokens;
	size_t		ntokens;
	FqSimdStatus status;
	Jsonb	   *jb;

	if (!fq_enable_simd || GetDatabaseEncoding() != PG_UTF8)
		return pg_parse(buf, len);

	status = fq_simd_tokenize(fq_simd_backend_parser(), buf, len, capacity,
							  &tokens, &ntokens);
	if (status == FQ_SIMD_NOMEM)
		fq_simd_out_of_memory(len);
	if (status != FQ_SIMD_OK)
		return pg_parse(buf, len);

	jb = fq_tokens_to_jsonb(tokens, ntokens);
	if (jb == NULL)
		return pg_parse(buf, len);
	return JsonbPGetDatum(jb);
}

/*
 * fraiseql.parse(text) RETURNS jsonb: the same as text::jsonb.
 */
Datum
fraiseql_parse(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_DATUM(fq_json_text_to_jsonb(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t),
										  VARSIZE_ANY_EXHDR(t)));
}

/*
 * fraiseql.simd_implementation(): which kernel simdjson picked at run time,
 * so benchmark figures can say what they measured.
 */
Datum
fraiseql_simd_implementation(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(fq_simd_implementation()));
}

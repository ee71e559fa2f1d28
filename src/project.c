/*-------------------------------------------------------------------------
 *
 * project.c
 *	  Turns one row's data into the JSON text a client receives: the whole
 *	  object, or its projection onto a GraphQL selection (SPEC section 5).
 *
 * Output keys are the selected names (or aliases) in selection order.  A
 * name is looked up as its snake_case form first, then as written; a
 * missing key gives null.  A nested selection applies to an object, or to
 * every object of an array; other values under a nested selection are
 * written unchanged.  __typename is the typename argument at the root and
 * the object's own "__typename" key below it (null when absent).  The text
 * is written directly, never through an intermediate jsonb.
 *
 * A json source's row is read with simdjson into a flat token sequence and
 * projected from the tokens, without building a jsonb of the document.  The
 * output is byte for byte what projecting data::jsonb gives: the last of
 * duplicate keys counts, numbers are written as numeric_out writes them,
 * and a container selected whole is written as jsonb_out would (built from
 * its tokens).  A row simdjson does not accept, or one with a \u0000 in a
 * string, goes the jsonb way, so PostgreSQL raises its own error.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "json_simd.h"
#include "jsonwrite.h"
#include "mb/pg_wchar.h"
#include "parse.h"
#include "project.h"

static void project_object(StringInfo out, JsonbContainer *object,
						   const FqSelection *sel, const char *typename,
						   int typename_len, bool root);

/*
 * Starts field i of a projected object: the separator and the output key.
 * Returns true when the field is the root's __typename, which it then
 * writes too (the typename argument, or null).
 */
static bool
begin_field(StringInfo out, const FqSelField *f, int i, bool root,
			const char *typename, int typename_len)
{
	if (i > 0)
		appendBinaryStringInfo(out, ", ", 2);
	appendBinaryStringInfo(out, f->out_key, f->out_key_len);
	if (!(f->is_typename && root))
		return false;
	if (typename)
		fq_write_string(out, typename, typename_len);
	else
		appendBinaryStringInfo(out, "null", 4);
	return true;
}

/* A value under a nested selection: objects and arrays of objects project */
static void
project_value(StringInfo out, const JsonbValue *value, const FqSelection *sub)
{
	if (value->type == jbvBinary && JsonContainerIsObject(value->val.binary.data))
		project_object(out, value->val.binary.data, sub, NULL, 0, false);
	else if (value->type == jbvBinary && JsonContainerIsArray(value->val.binary.data) &&
			 !JsonContainerIsScalar(value->val.binary.data))
	{
		JsonbContainer *array = value->val.binary.data;
		int			n = JsonContainerSize(array);
		int			i;

		appendStringInfoCharMacro(out, '[');
		for (i = 0; i < n; i++)
		{
			JsonbValue *elem = getIthJsonbValueFromContainer(array, i);

			if (i > 0)
				appendBinaryStringInfo(out, ", ", 2);
			project_value(out, elem, sub);
			pfree(elem);
		}
		appendStringInfoCharMacro(out, ']');
	}
	else
		fq_write_value(out, value);
}

static void
project_object(StringInfo out, JsonbContainer *object, const FqSelection *sel,
			   const char *typename, int typename_len, bool root)
{
	int			i;

	check_stack_depth();
	appendStringInfoCharMacro(out, '{');
	for (i = 0; i < sel->nfields; i++)
	{
		const FqSelField *f = &sel->fields[i];
		JsonbValue	buf;
		JsonbValue *value = NULL;

		if (begin_field(out, f, i, root, typename, typename_len))
			continue;
		if (f->snake)
			value = getKeyJsonValueFromContainer(object, f->snake, f->snake_len, &buf);
		if (value == NULL)
			value = getKeyJsonValueFromContainer(object, f->name, f->name_len, &buf);

		if (value == NULL)
			appendBinaryStringInfo(out, "null", 4);
		else if (f->sub)
			project_value(out, value, f->sub);
		else
			fq_write_value(out, value);
	}
	appendStringInfoCharMacro(out, '}');
}

/* A json row as simdjson tokens */
typedef struct TokenDoc
{
	const FqSimdToken *tokens;
} TokenDoc;

static void project_token_object(StringInfo out, const TokenDoc *doc, int at,
								 const FqSelection *sel, const char *typename,
								 int typename_len, bool root);

/* Index of the value of the last key "name" in the object starting at "at" */
static int
find_token_key(const TokenDoc *doc, int at, const char *name, int len)
{
	int			found = -1;
	int			i = at + 1;

	while (doc->tokens[i].type != FQ_TOK_OBJECT_END)
	{
		const FqSimdToken *key = &doc->tokens[i];

		if (key->len == (size_t) len && memcmp(key->text, name, len) == 0)
			found = i + 1;
		i = doc->tokens[i + 1].end + 1;
	}
	return found;
}

/* A number as numeric_out would write it after numeric_in */
static void
write_token_number(StringInfo out, const FqSimdToken *tok)
{
	bool		canonical = true;
	size_t		i;

	/* exponents and negative zero are rewritten; other text is already canonical */
	for (i = 0; i < tok->len; i++)
		if (tok->text[i] == 'e' || tok->text[i] == 'E')
			canonical = false;
	if (canonical && tok->len >= 2 && tok->text[0] == '-' && tok->text[1] == '0' &&
		strspn(tok->text + 1, "0.") == tok->len - 1)
		canonical = false;
	if (canonical)
	{
		appendBinaryStringInfo(out, tok->text, tok->len);
		return;
	}
	appendStringInfoString(out,
						   DatumGetCString(DirectFunctionCall1(numeric_out,
															   DirectFunctionCall3(numeric_in,
																				   CStringGetDatum(pnstrdup(tok->text, tok->len)),
																				   ObjectIdGetDatum(InvalidOid),
																				   Int32GetDatum(-1)))));
}

/* The value at "at" written whole, as jsonb_out writes it */
static void
write_token_value(StringInfo out, const TokenDoc *doc, int at)
{
	const FqSimdToken *tok = &doc->tokens[at];

	switch (tok->type)
	{
		case FQ_TOK_STRING:
			fq_write_string(out, tok->text, tok->len);
			return;
		case FQ_TOK_NUMBER:
			write_token_number(out, tok);
			return;
		case FQ_TOK_TRUE:
			appendBinaryStringInfo(out, "true", 4);
			return;
		case FQ_TOK_FALSE:
			appendBinaryStringInfo(out, "false", 5);
			return;
		case FQ_TOK_NULL:
			appendBinaryStringInfo(out, "null", 4);
			return;
		default:
			{
				/* jsonb orders and deduplicates keys: let it */
				Jsonb	   *jb = fq_tokens_value_to_jsonb(doc->tokens, at);

				fq_write_container(out, &jb->root);
				pfree(jb);
			}
	}
}

/* project_value() over tokens */
static void
project_token_value(StringInfo out, const TokenDoc *doc, int at, const FqSelection *sub)
{
	FqSimdTokenType type = doc->tokens[at].type;

	if (type == FQ_TOK_OBJECT_BEGIN)
		project_token_object(out, doc, at, sub, NULL, 0, false);
	else if (type == FQ_TOK_ARRAY_BEGIN)
	{
		int			i = at + 1;
		bool		first = true;

		check_stack_depth();
		appendStringInfoCharMacro(out, '[');
		while (doc->tokens[i].type != FQ_TOK_ARRAY_END)
		{
			if (!first)
				appendBinaryStringInfo(out, ", ", 2);
			first = false;
			project_token_value(out, doc, i, sub);
			i = doc->tokens[i].end + 1;
		}
		appendStringInfoCharMacro(out, ']');
	}
	else
		write_token_value(out, doc, at);
}

/* project_object() over tokens */
static void
project_token_object(StringInfo out, const TokenDoc *doc, int at,
					 const FqSelection *sel, const char *typename,
					 int typename_len, bool root)
{
	int			i;

	check_stack_depth();
	appendStringInfoCharMacro(out, '{');
	for (i = 0; i < sel->nfields; i++)
	{
		const FqSelField *f = &sel->fields[i];
		int			value = -1;

		if (begin_field(out, f, i, root, typename, typename_len))
			continue;
		if (f->snake)
			value = find_token_key(doc, at, f->snake, f->snake_len);
		if (value < 0)
			value = find_token_key(doc, at, f->name, f->name_len);

		if (value < 0)
			appendBinaryStringInfo(out, "null", 4);
		else if (f->sub)
			project_token_value(out, doc, value, f->sub);
		else
			write_token_value(out, doc, value);
	}
	appendStringInfoCharMacro(out, '}');
}

/*
 * Projects a json row from simdjson's tokens.  Returns false, having
 * written nothing, when the row must go the jsonb way.
 */
static bool
render_json_tokens(StringInfo out, const FqRowFormat *format, text *t)
{
	const FqSimdToken *tokens;
	size_t		ntokens;
	FqSimdStatus status;
	TokenDoc	doc;

	status = fq_simd_tokenize(fq_simd_backend_parser(), VARDATA_ANY(t),
							  VARSIZE_ANY_EXHDR(t), &tokens, &ntokens);
	if (status == FQ_SIMD_NOMEM)
		fq_simd_out_of_memory(VARSIZE_ANY_EXHDR(t));
	/* a string holding \u0000 (UNSUPPORTED) goes to jsonb_in's error */
	if (status != FQ_SIMD_OK)
		return false;
	doc.tokens = tokens;

	if (tokens[0].type == FQ_TOK_OBJECT_BEGIN)
		project_token_object(out, &doc, 0, format->selection,
							 format->typename, format->typename_len, true);
	else
		appendBinaryStringInfo(out, "null", 4);
	return true;
}

/*
 * Appends the JSON text of one row's (non-null) data.
 */
void
fq_render_row(StringInfo out, const FqRowFormat *format, Datum data)
{
	Jsonb	   *jb;

	if (format->data_type == JSONOID && format->selection == NULL)
	{
		/* a json source's text is already what the client receives */
		text	   *t = DatumGetTextPP(data);

		appendBinaryStringInfo(out, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
		return;
	}

	if (format->data_type == JSONOID)
	{
		text	   *t = DatumGetTextPP(data);

		if (fq_enable_simd && GetDatabaseEncoding() == PG_UTF8 &&
			render_json_tokens(out, format, t))
			return;
		jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
												CStringGetDatum(text_to_cstring(t))));
	}
	else
		jb = DatumGetJsonbP(data);	/* detoasts when compressed or external */

	if (format->selection && JB_ROOT_IS_OBJECT(jb))
		project_object(out, &jb->root, format->selection,
					   format->typename, format->typename_len, true);
	else if (format->selection)
	{
		/* not an object: nothing to select from, as for a missing key */
		appendBinaryStringInfo(out, "null", 4);
	}
	else
		fq_write_container(out, &jb->root);

	if ((Pointer) jb != DatumGetPointer(data))
		pfree(jb);
}

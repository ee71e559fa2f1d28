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
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "fraiseql.h"
#include "jsonwrite.h"
#include "project.h"

static void project_object(StringInfo out, JsonbContainer *object,
						   const FqSelection *sel, const char *typename,
						   int typename_len, bool root);

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

		if (i > 0)
			appendBinaryStringInfo(out, ", ", 2);
		appendBinaryStringInfo(out, f->out_key, f->out_key_len);

		if (f->is_typename && root)
		{
			if (typename)
				fq_write_string(out, typename, typename_len);
			else
				appendBinaryStringInfo(out, "null", 4);
			continue;
		}
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
		jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
												CStringGetDatum(TextDatumGetCString(data))));
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

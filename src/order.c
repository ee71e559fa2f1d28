/*-------------------------------------------------------------------------
 *
 * order.c
 *	  Translates order_by into an ORDER BY clause (SPEC section 4).
 *
 * order_by is an array of items, each either
 *		{"field": "createdAt", "direction": "desc", "nulls": "last", "type": "timestamptz"}
 * or the short form {"createdAt": "DESC"}.  A single item may also be given
 * without the array.  "field" may be a dotted path into nested objects
 * ("profile.rank").  Without "type" a data key orders by its jsonb value
 * (numbers numerically, then jsonb's cross-type order); with "type" by
 * ((data->>k)::type).  A field naming a native column orders by the column.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "order.h"

static void
invalid_order(const char *message, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s", message),
			 hint ? errhint("%s", hint) : 0));
}

static bool
string_is(const JsonbValue *v, const char *s)
{
	return v->type == jbvString && v->val.string.len == (int) strlen(s) &&
		pg_strncasecmp(v->val.string.val, s, v->val.string.len) == 0;
}

/*
 * Appends the sort expression for a (possibly dotted) field path.
 */
static void
append_sort_key(FqQuery *query, const JsonbValue *field, Oid cast)
{
	const char *name;
	int			len;
	List	   *keys = NIL;
	int			start = 0;
	int			i;

	if (field->type != jbvString)
		invalid_order("order_by field must be a string", NULL);
	name = field->val.string.val;
	len = field->val.string.len;

	for (i = 0; i <= len; i++)
	{
		if (i == len || name[i] == '.')
		{
			fq_check_field_name(name + start, i - start);
			keys = lappend(keys, fq_storage_key(name + start, i - start));
			start = i + 1;
		}
	}

	if (list_length(keys) == 1)
	{
		const FqColumn *column = fq_source_find_column(query->source, linitial(keys));

		if (!column)
			column = fq_source_find_column(query->source, pnstrdup(name, len));
		if (column)
		{
			appendStringInfoString(&query->sql, quote_identifier(column->name));
			if (OidIsValid(cast))
				appendStringInfo(&query->sql, "::%s", fq_type_name(cast));
			return;
		}
	}

	if (OidIsValid(cast))
	{
		appendStringInfoString(&query->sql, "((");
		fq_append_data_path(query, keys, true);
		appendStringInfo(&query->sql, ")::%s)", fq_type_name(cast));
	}
	else
		fq_append_data_jsonb(query, keys);
}

static void
append_direction(FqQuery *query, const JsonbValue *direction)
{
	if (string_is(direction, "asc"))
		appendStringInfoString(&query->sql, " ASC");
	else if (string_is(direction, "desc"))
		appendStringInfoString(&query->sql, " DESC");
	else
		invalid_order("invalid order_by direction",
					  "Valid directions are \"asc\" and \"desc\".");
}

static void
append_item(FqQuery *query, JsonbContainer *item)
{
	JsonbValue	fieldbuf;
	JsonbValue *field = getKeyJsonValueFromContainer(item, "field", 5, &fieldbuf);

	if (field)
	{
		/* the long form */
		JsonbIterator *it = JsonbIteratorInit(item);
		JsonbValue	k;
		JsonbValue	v;
		JsonbValue	direction = {0};
		JsonbValue	nulls = {0};
		Oid			cast = InvalidOid;
		JsonbIteratorToken tok;

		while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
		{
			if (tok != WJB_KEY)
				continue;
			JsonbIteratorNext(&it, &v, true);
			if (string_is(&k, "field"))
				continue;
			else if (string_is(&k, "direction"))
				direction = v;
			else if (string_is(&k, "nulls"))
				nulls = v;
			else if (string_is(&k, "type"))
				cast = fq_cast_type(&v);
			else
				invalid_order(psprintf("unknown order_by key \"%.*s\"",
									   Min(k.val.string.len, 64), k.val.string.val),
							  "An order_by item has \"field\", and optionally \"direction\", \"nulls\" and \"type\".");
		}
		append_sort_key(query, field, cast);
		if (direction.type != jbvNull)	/* absent or JSON null: default */
			append_direction(query, &direction);
		if (nulls.type != jbvNull)
		{
			if (string_is(&nulls, "first"))
				appendStringInfoString(&query->sql, " NULLS FIRST");
			else if (string_is(&nulls, "last"))
				appendStringInfoString(&query->sql, " NULLS LAST");
			else
				invalid_order("invalid order_by nulls",
							  "Valid values are \"first\" and \"last\".");
		}
	}
	else
	{
		/* the short form: exactly one key */
		JsonbIterator *it;
		JsonbValue	k;
		JsonbValue	v;

		if (JsonContainerSize(item) != 1)
			invalid_order("an order_by item must have \"field\" or exactly one key",
						  "Write {\"field\": \"createdAt\", \"direction\": \"desc\"} or {\"createdAt\": \"desc\"}.");
		it = JsonbIteratorInit(item);
		JsonbIteratorNext(&it, &k, true);	/* WJB_BEGIN_OBJECT */
		JsonbIteratorNext(&it, &k, true);	/* WJB_KEY */
		JsonbIteratorNext(&it, &v, true);	/* WJB_VALUE */
		append_sort_key(query, &k, InvalidOid);
		append_direction(query, &v);
	}
}

void
fq_order_append(FqQuery *query, Jsonb *order_by)
{
	int			n;
	int			i;

	if (JB_ROOT_IS_OBJECT(order_by))
	{
		/* a single item without the array */
		if (JB_ROOT_COUNT(order_by) == 0)
			return;
		appendStringInfoString(&query->sql, " ORDER BY ");
		append_item(query, &order_by->root);
		return;
	}
	if (!JB_ROOT_IS_ARRAY(order_by) || JB_ROOT_IS_SCALAR(order_by))
		invalid_order("order_by must be an array of objects", NULL);

	n = JB_ROOT_COUNT(order_by);
	for (i = 0; i < n; i++)
	{
		JsonbValue *item = getIthJsonbValueFromContainer(&order_by->root, i);

		if (item->type != jbvBinary || !JsonContainerIsObject(item->val.binary.data))
			invalid_order("order_by must be an array of objects", NULL);
		appendStringInfoString(&query->sql, i == 0 ? " ORDER BY " : ", ");
		append_item(query, item->val.binary.data);
	}
}

/*-------------------------------------------------------------------------
 *
 * operators.c
 *	  The filter operators (SPEC section 3): the operator table, one SQL
 *	  writer per operator family, the checks of an operator's operand, and
 *	  the conversion of an operand into its bound parameter.
 *
 * filter.c walks a filter and hands each field's operator entries here
 * (fq_operator_find, fq_operator_append); this module calls nothing above
 * it.  The table is data: one row per spelling of an operator, naming its
 * family (which writer checks the operand and writes the SQL), the SQL
 * operator the writer puts between target and parameter, and how the
 * operand becomes that parameter (FqParamConv).  A new operator of an
 * existing family is one row; a new family is a writer and an entry in
 * writers[].  The hint that lists the valid operators is made from the
 * table.
 *
 * The SQL written depends only on the operator, the operand's kind and a
 * "type" cast, never on the operand's value, which becomes a parameter;
 * fq_filter_param_value is the one place that converts an operand, so that
 * shape.c can recompute a later call's parameters without translating.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "regex/regex.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "operators.h"

typedef void (*OperatorWriter) (FqFilterContext *cx, const FqFilterTarget *t,
								const FqOperator *op, const JsonbValue *value,
								Oid cast);

/*
 * Operators by canonical spelling: lower case without underscores, so that
 * "startswith", "startsWith" and "starts_with" are one operator.  "name" is
 * the operator as error messages and the hint spell it (an alias repeats
 * the name of the operator it stands for).
 */
static const FqOperator operators[] =
{
	/* canonical, name, family, sql, conv */
	{"eq", "eq", FQ_OPF_COMPARISON, "=", FQ_PARAM_SCALAR},
	{"neq", "neq", FQ_OPF_COMPARISON, "<>", FQ_PARAM_SCALAR},
	{"gt", "gt", FQ_OPF_COMPARISON, ">", FQ_PARAM_SCALAR},
	{"gte", "gte", FQ_OPF_COMPARISON, ">=", FQ_PARAM_SCALAR},
	{"lt", "lt", FQ_OPF_COMPARISON, "<", FQ_PARAM_SCALAR},
	{"lte", "lte", FQ_OPF_COMPARISON, "<=", FQ_PARAM_SCALAR},
	{"in", "in", FQ_OPF_LIST, NULL, FQ_PARAM_LIST},
	{"nin", "nin", FQ_OPF_NOT_LIST, NULL, FQ_PARAM_LIST},
	{"notin", "nin", FQ_OPF_NOT_LIST, NULL, FQ_PARAM_LIST},
	{"isnull", "isnull", FQ_OPF_ISNULL, NULL, FQ_PARAM_NONE},
	{"contains", "contains", FQ_OPF_STRING, "LIKE", FQ_PARAM_CONTAINS},
	{"icontains", "icontains", FQ_OPF_STRING, "ILIKE", FQ_PARAM_CONTAINS},
	{"startswith", "startswith", FQ_OPF_STRING, "LIKE", FQ_PARAM_PREFIX},
	{"istartswith", "istartswith", FQ_OPF_STRING, "ILIKE", FQ_PARAM_PREFIX},
	{"endswith", "endswith", FQ_OPF_STRING, "LIKE", FQ_PARAM_SUFFIX},
	{"iendswith", "iendswith", FQ_OPF_STRING, "ILIKE", FQ_PARAM_SUFFIX},
	{"like", "like", FQ_OPF_STRING, "LIKE", FQ_PARAM_LIKE},
	{"ilike", "ilike", FQ_OPF_STRING, "ILIKE", FQ_PARAM_LIKE},
	{"regex", "regex", FQ_OPF_STRING, "~", FQ_PARAM_REGEX},
	{"iregex", "iregex", FQ_OPF_STRING, "~*", FQ_PARAM_IREGEX},
	{"arraycontains", "array_contains", FQ_OPF_JSONB, "@>", FQ_PARAM_JSONB},
	{"arraycontainedby", "array_contained_by", FQ_OPF_JSONB, "<@", FQ_PARAM_JSONB},
	{"arrayoverlaps", "array_overlaps", FQ_OPF_ANY_KEY, "?|", FQ_PARAM_LIST},
	{"leneq", "len_eq", FQ_OPF_LENGTH, "=", FQ_PARAM_LENGTH},
	{"lengt", "len_gt", FQ_OPF_LENGTH, ">", FQ_PARAM_LENGTH},
	{"lengte", "len_gte", FQ_OPF_LENGTH, ">=", FQ_PARAM_LENGTH},
	{"lenlt", "len_lt", FQ_OPF_LENGTH, "<", FQ_PARAM_LENGTH},
	{"lenlte", "len_lte", FQ_OPF_LENGTH, "<=", FQ_PARAM_LENGTH},
	{"haskey", "has_key", FQ_OPF_HAS_KEY, "?", FQ_PARAM_SCALAR},
};

const FqOperator *
fq_operator_find(const char *key, int len)
{
	char		canonical[32];
	int			n = 0;
	int			i;

	for (i = 0; i < len; i++)
	{
		if (key[i] == '_')
			continue;
		if (n == (int) sizeof(canonical) - 1)
			return NULL;
		canonical[n++] = pg_ascii_tolower((unsigned char) key[i]);
	}
	canonical[n] = '\0';
	for (i = 0; i < (int) lengthof(operators); i++)
		if (strcmp(operators[i].canonical, canonical) == 0)
			return &operators[i];
	return NULL;
}

/*
 * "Valid operators are eq, neq, ... and has_key (camelCase spellings too).":
 * every operator's name once, in table order (aliases, which repeat a
 * name, left out), made once per backend.
 */
const char *
fq_operator_hint(void)
{
	static char *hint = NULL;
	StringInfoData buf;
	const char *names[lengthof(operators)];
	int			nnames = 0;
	int			i;
	int			j;
	MemoryContext old;

	if (hint)
		return hint;
	for (i = 0; i < (int) lengthof(operators); i++)
	{
		for (j = 0; j < nnames; j++)
			if (strcmp(names[j], operators[i].name) == 0)
				break;
		if (j == nnames)
			names[nnames++] = operators[i].name;
	}
	old = MemoryContextSwitchTo(TopMemoryContext);
	initStringInfo(&buf);
	appendStringInfoString(&buf, "Valid operators are ");
	for (i = 0; i < nnames; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, i == nnames - 1 ? " and " : ", ");
		appendStringInfoString(&buf, names[i]);
	}
	appendStringInfoString(&buf, " (camelCase spellings too).");
	MemoryContextSwitchTo(old);
	hint = buf.data;
	return hint;
}

static void
wrong_value(const char *op, const FqFilterTarget *t, const char *expected)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("operator \"%s\" on field \"%s\" expects %s", op, t->field, expected)));
}

/*
 * Appends the target as text: data->'a'->>'k', or the column (cast to text
 * for the string operators when it is not text already).
 */
static void
append_text_target(FqFilterContext *cx, const FqFilterTarget *t, bool need_text)
{
	if (t->column)
	{
		appendStringInfoString(cx->sql, quote_identifier(t->column->name));
		if (need_text && t->column->typid != TEXTOID)
			appendStringInfoString(cx->sql, "::text");
	}
	else
	{
		appendStringInfoChar(cx->sql, '(');
		fq_append_data_path(cx->query, t->keys, true);
		appendStringInfoChar(cx->sql, ')');
	}
}

/*
 * Appends the target as jsonb, for the array / jsonb operators.
 */
static void
append_jsonb_target(FqFilterContext *cx, const FqFilterTarget *t, const char *op)
{
	if (t->column)
	{
		if (t->column->typid != JSONBOID)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("operator \"%s\" needs a jsonb value, but column \"%s\" is of type %s",
							op, t->column->name, format_type_be(t->column->typid))));
		appendStringInfoString(cx->sql, quote_identifier(t->column->name));
	}
	else
		fq_append_data_jsonb(cx->query, t->keys);
}

/*
 * Appends the target typed for comparison with a value of type "type":
 * ((data->>'k')::numeric), or the column (cast only when "type" was given).
 */
static void
append_typed_target(FqFilterContext *cx, const FqFilterTarget *t, Oid type, bool explicit_cast)
{
	if (t->column)
	{
		appendStringInfoString(cx->sql, quote_identifier(t->column->name));
		if (explicit_cast)
			appendStringInfo(cx->sql, "::%s", fq_type_name(type));
	}
	else if (type == TEXTOID)
		append_text_target(cx, t, false);
	else
	{
		appendStringInfoString(cx->sql, "((");
		fq_append_data_path(cx->query, t->keys, true);
		appendStringInfo(cx->sql, ")::%s)", fq_type_name(type));
	}
}

/*
 * The type a scalar value is compared as, when neither the column nor a
 * "type" entry fixes it: string -> text, number -> numeric, boolean.
 */
static Oid
scalar_type(const JsonbValue *value)
{
	switch (value->type)
	{
		case jbvString:
			return TEXTOID;
		case jbvNumeric:
			return NUMERICOID;
		case jbvBool:
			return BOOLOID;
		default:
			return InvalidOid;
	}
}

/*
 * A JSON scalar as a Datum of "type", through the type's input function
 * unless the value already has that type.
 */
static Datum
scalar_datum(const JsonbValue *value, Oid type)
{
	Oid			infunc;
	Oid			ioparam;

	if (type == TEXTOID && value->type == jbvString)
		return PointerGetDatum(cstring_to_text_with_len(value->val.string.val,
														value->val.string.len));
	if (type == NUMERICOID && value->type == jbvNumeric)
		return NumericGetDatum(value->val.numeric);
	if (type == BOOLOID && value->type == jbvBool)
		return BoolGetDatum(value->val.boolean);

	getTypeInputInfo(type, &infunc, &ioparam);
	return OidInputFunctionCall(infunc, fq_jsonb_value_text(value), ioparam, -1);
}

/* LIKE pattern text with %, _ and \ escaped (backslash is LIKE's default escape) */
static char *
like_pattern(const JsonbValue *value, bool leading, bool trailing)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	if (leading)
		appendStringInfoChar(&buf, '%');
	for (i = 0; i < value->val.string.len; i++)
	{
		char		c = value->val.string.val[i];

		if (c == '%' || c == '_' || c == '\\')
			appendStringInfoChar(&buf, '\\');
		appendStringInfoChar(&buf, c);
	}
	if (trailing)
		appendStringInfoChar(&buf, '%');
	return buf.data;
}

/*
 * The patterns of like / ilike and regex / iregex are checked here, so that
 * an invalid one fails every call.  PostgreSQL finds a pattern invalid only
 * when a comparison gets that far; a custom plan compares it with the
 * column's most common values while estimating selectivity, but a generic
 * plan, which a cached shape soon runs, compares nothing on a call that
 * reaches no row, which would then return nothing where the plain SQL with
 * the pattern written in fails.
 */

/* A LIKE pattern as written, refused as LIKE refuses it: ending in an escape */
static Datum
like_datum(const JsonbValue *value)
{
	const char *pattern = value->val.string.val;
	int			len = value->val.string.len;
	int			i = 0;

	/* a byte scan will do: no server encoding has '\\' inside a character */
	while (i < len)
	{
		if (pattern[i] == '\\' && i + 1 == len)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_ESCAPE_SEQUENCE),
					 errmsg("LIKE pattern must not end with escape character")));
		i += pattern[i] == '\\' ? 2 : 1;
	}
	return PointerGetDatum(cstring_to_text_with_len(pattern, len));
}

/*
 * A regex pattern, compiled with the flags and collation ~ and ~* use on a
 * data key, so that the scan finds it in PostgreSQL's regex cache.
 */
static Datum
regex_datum(const JsonbValue *value, bool case_insensitive)
{
	text	   *pattern = cstring_to_text_with_len(value->val.string.val,
												   value->val.string.len);

	(void) RE_compile_and_cache(pattern,
								REG_ADVANCED | (case_insensitive ? REG_ICASE : 0),
								DEFAULT_COLLATION_OID);
	return PointerGetDatum(pattern);
}

/*
 * A non-negative integer of at most nine digits, as len_* takes it.
 */
static bool
length_datum(const JsonbValue *value, Datum *result)
{
	char	   *digits;

	if (value->type != jbvNumeric)
		return false;
	digits = fq_jsonb_value_text(value);
	if (digits[0] == '\0' || strspn(digits, "0123456789") != strlen(digits) ||
		strlen(digits) > 9)
		return false;
	*result = Int32GetDatum(atoi(digits));
	return true;
}

/*
 * An array of scalars as an array of elem_type.
 */
static Datum
list_datum(const JsonbValue *value, Oid elem_type)
{
	JsonbContainer *array = value->val.binary.data;
	int			n = JsonContainerSize(array);
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			i;

	for (i = 0; i < n; i++)
		elems[i] = scalar_datum(getIthJsonbValueFromContainer(array, i), elem_type);
	get_typlenbyvalalign(elem_type, &typlen, &typbyval, &typalign);
	return PointerGetDatum(construct_array(elems, n, elem_type,
										   typlen, typbyval, typalign));
}

/*
 * The value of a parameter from the filter value it comes from, converted
 * as "source" says.  Returns false when a len_* value is not a non-negative
 * integer (the caller reports it); the types' input functions raise their
 * own errors.  The translator has checked the value's kind already.
 */
bool
fq_filter_param_value(const FqParamSource *source, const JsonbValue *value,
					  Datum *result)
{
	switch (source->conv)
	{
		case FQ_PARAM_SCALAR:
			*result = scalar_datum(value, source->elem_type);
			return true;
		case FQ_PARAM_LIST:
			*result = list_datum(value, source->elem_type);
			return true;
		case FQ_PARAM_CONTAINS:
			*result = CStringGetTextDatum(like_pattern(value, true, true));
			return true;
		case FQ_PARAM_PREFIX:
			*result = CStringGetTextDatum(like_pattern(value, false, true));
			return true;
		case FQ_PARAM_SUFFIX:
			*result = CStringGetTextDatum(like_pattern(value, true, false));
			return true;
		case FQ_PARAM_LIKE:
			*result = like_datum(value);
			return true;
		case FQ_PARAM_REGEX:
		case FQ_PARAM_IREGEX:
			*result = regex_datum(value, source->conv == FQ_PARAM_IREGEX);
			return true;
		case FQ_PARAM_JSONB:
			*result = JsonbPGetDatum(JsonbValueToJsonb((JsonbValue *) value));
			return true;
		case FQ_PARAM_LENGTH:
			return length_datum(value, result);
		default:
			elog(ERROR, "unexpected filter parameter conversion %d", (int) source->conv);
	}
	return false;				/* keep compiler quiet */
}

/*
 * Appends the parameter made from the operator value being translated.
 */
static void
append_value_param(FqFilterContext *cx, const FqFilterTarget *t,
				   const FqOperator *op, const JsonbValue *value,
				   FqParamConv conv, Oid elem_type, Oid param_type)
{
	FqParamSource source;
	Datum		datum;

	source.conv = conv;
	source.elem_type = elem_type;
	source.parent = cx->value_parent;
	source.position = cx->value_position;
	if (!fq_filter_param_value(&source, value, &datum))
		wrong_value(op->name, t, "a non-negative integer");
	fq_query_append_param(cx->query, param_type, datum, &source);
}

/*
 * The comparison operators eq neq gt gte lt lte.
 */
static void
write_comparison(FqFilterContext *cx, const FqFilterTarget *t,
				 const FqOperator *op, const JsonbValue *value, Oid cast)
{
	Oid			type = cast;

	if (scalar_type(value) == InvalidOid)
		wrong_value(op->name, t, "a string, number or boolean");
	if (!OidIsValid(type))
		type = t->column ? t->column->typid : scalar_type(value);

	append_typed_target(cx, t, type, OidIsValid(cast));
	appendStringInfo(cx->sql, " %s ", op->sql);
	append_value_param(cx, t, op, value, op->conv, type, type);
}

/*
 * in / nin: one array parameter whatever the list length.
 */
static void
write_list(FqFilterContext *cx, const FqFilterTarget *t,
		   const FqOperator *op, const JsonbValue *value, Oid cast)
{
	JsonbContainer *array;
	int			n;
	int			i;
	Oid			type = cast;
	Oid			arraytype;
	bool		negated = op->family == FQ_OPF_NOT_LIST;

	if (!fq_is_container(value, false))
		wrong_value(op->name, t, "an array");
	array = value->val.binary.data;
	n = JsonContainerSize(array);

	/* without a cast or a column, the elements' common kind decides */
	if (!OidIsValid(type) && t->column)
		type = t->column->typid;
	for (i = 0; i < n; i++)
	{
		JsonbValue *elem = getIthJsonbValueFromContainer(array, i);
		Oid			kind = scalar_type(elem);

		if (kind == InvalidOid)
			wrong_value(op->name, t, "an array of strings, numbers or booleans");
		if (!OidIsValid(cast) && !t->column)
		{
			if (OidIsValid(type) && type != kind)
				wrong_value(op->name, t,
							"an array whose elements are all of one kind");
			type = kind;
		}
	}
	if (!OidIsValid(type))
		type = TEXTOID;
	arraytype = get_array_type(type);
	if (!OidIsValid(arraytype))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("operator \"%s\" is not supported for type %s",
						op->name, format_type_be(type))));

	if (negated)
		appendStringInfoString(cx->sql, "NOT (");
	append_typed_target(cx, t, type, OidIsValid(cast));
	appendStringInfoString(cx->sql, " = ANY(");
	append_value_param(cx, t, op, value, op->conv, type, arraytype);
	appendStringInfoChar(cx->sql, ')');
	if (negated)
		appendStringInfoChar(cx->sql, ')');
}

/*
 * isnull: true or false, which shapes the SQL (IS NULL / IS NOT NULL) and
 * binds no parameter.
 */
static void
write_isnull(FqFilterContext *cx, const FqFilterTarget *t,
			 const FqOperator *op, const JsonbValue *value, Oid cast)
{
	if (value->type != jbvBool)
		wrong_value(op->name, t, "true or false");
	append_text_target(cx, t, false);
	appendStringInfoString(cx->sql, value->val.boolean ? " IS NULL" : " IS NOT NULL");
}

/*
 * contains icontains startswith istartswith endswith iendswith like ilike
 * regex iregex: the target as text, the SQL operator, the pattern made as
 * the row's conversion says.
 */
static void
write_string(FqFilterContext *cx, const FqFilterTarget *t,
			 const FqOperator *op, const JsonbValue *value, Oid cast)
{
	if (value->type != jbvString)
		wrong_value(op->name, t, "a string");
	append_text_target(cx, t, true);
	appendStringInfo(cx->sql, " %s ", op->sql);
	append_value_param(cx, t, op, value, op->conv, TEXTOID, TEXTOID);
}

/*
 * array_contains array_contained_by: any JSON value but null, as jsonb.
 */
static void
write_jsonb(FqFilterContext *cx, const FqFilterTarget *t,
			const FqOperator *op, const JsonbValue *value, Oid cast)
{
	if (value->type == jbvNull)
		wrong_value(op->name, t, "a JSON value other than null");
	append_jsonb_target(cx, t, op->name);
	appendStringInfo(cx->sql, " %s ", op->sql);
	append_value_param(cx, t, op, value, op->conv, InvalidOid, JSONBOID);
}

/*
 * array_overlaps: an array of strings, bound as text[].
 */
static void
write_any_key(FqFilterContext *cx, const FqFilterTarget *t,
			  const FqOperator *op, const JsonbValue *value, Oid cast)
{
	JsonbContainer *array;
	int			n;
	int			i;

	if (!fq_is_container(value, false))
		wrong_value(op->name, t, "an array of strings");
	array = value->val.binary.data;
	n = JsonContainerSize(array);
	for (i = 0; i < n; i++)
		if (getIthJsonbValueFromContainer(array, i)->type != jbvString)
			wrong_value(op->name, t, "an array of strings");
	append_jsonb_target(cx, t, op->name);
	appendStringInfo(cx->sql, " %s ", op->sql);
	append_value_param(cx, t, op, value, op->conv, TEXTOID, TEXTARRAYOID);
}

/*
 * has_key: a string.
 */
static void
write_has_key(FqFilterContext *cx, const FqFilterTarget *t,
			  const FqOperator *op, const JsonbValue *value, Oid cast)
{
	if (value->type != jbvString)
		wrong_value(op->name, t, "a string");
	append_jsonb_target(cx, t, op->name);
	appendStringInfo(cx->sql, " %s ", op->sql);
	append_value_param(cx, t, op, value, op->conv, TEXTOID, TEXTOID);
}

/*
 * len_*: only arrays have a length; anything else (a scalar, JSON null, a
 * missing key) does not match rather than aborting the query as
 * jsonb_array_length would.
 */
static void
write_length(FqFilterContext *cx, const FqFilterTarget *t,
			 const FqOperator *op, const JsonbValue *value, Oid cast)
{
	if (value->type != jbvNumeric)
		wrong_value(op->name, t, "a non-negative integer");
	appendStringInfoString(cx->sql, "jsonb_array_length(CASE jsonb_typeof(");
	append_jsonb_target(cx, t, op->name);
	appendStringInfoString(cx->sql, ") WHEN 'array' THEN ");
	append_jsonb_target(cx, t, op->name);
	appendStringInfo(cx->sql, " END) %s ", op->sql);
	append_value_param(cx, t, op, value, op->conv, InvalidOid, INT4OID);
}

/* The writer of each family (FqOperatorFamily) */
static const OperatorWriter writers[] =
{
	[FQ_OPF_COMPARISON] = write_comparison,
	[FQ_OPF_LIST] = write_list,
	[FQ_OPF_NOT_LIST] = write_list,
	[FQ_OPF_ISNULL] = write_isnull,
	[FQ_OPF_STRING] = write_string,
	[FQ_OPF_JSONB] = write_jsonb,
	[FQ_OPF_ANY_KEY] = write_any_key,
	[FQ_OPF_HAS_KEY] = write_has_key,
	[FQ_OPF_LENGTH] = write_length,
};

StaticAssertDecl(lengthof(writers) == FQ_OPF_COUNT,
				 "every operator family needs a writer");

/*
 * Appends one operator entry of a field's operator object: the condition
 * "op" makes of the target and the operand "value", whose container and
 * position cx->value_parent / value_position give.  "cast" is the object's
 * "type" entry, or InvalidOid.
 */
void
fq_operator_append(FqFilterContext *cx, const FqFilterTarget *t,
				   const FqOperator *op, const JsonbValue *value, Oid cast)
{
	if (value->type == jbvNull)
		wrong_value(op->name, t,
					op->family == FQ_OPF_ISNULL ? "true or false"
					: "a value, not null (use isnull to test for null)");
	writers[op->family] (cx, t, op, value, cast);
}

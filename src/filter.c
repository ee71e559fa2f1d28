/*-------------------------------------------------------------------------
 *
 * filter.c
 *	  Translates a FraiseQL WHERE input into a SQL predicate (SPEC section 3).
 *
 * A filter is an object of field: {operator: value} entries, ANDed.  Logical
 * keys _and/_or/_not (AND/OR/NOT) combine sub-filters; a field whose value
 * holds no operator key is a nested object path.  A top-level field naming
 * a native column of the source filters that column, typed by the column.
 *
 * Every operand becomes a parameter; keys become quoted literals.  The
 * text written depends only on the filter's shape -- its keys, the kinds of
 * its operands, and the two values that are not operands, a "type" cast and
 * isnull's true/false -- so equal shapes give equal SQL and share a plan.
 *
 * Each parameter records the filter value it comes from and how it was
 * converted (FqParamSource), and fq_filter_param_value is the one place
 * that converts.  shape.c relies on two rules to reuse a translation for a
 * later call: a parameter's value depends only on its own filter value, and
 * the SQL text depends on that value only through its kind (for an array of
 * scalars, the set of its elements' kinds, never its length; for an object,
 * its keys).  Any other filter value may shape the SQL freely: shape.c only
 * reuses a translation when those values are equal.
 *
 * Predicates keep SQL's three-valued logic: a row whose key is missing
 * matches neither "eq" nor "neq", exactly as the equivalent hand-written
 * WHERE clause.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "regex/regex.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#include "filter.h"

typedef enum FilterOp
{
	OP_EQ, OP_NEQ, OP_GT, OP_GTE, OP_LT, OP_LTE,
	OP_IN, OP_NIN,
	OP_ISNULL,
	OP_CONTAINS, OP_ICONTAINS, OP_STARTSWITH, OP_ISTARTSWITH,
	OP_ENDSWITH, OP_IENDSWITH, OP_LIKE, OP_ILIKE, OP_REGEX, OP_IREGEX,
	OP_ARRAY_CONTAINS, OP_ARRAY_CONTAINED_BY, OP_ARRAY_OVERLAPS,
	OP_LEN_EQ, OP_LEN_GT, OP_LEN_GTE, OP_LEN_LT, OP_LEN_LTE,
	OP_HAS_KEY,
	OP_NONE
} FilterOp;

/*
 * Operators by canonical spelling: lower case without underscores, so that
 * "startswith", "startsWith" and "starts_with" are one operator.  "sql" is
 * the SQL operator for comparisons, LIKE-family and length operators.
 */
static const struct
{
	const char *canonical;
	const char *name;			/* as the error messages spell it */
	FilterOp	op;
	const char *sql;
}			operators[] =
{
	{"eq", "eq", OP_EQ, "="},
	{"neq", "neq", OP_NEQ, "<>"},
	{"gt", "gt", OP_GT, ">"},
	{"gte", "gte", OP_GTE, ">="},
	{"lt", "lt", OP_LT, "<"},
	{"lte", "lte", OP_LTE, "<="},
	{"in", "in", OP_IN, NULL},
	{"nin", "nin", OP_NIN, NULL},
	{"notin", "nin", OP_NIN, NULL},
	{"isnull", "isnull", OP_ISNULL, NULL},
	{"contains", "contains", OP_CONTAINS, "LIKE"},
	{"icontains", "icontains", OP_ICONTAINS, "ILIKE"},
	{"startswith", "startswith", OP_STARTSWITH, "LIKE"},
	{"istartswith", "istartswith", OP_ISTARTSWITH, "ILIKE"},
	{"endswith", "endswith", OP_ENDSWITH, "LIKE"},
	{"iendswith", "iendswith", OP_IENDSWITH, "ILIKE"},
	{"like", "like", OP_LIKE, "LIKE"},
	{"ilike", "ilike", OP_ILIKE, "ILIKE"},
	{"regex", "regex", OP_REGEX, "~"},
	{"iregex", "iregex", OP_IREGEX, "~*"},
	{"arraycontains", "array_contains", OP_ARRAY_CONTAINS, "@>"},
	{"arraycontainedby", "array_contained_by", OP_ARRAY_CONTAINED_BY, "<@"},
	{"arrayoverlaps", "array_overlaps", OP_ARRAY_OVERLAPS, "?|"},
	{"leneq", "len_eq", OP_LEN_EQ, "="},
	{"lengt", "len_gt", OP_LEN_GT, ">"},
	{"lengte", "len_gte", OP_LEN_GTE, ">="},
	{"lenlt", "len_lt", OP_LEN_LT, "<"},
	{"lenlte", "len_lte", OP_LEN_LTE, "<="},
	{"haskey", "has_key", OP_HAS_KEY, "?"},
};

#define OPERATOR_HINT "Valid operators are eq, neq, gt, gte, lt, lte, in, nin, isnull, " \
	"contains, icontains, startswith, istartswith, endswith, iendswith, like, ilike, " \
	"regex, iregex, array_contains, array_contained_by, array_overlaps, " \
	"len_eq, len_gt, len_gte, len_lt, len_lte and has_key (camelCase spellings too)."

/* What a condition applies to: a native column, or a key path in data */
typedef struct Target
{
	const FqColumn *column;		/* NULL for a data key path */
	List	   *keys;			/* storage keys, outermost first */
	const char *field;			/* the field as written, for messages */
} Target;

typedef struct FilterContext
{
	FqQuery    *query;
	StringInfo	sql;			/* = &query->sql */
	/* the operator value being translated: its container and position */
	const JsonbContainer *value_parent;
	int			value_position;
} FilterContext;

static void translate_object(FilterContext *cx, JsonbContainer *object,
							 List *prefix, int depth);

static int
find_operator(const char *key, int len)
{
	char		canonical[32];
	int			n = 0;
	int			i;

	for (i = 0; i < len; i++)
	{
		if (key[i] == '_')
			continue;
		if (n == (int) sizeof(canonical) - 1)
			return -1;
		canonical[n++] = pg_ascii_tolower((unsigned char) key[i]);
	}
	canonical[n] = '\0';
	for (i = 0; i < (int) lengthof(operators); i++)
		if (strcmp(operators[i].canonical, canonical) == 0)
			return i;
	return -1;
}

static bool
key_is(const JsonbValue *key, const char *name)
{
	return key->val.string.len == (int) strlen(name) &&
		memcmp(key->val.string.val, name, key->val.string.len) == 0;
}

static bool
is_container(const JsonbValue *value, bool object)
{
	return value->type == jbvBinary &&
		(object ? JsonContainerIsObject(value->val.binary.data)
		 : JsonContainerIsArray(value->val.binary.data));
}

int			fq_max_filter_depth = 32;

/* Defines fraiseql.max_filter_depth (SPEC section 9), which check_depth applies */
void
fq_filter_init(void)
{
	DefineCustomIntVariable("fraiseql.max_filter_depth",
							"Maximum nesting depth of a filter (WHERE input).",
							NULL,
							&fq_max_filter_depth,
							32, 1, 1000,
							PGC_USERSET, 0,
							NULL, NULL, NULL);
}

static void
check_depth(int depth)
{
	check_stack_depth();
	if (depth > fq_max_filter_depth)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("filter is nested too deeply"),
				 errdetail("The filter nests more than %d levels.", fq_max_filter_depth),
				 errhint("Raise fraiseql.max_filter_depth if such a filter is intended.")));
}

/*
 * Does this object hold operators (rather than nested fields)?
 */
static bool
is_operator_object(JsonbContainer *object)
{
	JsonbIterator *it = JsonbIteratorInit(object);
	JsonbValue	v;
	JsonbIteratorToken tok;

	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY &&
			(key_is(&v, "type") ||
			 find_operator(v.val.string.val, v.val.string.len) >= 0))
			return true;
	}
	return false;
}

static void
wrong_value(const char *op, const Target *t, const char *expected)
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
append_text_target(FilterContext *cx, const Target *t, bool need_text)
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
append_jsonb_target(FilterContext *cx, const Target *t, const char *op)
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
append_typed_target(FilterContext *cx, const Target *t, Oid type, bool explicit_cast)
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
append_value_param(FilterContext *cx, const Target *t, int opno,
				   const JsonbValue *value, FqParamConv conv, Oid elem_type,
				   Oid param_type)
{
	FqParamSource source;
	Datum		datum;

	source.conv = conv;
	source.elem_type = elem_type;
	source.parent = cx->value_parent;
	source.position = cx->value_position;
	if (!fq_filter_param_value(&source, value, &datum))
		wrong_value(operators[opno].name, t, "a non-negative integer");
	fq_query_append_param(cx->query, param_type, datum, &source);
}

/*
 * The comparison operators eq neq gt gte lt lte.
 */
static void
emit_comparison(FilterContext *cx, const Target *t, int opno,
				const JsonbValue *value, Oid cast)
{
	Oid			type = cast;

	if (scalar_type(value) == InvalidOid)
		wrong_value(operators[opno].name, t, "a string, number or boolean");
	if (!OidIsValid(type))
		type = t->column ? t->column->typid : scalar_type(value);

	append_typed_target(cx, t, type, OidIsValid(cast));
	appendStringInfo(cx->sql, " %s ", operators[opno].sql);
	append_value_param(cx, t, opno, value, FQ_PARAM_SCALAR, type, type);
}

/*
 * in / nin: one array parameter whatever the list length.
 */
static void
emit_list(FilterContext *cx, const Target *t, int opno,
		  const JsonbValue *value, Oid cast)
{
	JsonbContainer *array;
	int			n;
	int			i;
	Oid			type = cast;
	Oid			arraytype;

	if (!is_container(value, false))
		wrong_value(operators[opno].name, t, "an array");
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
			wrong_value(operators[opno].name, t, "an array of strings, numbers or booleans");
		if (!OidIsValid(cast) && !t->column)
		{
			if (OidIsValid(type) && type != kind)
				wrong_value(operators[opno].name, t,
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
						operators[opno].name, format_type_be(type))));

	if (operators[opno].op == OP_NIN)
		appendStringInfoString(cx->sql, "NOT (");
	append_typed_target(cx, t, type, OidIsValid(cast));
	appendStringInfoString(cx->sql, " = ANY(");
	append_value_param(cx, t, opno, value, FQ_PARAM_LIST, type, arraytype);
	appendStringInfoChar(cx->sql, ')');
	if (operators[opno].op == OP_NIN)
		appendStringInfoChar(cx->sql, ')');
}

/*
 * contains icontains startswith istartswith endswith iendswith like ilike
 * regex iregex.
 */
static void
emit_string(FilterContext *cx, const Target *t, int opno, const JsonbValue *value)
{
	FqParamConv conv;

	if (value->type != jbvString)
		wrong_value(operators[opno].name, t, "a string");

	switch (operators[opno].op)
	{
		case OP_CONTAINS:
		case OP_ICONTAINS:
			conv = FQ_PARAM_CONTAINS;
			break;
		case OP_STARTSWITH:
		case OP_ISTARTSWITH:
			conv = FQ_PARAM_PREFIX;
			break;
		case OP_ENDSWITH:
		case OP_IENDSWITH:
			conv = FQ_PARAM_SUFFIX;
			break;
		case OP_LIKE:
		case OP_ILIKE:
			conv = FQ_PARAM_LIKE;
			break;
		case OP_REGEX:
			conv = FQ_PARAM_REGEX;
			break;
		case OP_IREGEX:
			conv = FQ_PARAM_IREGEX;
			break;
		default:
			elog(ERROR, "unexpected string operator %s", operators[opno].name);
			conv = FQ_PARAM_SCALAR; /* keep compiler quiet */
			break;
	}
	append_text_target(cx, t, true);
	appendStringInfo(cx->sql, " %s ", operators[opno].sql);
	append_value_param(cx, t, opno, value, conv, TEXTOID, TEXTOID);
}

/*
 * array_contains array_contained_by array_overlaps has_key len_*.
 */
static void
emit_jsonb(FilterContext *cx, const Target *t, int opno, const JsonbValue *value)
{
	FilterOp	op = operators[opno].op;
	const char *name = operators[opno].name;

	switch (op)
	{
		case OP_ARRAY_CONTAINS:
		case OP_ARRAY_CONTAINED_BY:
			if (value->type == jbvNull)
				wrong_value(name, t, "a JSON value other than null");
			append_jsonb_target(cx, t, name);
			appendStringInfo(cx->sql, " %s ", operators[opno].sql);
			append_value_param(cx, t, opno, value, FQ_PARAM_JSONB, InvalidOid, JSONBOID);
			break;
		case OP_ARRAY_OVERLAPS:
			{
				JsonbContainer *array;
				int			n;
				int			i;

				if (!is_container(value, false))
					wrong_value(name, t, "an array of strings");
				array = value->val.binary.data;
				n = JsonContainerSize(array);
				for (i = 0; i < n; i++)
					if (getIthJsonbValueFromContainer(array, i)->type != jbvString)
						wrong_value(name, t, "an array of strings");
				append_jsonb_target(cx, t, name);
				appendStringInfoString(cx->sql, " ?| ");
				append_value_param(cx, t, opno, value, FQ_PARAM_LIST, TEXTOID,
								   TEXTARRAYOID);
				break;
			}
		case OP_HAS_KEY:
			if (value->type != jbvString)
				wrong_value(name, t, "a string");
			append_jsonb_target(cx, t, name);
			appendStringInfoString(cx->sql, " ? ");
			append_value_param(cx, t, opno, value, FQ_PARAM_SCALAR, TEXTOID, TEXTOID);
			break;
		default:
			{
				/*
				 * len_*: only arrays have a length; anything else (a scalar,
				 * JSON null, a missing key) does not match rather than
				 * aborting the query as jsonb_array_length would.
				 */
				if (value->type != jbvNumeric)
					wrong_value(name, t, "a non-negative integer");
				appendStringInfoString(cx->sql, "jsonb_array_length(CASE jsonb_typeof(");
				append_jsonb_target(cx, t, name);
				appendStringInfoString(cx->sql, ") WHEN 'array' THEN ");
				append_jsonb_target(cx, t, name);
				appendStringInfo(cx->sql, " END) %s ", operators[opno].sql);
				append_value_param(cx, t, opno, value, FQ_PARAM_LENGTH, InvalidOid,
								   INT4OID);
				break;
			}
	}
}

/*
 * One field's operator object: {"gte": 10, "lt": 20, "type": "numeric"}.
 * Several operators are ANDed.
 */
static void
translate_operators(FilterContext *cx, const Target *t, JsonbContainer *object)
{
	JsonbValue	typeval;
	JsonbValue *found;
	Oid			cast = InvalidOid;
	JsonbIterator *it;
	JsonbValue	k;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			count = 0;
	int			position = -1;

	found = getKeyJsonValueFromContainer(object, "type", 4, &typeval);
	if (found)
		cast = fq_cast_type(found);

	it = JsonbIteratorInit(object);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		int			opno;

		if (tok != WJB_KEY)
			continue;
		tok = JsonbIteratorNext(&it, &v, true);
		Assert(tok == WJB_VALUE);
		position++;
		if (key_is(&k, "type"))
			continue;
		cx->value_parent = object;
		cx->value_position = position;

		opno = find_operator(k.val.string.val, k.val.string.len);
		if (opno < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown operator \"%.*s\" on field \"%s\"",
							Min(k.val.string.len, 64), k.val.string.val, t->field),
					 errhint(OPERATOR_HINT)));
		if (v.type == jbvNull)
			wrong_value(operators[opno].name, t,
						operators[opno].op == OP_ISNULL ? "true or false"
						: "a value, not null (use isnull to test for null)");

		if (count++ > 0)
			appendStringInfoString(cx->sql, " AND ");
		switch (operators[opno].op)
		{
			case OP_EQ:
			case OP_NEQ:
			case OP_GT:
			case OP_GTE:
			case OP_LT:
			case OP_LTE:
				emit_comparison(cx, t, opno, &v, cast);
				break;
			case OP_IN:
			case OP_NIN:
				emit_list(cx, t, opno, &v, cast);
				break;
			case OP_ISNULL:
				if (v.type != jbvBool)
					wrong_value("isnull", t, "true or false");
				append_text_target(cx, t, false);
				appendStringInfoString(cx->sql, v.val.boolean ? " IS NULL" : " IS NOT NULL");
				break;
			case OP_CONTAINS:
			case OP_ICONTAINS:
			case OP_STARTSWITH:
			case OP_ISTARTSWITH:
			case OP_ENDSWITH:
			case OP_IENDSWITH:
			case OP_LIKE:
			case OP_ILIKE:
			case OP_REGEX:
			case OP_IREGEX:
				emit_string(cx, t, opno, &v);
				break;
			default:
				emit_jsonb(cx, t, opno, &v);
				break;
		}
	}

	if (count == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no operator for field \"%s\"", t->field),
				 errhint(OPERATOR_HINT)));
}

/*
 * _and / _or: an array of filter objects.  An empty _and is true, an empty
 * _or false, as for an empty conjunction and disjunction.
 */
static void
translate_logical_list(FilterContext *cx, const JsonbValue *value, bool is_and,
					   List *prefix, int depth)
{
	JsonbContainer *array;
	int			n;
	int			i;

	if (!is_container(value, false))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s expects an array of filter objects", is_and ? "_and" : "_or")));
	array = value->val.binary.data;
	n = JsonContainerSize(array);
	if (n == 0)
	{
		appendStringInfoString(cx->sql, is_and ? "true" : "false");
		return;
	}
	appendStringInfoChar(cx->sql, '(');
	for (i = 0; i < n; i++)
	{
		JsonbValue *elem = getIthJsonbValueFromContainer(array, i);

		if (!is_container(elem, true))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s expects an array of filter objects", is_and ? "_and" : "_or")));
		if (i > 0)
			appendStringInfoString(cx->sql, is_and ? " AND " : " OR ");
		/* AND binds tighter than OR; the parentheses are for the reader */
		if (!is_and && JsonContainerSize(elem->val.binary.data) > 1)
		{
			appendStringInfoChar(cx->sql, '(');
			translate_object(cx, elem->val.binary.data, prefix, depth + 1);
			appendStringInfoChar(cx->sql, ')');
		}
		else
			translate_object(cx, elem->val.binary.data, prefix, depth + 1);
	}
	appendStringInfoChar(cx->sql, ')');
}

/*
 * A filter object: its entries ANDed.  "prefix" is the key path of the
 * enclosing nested fields (NIL at the top).  An empty object is true.
 * Entries need no parentheses: each is a comparison, IS [NOT] NULL,
 * NOT (...) or a parenthesised _and/_or list, all binding tighter than AND.
 */
static void
translate_object(FilterContext *cx, JsonbContainer *object, List *prefix, int depth)
{
	JsonbIterator *it;
	JsonbValue	k;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			count = 0;

	check_depth(depth);

	it = JsonbIteratorInit(object);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		if (tok != WJB_KEY)
			continue;
		tok = JsonbIteratorNext(&it, &v, true);
		Assert(tok == WJB_VALUE);

		if (count++ > 0)
			appendStringInfoString(cx->sql, " AND ");

		if (key_is(&k, "_and") || key_is(&k, "AND"))
			translate_logical_list(cx, &v, true, prefix, depth);
		else if (key_is(&k, "_or") || key_is(&k, "OR"))
			translate_logical_list(cx, &v, false, prefix, depth);
		else if (key_is(&k, "_not") || key_is(&k, "NOT"))
		{
			if (!is_container(&v, true))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("_not expects a filter object")));
			appendStringInfoString(cx->sql, "NOT (");
			translate_object(cx, v.val.binary.data, prefix, depth + 1);
			appendStringInfoChar(cx->sql, ')');
		}
		else
		{
			Target		t = {0};
			char	   *field = pnstrdup(k.val.string.val, k.val.string.len);

			fq_check_field_name(k.val.string.val, k.val.string.len);
			t.field = field;
			if (!is_container(&v, true))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("filter for field \"%s\" must be an object", field),
						 prefix == NIL ?
						 errhint("Write {\"%s\": {\"eq\": value}}, or nest fields for a path.", field) :
						 errhint("\"%s\" is not an operator, so it was read as a nested field. " OPERATOR_HINT, field)));

			/* a top-level field may name a native column */
			if (prefix == NIL)
			{
				char	   *key = fq_storage_key(k.val.string.val, k.val.string.len);

				t.column = fq_source_find_column(cx->query->source, key);
				if (!t.column)
					t.column = fq_source_find_column(cx->query->source, field);
			}

			if (is_operator_object(v.val.binary.data))
			{
				if (!t.column)
					t.keys = lappend(list_copy(prefix),
									 fq_storage_key(k.val.string.val, k.val.string.len));
				translate_operators(cx, &t, v.val.binary.data);
			}
			else
			{
				List	   *path;

				if (t.column)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("filter for column \"%s\" holds no operator", t.column->name),
							 errhint(OPERATOR_HINT)));
				path = lappend(list_copy(prefix),
							   fq_storage_key(k.val.string.val, k.val.string.len));
				translate_object(cx, v.val.binary.data, path, depth + 1);
			}
		}
	}

	if (count == 0)
		appendStringInfoString(cx->sql, "true");
}

void
fq_filter_append(FqQuery *query, Jsonb *filter)
{
	FilterContext cx;

	if (!JB_ROOT_IS_OBJECT(filter))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("filter must be a JSON object")));
	if (JB_ROOT_COUNT(filter) == 0)
		return;

	cx.query = query;
	cx.sql = &query->sql;
	appendStringInfoString(cx.sql, " WHERE ");
	translate_object(&cx, &filter->root, NIL, 1);
}

/*-------------------------------------------------------------------------
 *
 * filter.c
 *	  Translates a FraiseQL WHERE input into a SQL predicate (SPEC section 3).
 *
 * A filter is an object of field: {operator: value} entries, ANDed.  Logical
 * keys _and/_or/_not (AND/OR/NOT) combine sub-filters; a field whose value
 * holds no operator key is a nested object path, and _some/_every/_none
 * there (reserved like _and) test the elements of the array at that path
 * with a sub-filter.  A top-level field naming a native column of the
 * source filters that column, typed by the column.
 *
 * This file is the walk: logical keys, nesting, which field is a native
 * column and which a data key path, the depth limit
 * (fraiseql.max_filter_depth).  Each field's operator entries go to
 * operators.c, which checks the operand and writes the condition.
 *
 * Every operand becomes a parameter; keys become quoted literals.  The
 * text written depends only on the filter's shape -- its keys, the kinds of
 * its operands, and the values that are not operands: a "type" cast, a
 * full-text "config", the true/false of isnull, is_not_null and the
 * network classes -- so equal shapes give equal SQL and share a plan.
 *
 * Each parameter records the filter value it comes from and how it was
 * converted (FqParamSource), and fq_filter_param_value (optypes.c) is the
 * one place that converts.  shape.c relies on two rules to reuse a translation for a
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

#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/value.h"
#include "parser/parse_func.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"

#include "filter.h"
#include "operators.h"

static void translate_object(FqFilterContext *cx, JsonbContainer *object,
							 List *prefix, int depth);
static void translate_quantifier(FqFilterContext *cx, const JsonbValue *value,
								 const char *name, const FqFilterTarget *t, int depth);


static bool
key_is(const JsonbValue *key, const char *name)
{
	return key->val.string.len == (int) strlen(name) &&
		memcmp(key->val.string.val, name, key->val.string.len) == 0;
}

static bool
is_quantifier(const JsonbValue *key)
{
	return key_is(key, "_some") || key_is(key, "_every") || key_is(key, "_none");
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
			(key_is(&v, "type") || is_quantifier(&v) ||
			 fq_operator_find(v.val.string.val, v.val.string.len) != NULL))
			return true;
	}
	return false;
}


/*
 * One field's operator object: {"gte": 10, "lt": 20, "type": "numeric"}.
 * Several operators are ANDed.
 */
static void
translate_operators(FqFilterContext *cx, const FqFilterTarget *t, JsonbContainer *object,
					int depth)
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
	bool		fulltext = false;

	found = getKeyJsonValueFromContainer(object, "type", 4, &typeval);
	if (found)
		cast = fq_cast_type(found);

	it = JsonbIteratorInit(object);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		const FqOperator *op;

		if (tok != WJB_KEY)
			continue;
		tok = JsonbIteratorNext(&it, &v, true);
		Assert(tok == WJB_VALUE);
		position++;
		if (key_is(&k, "type") || key_is(&k, "config"))
			continue;
		cx->value_parent = object;
		cx->value_position = position;
		cx->operator_object = object;

		/* a quantifier, alone or beside operators: {"lines": {"_some": {..}}} */
		if (is_quantifier(&k))
		{
			if (count++ > 0)
				appendStringInfoString(cx->sql, " AND ");
			translate_quantifier(cx, &v, pnstrdup(k.val.string.val, k.val.string.len),
								 t, depth);
			continue;
		}

		op = fq_operator_find(k.val.string.val, k.val.string.len);
		if (op == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown operator \"%.*s\" on field \"%s\"",
							Min(k.val.string.len, 64), k.val.string.val, t->field),
					 errhint("%s", fq_operator_hint())));

		if (count++ > 0)
			appendStringInfoString(cx->sql, " AND ");
		fq_operator_append(cx, t, op, &v, cast);
		fulltext |= op->family == FQ_OPF_FULLTEXT;
	}
	cx->operator_object = NULL;

	if (!fulltext && getKeyJsonValueFromContainer(object, "config", 6, &typeval))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"config\" of field \"%s\" needs a full-text operator", t->field),
				 errhint("\"config\" names the text search configuration of matches, plain_query, phrase_query and websearch_query.")));

	if (count == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no operator for field \"%s\"", t->field),
				 errhint("%s", fq_operator_hint())));
}

/*
 * _and / _or: an array of filter objects.  An empty _and is true, an empty
 * _or false, as for an empty conjunction and disjunction.
 */
static void
translate_logical_list(FqFilterContext *cx, const JsonbValue *value, bool is_and,
					   List *prefix, int depth)
{
	JsonbContainer *array;
	int			n;
	int			i;

	if (!fq_is_container(value, false))
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

		if (!fq_is_container(elem, true))
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
 * The array a quantifier tests: a jsonb column, the value at a key path
 * below the current base, or (no keys, in an element) the element itself.
 */
static void
append_array(FqFilterContext *cx, const FqFilterTarget *t)
{
	if (t->column)
		appendStringInfoString(cx->sql, quote_identifier(t->column->name));
	else
		fq_append_value_path(cx->query, cx->base, t->keys, false);
}

/*
 * Whether this database's fraiseql has fraiseql.elements (0.3.0 on): a
 * library newer than the extension's SQL objects writes the 0.2.0 form,
 * which does not need it, until ALTER EXTENSION fraiseql UPDATE.  Asked at
 * translation, which shape.c and the plan cache do once per shape.
 */
static bool
have_elements_function(void)
{
	Oid			argtype = JSONBOID;

	return OidIsValid(LookupFuncName(list_make2(makeString("fraiseql"),
												makeString("elements")),
									 1, &argtype, true));
}

/*
 * _some / _every / _none over the array "t" names (append_array): the
 * sub-filter is translated against each element, which becomes the base
 * of its key paths (q<n>.e, n counting the statement's quantifiers, so the
 * text still depends on the shape alone).  A sub-filter that is an
 * operator object tests the element itself ({"tags": {"_some": {"eq":
 * "a"}}}).
 *
 * _some: some element matches; _every: no element fails to match (the
 * sub-filter false or NULL); _none: no element matches.  A value that is
 * not an array (a missing key, JSON null, a scalar, an object) satisfies
 * none of the three -- false, not NULL, so that _not inverts each of them
 * -- and an empty array satisfies _every and _none.  On a json
 * source the array is read as jsonb (fraiseql.json_get, simdjson), and the
 * sub-filter uses jsonb's operators on its elements.
 *
 * The array is read by fraiseql.elements (elements.c), which gives a
 * non-array as one NULL row, so each quantifier looks the array up once:
 *
 *		_some	EXISTS (SELECT FROM fraiseql.elements(a) AS q1(e)
 *						WHERE q1.e IS NOT NULL AND (<cond>))
 *		_none	NOT EXISTS (... WHERE q1.e IS NULL OR (<cond>))
 *		_every	NOT EXISTS (... WHERE q1.e IS NULL OR (<cond>) IS NOT TRUE)
 *
 * Without that function (the SQL objects still 0.2.0), a CASE on
 * jsonb_typeof keeps jsonb_array_elements from seeing a non-array.
 */
static void
translate_quantifier(FqFilterContext *cx, const JsonbValue *value, const char *name,
					 const FqFilterTarget *t, int depth)
{
	const char *outer = cx->base;
	bool		some = strcmp(name, "_some") == 0;
	bool		every = strcmp(name, "_every") == 0;
	bool		guarded;
	JsonbContainer *sub;
	int			n;

	if (!fq_is_container(value, true))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s expects a filter object", name)));
	if (t->column && t->column->typid != JSONBOID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s needs a jsonb array, but column \"%s\" is of type %s",
						name, t->column->name, format_type_be(t->column->typid))));
	check_depth(depth + 1);
	sub = value->val.binary.data;
	n = ++cx->nquantifiers;
	guarded = !have_elements_function();

	if (guarded)
	{
		appendStringInfoString(cx->sql, "CASE WHEN jsonb_typeof(");
		append_array(cx, t);
		appendStringInfo(cx->sql, ") = 'array' THEN %sEXISTS (SELECT FROM jsonb_array_elements(",
						 some ? "" : "NOT ");
		append_array(cx, t);
		appendStringInfo(cx->sql, ") AS q%d(e) WHERE (", n);
	}
	else
	{
		appendStringInfo(cx->sql, "%sEXISTS (SELECT FROM fraiseql.elements(",
						 some ? "" : "NOT ");
		append_array(cx, t);
		appendStringInfo(cx->sql, ") AS q%d(e) WHERE q%d.e IS %s (",
						 n, n, some ? "NOT NULL AND" : "NULL OR");
	}

	cx->base = psprintf("q%d.e", n);
	if (JsonContainerSize(sub) > 0 && is_operator_object(sub))
	{
		FqFilterTarget element = {0};

		element.field = psprintf("%s.%s", t->field, name);
		translate_operators(cx, &element, sub, depth + 1);
	}
	else
		translate_object(cx, sub, NIL, depth + 1);
	cx->base = outer;

	appendStringInfoString(cx->sql, every ? ") IS NOT TRUE)" : "))");
	if (guarded)
		appendStringInfoString(cx->sql, " ELSE false END");
}

/*
 * A filter object: its entries ANDed.  "prefix" is the key path of the
 * enclosing nested fields (NIL at the top).  An empty object is true.
 * Entries need no parentheses: each is a comparison, IS [NOT] NULL,
 * NOT (...) or a parenthesised _and/_or list, all binding tighter than AND.
 */
static void
translate_object(FqFilterContext *cx, JsonbContainer *object, List *prefix, int depth)
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
		else if (is_quantifier(&k))
		{
			/* in a filter object (not a field's): the element or path itself */
			FqFilterTarget t = {0};
			char	   *name = pnstrdup(k.val.string.val, k.val.string.len);

			if (prefix == NIL && cx->base == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s must be inside a field", name),
						 errhint("Write {\"items\": {\"%s\": {...}}} to test the elements of the array at \"items\".",
								 name)));
			t.keys = prefix;
			t.field = prefix ? (char *) llast(prefix) : "(element)";
			translate_quantifier(cx, &v, name, &t, depth);
		}
		else if (key_is(&k, "_not") || key_is(&k, "NOT"))
		{
			if (!fq_is_container(&v, true))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("_not expects a filter object")));
			appendStringInfoString(cx->sql, "NOT (");
			translate_object(cx, v.val.binary.data, prefix, depth + 1);
			appendStringInfoChar(cx->sql, ')');
		}
		else
		{
			FqFilterTarget t = {0};
			char	   *field = pnstrdup(k.val.string.val, k.val.string.len);

			fq_check_field_name(k.val.string.val, k.val.string.len);
			t.field = field;
			/*
			 * A scalar under a field: at the top level the operator object
			 * is missing; below a field, the key was most likely meant as an
			 * operator ({"status": {"eqq": "x"}}), which is what to say.
			 */
			if (!fq_is_container(&v, true) && prefix == NIL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("filter for field \"%s\" must be an object", field),
						 errhint("Write {\"%s\": {\"eq\": value}}, or nest fields for a path.", field)));
			if (!fq_is_container(&v, true))
			{
				const char *closest = fq_operator_closest(k.val.string.val,
														  k.val.string.len);

				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("unknown operator \"%s\" for field \"%s\"",
								field, (char *) llast(prefix)),
						 errdetail("A key that is not an operator is read as a nested field, whose value must be an object."),
						 closest ?
						 errhint("Did you mean \"%s\"? %s", closest, fq_operator_hint()) :
						 errhint("%s", fq_operator_hint())));
			}

			/* a top-level field may name a native column (not in an element) */
			if (prefix == NIL && cx->base == NULL)
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
				translate_operators(cx, &t, v.val.binary.data, depth + 1);
			}
			else
			{
				List	   *path;

				if (t.column)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("filter for column \"%s\" holds no operator", t.column->name),
							 errhint("%s", fq_operator_hint())));
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
	FqFilterContext cx;

	if (!JB_ROOT_IS_OBJECT(filter))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("filter must be a JSON object")));
	if (JB_ROOT_COUNT(filter) == 0)
		return;

	memset(&cx, 0, sizeof(cx));
	cx.query = query;
	cx.sql = &query->sql;
	appendStringInfoString(cx.sql, " WHERE ");
	translate_object(&cx, &filter->root, NIL, 1);
}

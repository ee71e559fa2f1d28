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
 * "type" cast (and a full-text "config"), never on the operand's value,
 * which becomes a parameter; fq_filter_param_value (optypes.c, below this
 * file with the targets' SQL) is the one place that converts an operand,
 * so that shape.c can recompute a later call's parameters without
 * translating.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/varlena.h"

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
	/* v1/v2 aliases of the operators above */
	{"ne", "neq", FQ_OPF_COMPARISON, "<>", FQ_PARAM_SCALAR},
	{"imatches", "iregex", FQ_OPF_STRING, "~*", FQ_PARAM_IREGEX},
	{"arraycontainedin", "array_contained_by", FQ_OPF_JSONB, "<@", FQ_PARAM_JSONB},
	{"containedin", "array_contained_by", FQ_OPF_JSONB, "<@", FQ_PARAM_JSONB},
	{"containedby", "array_contained_by", FQ_OPF_JSONB, "<@", FQ_PARAM_JSONB},
	{"arraylengtheq", "len_eq", FQ_OPF_LENGTH, "=", FQ_PARAM_LENGTH},
	{"arraylengthgt", "len_gt", FQ_OPF_LENGTH, ">", FQ_PARAM_LENGTH},
	{"arraylengthgte", "len_gte", FQ_OPF_LENGTH, ">=", FQ_PARAM_LENGTH},
	{"arraylengthlt", "len_lt", FQ_OPF_LENGTH, "<", FQ_PARAM_LENGTH},
	/* negations */
	{"nlike", "nlike", FQ_OPF_STRING, "NOT LIKE", FQ_PARAM_LIKE},
	{"nilike", "nilike", FQ_OPF_STRING, "NOT ILIKE", FQ_PARAM_LIKE},
	{"nregex", "nregex", FQ_OPF_STRING, "!~", FQ_PARAM_REGEX},
	{"notmatches", "nregex", FQ_OPF_STRING, "!~", FQ_PARAM_REGEX},
	{"niregex", "niregex", FQ_OPF_STRING, "!~*", FQ_PARAM_IREGEX},
	{"isnotnull", "is_not_null", FQ_OPF_ISNULL, "NOT", FQ_PARAM_NONE},
	{"lenneq", "len_neq", FQ_OPF_LENGTH, "<>", FQ_PARAM_LENGTH},
	/* jsonb keys and paths */
	{"hasanykeys", "has_any_keys", FQ_OPF_ANY_KEY, "?|", FQ_PARAM_LIST},
	{"hasallkeys", "has_all_keys", FQ_OPF_ANY_KEY, "?&", FQ_PARAM_LIST},
	{"strictlycontains", "strictly_contains", FQ_OPF_STRICT_CONTAINS, NULL, FQ_PARAM_JSONB},
	{"pathexists", "path_exists", FQ_OPF_JSONPATH, "@?", FQ_PARAM_JSONPATH},
	{"pathmatch", "path_match", FQ_OPF_JSONPATH, "@@", FQ_PARAM_JSONPATH},
	/* full text */
	{"matches", "matches", FQ_OPF_FULLTEXT, NULL, FQ_PARAM_TSQUERY},
	{"search", "matches", FQ_OPF_FULLTEXT, NULL, FQ_PARAM_TSQUERY},
	{"plainquery", "plain_query", FQ_OPF_FULLTEXT, NULL, FQ_PARAM_PLAINTSQUERY},
	{"plaintotsquery", "plain_query", FQ_OPF_FULLTEXT, NULL, FQ_PARAM_PLAINTSQUERY},
	{"phrasequery", "phrase_query", FQ_OPF_FULLTEXT, NULL, FQ_PARAM_PHRASETSQUERY},
	{"phrasetotsquery", "phrase_query", FQ_OPF_FULLTEXT, NULL, FQ_PARAM_PHRASETSQUERY},
	{"websearchquery", "websearch_query", FQ_OPF_FULLTEXT, NULL, FQ_PARAM_WEBTSQUERY},
	{"websearchtotsquery", "websearch_query", FQ_OPF_FULLTEXT, NULL, FQ_PARAM_WEBTSQUERY},
	/* network: the class an address is in (sql names it), subnets */
	{"isipv4", "is_ipv4", FQ_OPF_INET_CLASS, "4", FQ_PARAM_NONE},
	{"isipv6", "is_ipv6", FQ_OPF_INET_CLASS, "6", FQ_PARAM_NONE},
	{"isprivate", "is_private", FQ_OPF_INET_CLASS, "private", FQ_PARAM_NONE},
	{"ispublic", "is_public", FQ_OPF_INET_CLASS, "public", FQ_PARAM_NONE},
	{"isloopback", "is_loopback", FQ_OPF_INET_CLASS, "loopback", FQ_PARAM_NONE},
	{"ismulticast", "is_multicast", FQ_OPF_INET_CLASS, "multicast", FQ_PARAM_NONE},
	{"islinklocal", "is_link_local", FQ_OPF_INET_CLASS, "link_local", FQ_PARAM_NONE},
	{"insubnet", "in_subnet", FQ_OPF_INET, "<<=", FQ_PARAM_SCALAR},
	{"inrange", "in_subnet", FQ_OPF_INET, "<<=", FQ_PARAM_SCALAR},
	{"containssubnet", "contains_subnet", FQ_OPF_INET, ">>=", FQ_PARAM_SCALAR},
	{"subnetcontains", "contains_subnet", FQ_OPF_INET, ">>=", FQ_PARAM_SCALAR},
	/* ranges (overlaps with "type": "inet" or "cidr" too) */
	{"overlaps", "overlaps", FQ_OPF_RANGE, "&&", FQ_PARAM_SCALAR},
	{"subnetoverlaps", "overlaps", FQ_OPF_RANGE, "&&", FQ_PARAM_SCALAR},
	{"containsdate", "contains_date", FQ_OPF_RANGE, "@>", FQ_PARAM_SCALAR},
	{"adjacent", "adjacent", FQ_OPF_RANGE, "-|-", FQ_PARAM_SCALAR},
	{"strictlyleft", "strictly_left", FQ_OPF_RANGE, "<<", FQ_PARAM_SCALAR},
	{"strictlyright", "strictly_right", FQ_OPF_RANGE, ">>", FQ_PARAM_SCALAR},
	{"notleft", "not_left", FQ_OPF_RANGE, "&>", FQ_PARAM_SCALAR},
	{"notright", "not_right", FQ_OPF_RANGE, "&<", FQ_PARAM_SCALAR},
	/* ltree (the extension's operators; sql names the operator) */
	{"ancestorof", "ancestor_of", FQ_OPF_LTREE, "@>", FQ_PARAM_SCALAR},
	{"descendantof", "descendant_of", FQ_OPF_LTREE, "<@", FQ_PARAM_SCALAR},
	{"isdescendant", "descendant_of", FQ_OPF_LTREE, "<@", FQ_PARAM_SCALAR},
	{"matcheslquery", "matches_lquery", FQ_OPF_LTREE, "~", FQ_PARAM_SCALAR},
	{"matchesltxtquery", "matches_ltxtquery", FQ_OPF_LTREE, "@", FQ_PARAM_SCALAR},
	{"matchesanylquery", "matches_any_lquery", FQ_OPF_LTREE, "?", FQ_PARAM_LIST},
	{"deptheq", "depth_eq", FQ_OPF_LTREE_DEPTH, "=", FQ_PARAM_LENGTH},
	{"depthneq", "depth_neq", FQ_OPF_LTREE_DEPTH, "<>", FQ_PARAM_LENGTH},
	{"depthgt", "depth_gt", FQ_OPF_LTREE_DEPTH, ">", FQ_PARAM_LENGTH},
	{"depthgte", "depth_gte", FQ_OPF_LTREE_DEPTH, ">=", FQ_PARAM_LENGTH},
	{"depthlt", "depth_lt", FQ_OPF_LTREE_DEPTH, "<", FQ_PARAM_LENGTH},
	{"depthlte", "depth_lte", FQ_OPF_LTREE_DEPTH, "<=", FQ_PARAM_LENGTH},
	{"nleveleq", "depth_eq", FQ_OPF_LTREE_DEPTH, "=", FQ_PARAM_LENGTH},
	{"nlevelneq", "depth_neq", FQ_OPF_LTREE_DEPTH, "<>", FQ_PARAM_LENGTH},
	{"nlevelgt", "depth_gt", FQ_OPF_LTREE_DEPTH, ">", FQ_PARAM_LENGTH},
	{"nlevelgte", "depth_gte", FQ_OPF_LTREE_DEPTH, ">=", FQ_PARAM_LENGTH},
	{"nlevellt", "depth_lt", FQ_OPF_LTREE_DEPTH, "<", FQ_PARAM_LENGTH},
	{"nlevellte", "depth_lte", FQ_OPF_LTREE_DEPTH, "<=", FQ_PARAM_LENGTH},
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
 * The operator a misspelled key most likely meant: the name of the spelling
 * (any alias) nearest to it by edit distance, compared as lookups compare
 * (lower case, underscores ignored), if it is within two edits; else NULL.
 */
const char *
fq_operator_closest(const char *key, int len)
{
	char		canonical[32];
	int			n = 0;
	int			best = 3;
	const char *name = NULL;

	for (int i = 0; i < len && n < (int) sizeof(canonical) - 1; i++)
		if (key[i] != '_')
			canonical[n++] = pg_ascii_tolower((unsigned char) key[i]);
	canonical[n] = '\0';
	for (int i = 0; i < (int) lengthof(operators); i++)
	{
		int			d = varstr_levenshtein_less_equal(canonical, n,
													  operators[i].canonical,
													  strlen(operators[i].canonical),
													  1, 1, 1, best - 1, false);

		if (d < best)
		{
			best = d;
			name = operators[i].name;
		}
	}
	return name;
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
	source.op_name = op->name;
	source.field = t->field;
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

	fq_append_typed_target(cx, t, type, OidIsValid(cast));
	fq_append_operator(cx, cast, op->sql);
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
	fq_append_typed_target(cx, t, type, OidIsValid(cast));
	fq_append_operator(cx, cast, "=");
	appendStringInfoString(cx->sql, "ANY(");
	append_value_param(cx, t, op, value, op->conv, type, arraytype);
	appendStringInfoChar(cx->sql, ')');
	if (negated)
		appendStringInfoChar(cx->sql, ')');
}

/*
 * isnull, is_not_null (sql "NOT"): true or false, which shapes the SQL (IS
 * NULL / IS NOT NULL) and binds no parameter.
 */
static void
write_isnull(FqFilterContext *cx, const FqFilterTarget *t,
			 const FqOperator *op, const JsonbValue *value, Oid cast)
{
	bool		is_null;

	if (value->type != jbvBool)
		wrong_value(op->name, t, "true or false");
	is_null = value->val.boolean == (op->sql == NULL);
	fq_append_text_target(cx, t, false);
	appendStringInfoString(cx->sql, is_null ? " IS NULL" : " IS NOT NULL");
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
	fq_append_text_target(cx, t, true);
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
	fq_append_jsonb_target(cx, t, op->name);
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
	fq_append_jsonb_target(cx, t, op->name);
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
	fq_append_jsonb_target(cx, t, op->name);
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
	fq_append_jsonb_target(cx, t, op->name);
	appendStringInfoString(cx->sql, ") WHEN 'array' THEN ");
	fq_append_jsonb_target(cx, t, op->name);
	appendStringInfo(cx->sql, " END) %s ", op->sql);
	append_value_param(cx, t, op, value, op->conv, InvalidOid, INT4OID);
}

/*
 * strictly_contains: @> and not equal, the operand bound once and named
 * twice.
 */
static void
write_strict_contains(FqFilterContext *cx, const FqFilterTarget *t,
					  const FqOperator *op, const JsonbValue *value, Oid cast)
{
	appendStringInfoChar(cx->sql, '(');
	fq_append_jsonb_target(cx, t, op->name);
	appendStringInfoString(cx->sql, " @> ");
	append_value_param(cx, t, op, value, op->conv, InvalidOid, JSONBOID);
	appendStringInfoString(cx->sql, " AND ");
	fq_append_jsonb_target(cx, t, op->name);
	appendStringInfo(cx->sql, " <> $%d::jsonb)", cx->query->nparams);
}

/*
 * path_exists (@?), path_match (@@): a jsonpath, parsed at translation.
 */
static void
write_jsonpath(FqFilterContext *cx, const FqFilterTarget *t,
			   const FqOperator *op, const JsonbValue *value, Oid cast)
{
	if (value->type != jbvString)
		wrong_value(op->name, t, "a string holding a jsonpath");
	fq_append_jsonb_target(cx, t, op->name);
	appendStringInfo(cx->sql, " %s ", op->sql);
	append_value_param(cx, t, op, value, op->conv, InvalidOid, JSONPATHOID);
}

/*
 * matches plain_query phrase_query websearch_query: to_tsvector of the
 * text @@ the query, made at translation (so that its syntax is checked
 * there) with the configuration the operator object's "config" names, or
 * the session's.  The configuration is a literal of the shape, resolved
 * here and written into the SQL by its schema-qualified name,
 * "to_tsvector('pg_catalog.english'::regconfig, ...)" -- the form an
 * expression index over to_tsvector has -- so that the SQL and the query
 * parameter use the same configuration whatever the search_path; the
 * shape memo does not keep such a translation, as the name may mean
 * another configuration under another search_path.
 */
static void
write_fulltext(FqFilterContext *cx, const FqFilterTarget *t,
			   const FqOperator *op, const JsonbValue *value, Oid cast)
{
	JsonbValue	configval;
	JsonbValue *found = NULL;
	Oid			config = InvalidOid;
	char	   *config_name = NULL;
	List	   *names;

	if (value->type != jbvString)
		wrong_value(op->name, t, "a string");
	if (cx->operator_object)
		found = getKeyJsonValueFromContainer(cx->operator_object, "config", 6, &configval);
	if (found)
	{
		if (found->type != jbvString)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("\"config\" of field \"%s\" must be a string naming a text search configuration",
							t->field)));
		config_name = pnstrdup(found->val.string.val, found->val.string.len);
		names = stringToQualifiedNameList(config_name);
		config = get_ts_config_oid(names, true);
		cx->query->uses_search_path = true;
		if (!OidIsValid(config))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("text search configuration \"%s\" does not exist",
							NameListToString(names)),
					 errdetail("The \"config\" of operator \"%s\" on field \"%s\" names it.",
							   op->name, t->field)));
	}
	appendStringInfoString(cx->sql, "to_tsvector(");
	if (config_name)
		appendStringInfo(cx->sql, "%s::regconfig, ",
						 quote_literal_cstr(fq_ts_config_name(config)));
	fq_append_text_target(cx, t, true);
	appendStringInfoString(cx->sql, ") @@ ");
	append_value_param(cx, t, op, value, op->conv, config, TSQUERYOID);
}

/* The type a network operator reads the target as: inet, or "type" cidr */
static Oid
inet_type(const FqFilterTarget *t, const FqOperator *op, Oid cast)
{
	if (!OidIsValid(cast))
		return INETOID;
	if (cast != INETOID && cast != CIDROID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("operator \"%s\" on field \"%s\" needs \"type\" inet or cidr, not %s",
						op->name, t->field, format_type_be(cast))));
	return cast;
}

/*
 * is_ipv4 is_ipv6 is_private is_public is_loopback is_multicast
 * is_link_local: true or false, which shapes the SQL (the class, or NOT the
 * class) and binds no parameter.
 */
static void
write_inet_class(FqFilterContext *cx, const FqFilterTarget *t,
				 const FqOperator *op, const JsonbValue *value, Oid cast)
{
	Oid			type = inet_type(t, op, cast);

	if (value->type != jbvBool)
		wrong_value(op->name, t, "true or false");
	if (!value->val.boolean)
		appendStringInfoString(cx->sql, "NOT (");
	fq_append_inet_class(cx, t, op->sql, type);
	if (!value->val.boolean)
		appendStringInfoChar(cx->sql, ')');
}

/*
 * in_subnet contains_subnet, and overlaps with "type" inet or cidr: an
 * address or subnet as a string.
 */
static void
write_inet(FqFilterContext *cx, const FqFilterTarget *t,
		   const FqOperator *op, const JsonbValue *value, Oid cast)
{
	Oid			type = inet_type(t, op, cast);

	if (value->type != jbvString)
		wrong_value(op->name, t, "a string holding an address or subnet");
	fq_append_cast_target(cx, t, type);
	appendStringInfo(cx->sql, " %s ", op->sql);
	append_value_param(cx, t, op, value, op->conv, type, type);
}

/*
 * overlaps contains_date adjacent strictly_left strictly_right not_left
 * not_right: the target read as a daterange, or the range type "type"
 * names; the operand a range as text, for contains_date a value of the
 * range's element type.
 */
static void
write_range(FqFilterContext *cx, const FqFilterTarget *t,
			const FqOperator *op, const JsonbValue *value, Oid cast)
{
	Oid			type = OidIsValid(cast) ? cast : DATERANGEOID;
	bool		element = strcmp(op->sql, "@>") == 0;
	Oid			param_type;

	if (type == INETOID || type == CIDROID)
	{
		if (strcmp(op->sql, "&&") == 0)
		{
			write_inet(cx, t, op, value, cast);
			return;
		}
	}
	if (get_typtype(type) != TYPTYPE_RANGE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("operator \"%s\" on field \"%s\" needs a range type, not %s",
						op->name, t->field, format_type_be(type)),
				 errhint("Valid types are daterange (the default), tstzrange, tsrange, int4range, int8range and numrange%s.",
						 strcmp(op->sql, "&&") == 0 ? ", and inet or cidr for overlaps" : "")));
	param_type = element ? get_range_subtype(type) : type;
	if (value->type != jbvString && !(element && value->type == jbvNumeric))
		wrong_value(op->name, t, element ? "a string or number" : "a string holding a range");
	fq_append_cast_target(cx, t, type);
	appendStringInfo(cx->sql, " %s ", op->sql);
	append_value_param(cx, t, op, value, op->conv, param_type, param_type);
}

/*
 * ancestor_of descendant_of matches_lquery matches_ltxtquery
 * matches_any_lquery: the target read as ltree, the operand an ltree, an
 * lquery, an ltxtquery or an array of lqueries; the operator is the ltree
 * extension's, named in its schema.
 */
static void
write_ltree(FqFilterContext *cx, const FqFilterTarget *t,
			const FqOperator *op, const JsonbValue *value, Oid cast)
{
	Oid			nsp = fq_ltree_schema();
	Oid			ltree = fq_ltree_type("ltree");
	Oid			operand;
	Oid			param_type;
	bool		list = op->conv == FQ_PARAM_LIST;

	if (strcmp(op->sql, "~") == 0 || list)
		operand = fq_ltree_type("lquery");
	else if (strcmp(op->sql, "@") == 0)
		operand = fq_ltree_type("ltxtquery");
	else
		operand = ltree;
	if (list)
	{
		JsonbContainer *array;
		int			i;

		if (!fq_is_container(value, false))
			wrong_value(op->name, t, "an array of strings");
		array = value->val.binary.data;
		for (i = 0; i < (int) JsonContainerSize(array); i++)
			if (getIthJsonbValueFromContainer(array, i)->type != jbvString)
				wrong_value(op->name, t, "an array of strings");
		param_type = get_array_type(operand);
	}
	else
	{
		if (value->type != jbvString)
			wrong_value(op->name, t, "a string");
		param_type = operand;
	}
	fq_append_cast_target(cx, t, ltree);
	appendStringInfo(cx->sql, " OPERATOR(%s.%s) ",
					 quote_identifier(get_namespace_name(nsp)), op->sql);
	append_value_param(cx, t, op, value, op->conv, operand, param_type);
}

/*
 * depth_*: nlevel of the target read as ltree, compared with a
 * non-negative integer.
 */
static void
write_ltree_depth(FqFilterContext *cx, const FqFilterTarget *t,
				  const FqOperator *op, const JsonbValue *value, Oid cast)
{
	Oid			nsp = fq_ltree_schema();

	if (value->type != jbvNumeric)
		wrong_value(op->name, t, "a non-negative integer");
	appendStringInfo(cx->sql, "%s.nlevel(", quote_identifier(get_namespace_name(nsp)));
	fq_append_cast_target(cx, t, fq_ltree_type("ltree"));
	appendStringInfo(cx->sql, ") %s ", op->sql);
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
	[FQ_OPF_STRICT_CONTAINS] = write_strict_contains,
	[FQ_OPF_JSONPATH] = write_jsonpath,
	[FQ_OPF_FULLTEXT] = write_fulltext,
	[FQ_OPF_INET_CLASS] = write_inet_class,
	[FQ_OPF_INET] = write_inet,
	[FQ_OPF_RANGE] = write_range,
	[FQ_OPF_LTREE] = write_ltree,
	[FQ_OPF_LTREE_DEPTH] = write_ltree_depth,
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
					op->family == FQ_OPF_ISNULL || op->family == FQ_OPF_INET_CLASS ?
					"true or false"
					: "a value, not null (use isnull to test for null)");
	writers[op->family] (cx, t, op, value, cast);
}

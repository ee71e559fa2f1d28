/*-------------------------------------------------------------------------
 *
 * optypes.c
 *	  Below the operator writers of operators.c: the target of a condition
 *	  as SQL (text, jsonb, or cast to a type), the address classes of the
 *	  network operators, the conversions of jsonpath and full-text operands,
 *	  the ltree extension's types, and the conversion of every operand into
 *	  its bound parameter (fq_filter_param_value, which shape.c calls too).
 *
 * A target is a native column or a key path, either in the source's data
 * column or, inside a quantifier (_some/_every/_none, filter.c), in the
 * jsonb array element being tested (FqFilterContext.base).
 *
 * The address classes are constant lists of CIDR blocks written into the
 * SQL as one literal inet[] each; they are no operands (is_private's
 * operand is true or false, which shapes the SQL as isnull's does).
 *
 * The ltree extension's types are found through the catalog, in whatever
 * schema the extension was created in, and named schema-qualified; their
 * OIDs differ between databases, so none is written in this file.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_ts_config.h"
#include "catalog/pg_type.h"
#include "regex/regex.h"
#include "tsearch/ts_cache.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "optypes.h"

static Datum fq_jsonpath_datum(const JsonbValue *value);
static Datum fq_tsquery_datum(FqParamConv conv, Oid config, const JsonbValue *value);

/*
 * Appends the target as text: data->'a'->>'k', or the column (cast to text
 * for the string operators when it is not text already).
 */
void
fq_append_text_target(FqFilterContext *cx, const FqFilterTarget *t, bool need_text)
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
		fq_append_value_path(cx->query, cx->base, t->keys, true);
		appendStringInfoChar(cx->sql, ')');
	}
}

/*
 * Appends the target as jsonb, for the array / jsonb operators.
 */
void
fq_append_jsonb_target(FqFilterContext *cx, const FqFilterTarget *t, const char *op)
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
	{
		appendStringInfoChar(cx->sql, '(');
		fq_append_value_path(cx->query, cx->base, t->keys, false);
		appendStringInfoChar(cx->sql, ')');
	}
}

/*
 * Appends the target typed for comparison with a value of type "type":
 * ((data->>'k')::numeric), or the column (cast only when "type" was given).
 */
void
fq_append_typed_target(FqFilterContext *cx, const FqFilterTarget *t, Oid type, bool explicit_cast)
{
	if (t->column)
	{
		appendStringInfoString(cx->sql, quote_identifier(t->column->name));
		if (explicit_cast)
			appendStringInfo(cx->sql, "::%s", fq_type_name(type));
	}
	else if (type == TEXTOID)
		fq_append_text_target(cx, t, false);
	else
	{
		appendStringInfoString(cx->sql, "((");
		fq_append_value_path(cx->query, cx->base, t->keys, true);
		appendStringInfo(cx->sql, ")::%s)", fq_type_name(type));
	}
}

/*
 * Appends the target as a value of "type" whatever its own type: a key's
 * text cast to it, or a column, cast unless it has that type already.  The
 * type is recorded when its name can change (an extension's).
 */
void
fq_append_cast_target(FqFilterContext *cx, const FqFilterTarget *t, Oid type)
{
	fq_query_note_type(cx->query, type);
	fq_append_typed_target(cx, t, type,
						   t->column != NULL && t->column->typid != type);
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
static bool
convert_param(const FqParamSource *source, const JsonbValue *value,
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
		case FQ_PARAM_JSONPATH:
			*result = fq_jsonpath_datum(value);
			return true;
		case FQ_PARAM_TSQUERY:
		case FQ_PARAM_PLAINTSQUERY:
		case FQ_PARAM_PHRASETSQUERY:
		case FQ_PARAM_WEBTSQUERY:
			/* elem_type: the configuration "config" named, or none */
			*result = fq_tsquery_datum(source->conv, source->elem_type, value);
			return true;
		default:
			elog(ERROR, "unexpected filter parameter conversion %d", (int) source->conv);
	}
	return false;				/* keep compiler quiet */
}

/*
 * The value of a parameter, converted as convert_param does; the error of
 * a conversion (a type's input function, a tsquery's or jsonpath's parser)
 * names the operator and field in its detail (after the detail it had).
 */
bool
fq_filter_param_value(const FqParamSource *source, const JsonbValue *value,
					  Datum *result)
{
	MemoryContext context = CurrentMemoryContext;
	bool		ok = false;

	if (source->field == NULL)
		return convert_param(source, value, result);
	PG_TRY();
	{
		ok = convert_param(source, value, result);
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		int			class;

		MemoryContextSwitchTo(context);
		edata = CopyErrorData();
		class = ERRCODE_TO_CATEGORY(edata->sqlerrcode);
		/* cancels, resource and internal errors pass unchanged */
		if (edata->elevel != ERROR ||
			class == ERRCODE_TO_CATEGORY(ERRCODE_QUERY_CANCELED) ||
			class == ERRCODE_TO_CATEGORY(ERRCODE_INSUFFICIENT_RESOURCES) ||
			class == ERRCODE_TO_CATEGORY(ERRCODE_PROGRAM_LIMIT_EXCEEDED) ||
			class == ERRCODE_TO_CATEGORY(ERRCODE_INTERNAL_ERROR))
			PG_RE_THROW();
		FlushErrorState();
		edata->detail = psprintf("%s%sThe operand of operator \"%s\" on field \"%s\" does not convert.",
								 edata->detail ? edata->detail : "",
								 edata->detail ? " " : "",
								 source->op_name, source->field);
		ReThrowError(edata);
	}
	PG_END_TRY();
	return ok;
}

/*
 * Appends " op " between a target and an operand of the type a "type"
 * entry named: qualified with the type's schema, " OPERATOR(ext.=) ", when
 * the type is not built in (ltree), whose operators need not be on the
 * search_path.  InvalidOid: no "type", the operator as it is.
 */
void
fq_append_operator(FqFilterContext *cx, Oid cast, const char *op)
{
	HeapTuple	tup;
	Oid			nsp = PG_CATALOG_NAMESPACE;

	if (OidIsValid(cast))
	{
		tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(cast));
		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for type %u", cast);
		nsp = ((Form_pg_type) GETSTRUCT(tup))->typnamespace;
		ReleaseSysCache(tup);
	}
	if (nsp == PG_CATALOG_NAMESPACE)
		appendStringInfo(cx->sql, " %s ", op);
	else
		appendStringInfo(cx->sql, " OPERATOR(%s.%s) ",
						 quote_identifier(get_namespace_name(nsp)), op);
}

/*
 * The address classes of is_private, is_loopback, is_link_local and
 * is_multicast, IPv4 and IPv6 (RFC 1918 and 4193, 1122 and 4291, 3927 and
 * 4291, 5771 and 4291), and the blocks that are not public: those four and
 * the special-purpose ones of the IANA registries (this network, shared
 * address space, IETF protocol assignments, documentation, benchmarking,
 * reserved, the unspecified address).
 */
static const struct
{
	const char *name;			/* as operators.c's table writes it */
	const char *blocks;			/* an inet[] literal */
}			inet_classes[] =
{
	{"private", "{10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7}"},
	{"loopback", "{127.0.0.0/8,::1/128}"},
	{"link_local", "{169.254.0.0/16,fe80::/10}"},
	{"multicast", "{224.0.0.0/4,ff00::/8}"},
	{"public", "{10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7,"
		"127.0.0.0/8,::1/128,169.254.0.0/16,fe80::/10,224.0.0.0/4,ff00::/8,"
		"0.0.0.0/8,100.64.0.0/10,192.0.0.0/24,192.0.2.0/24,198.18.0.0/15,"
		"198.51.100.0/24,203.0.113.0/24,240.0.0.0/4,::/128,2001:db8::/32}"},
};

/*
 * Appends "the target is in the class": family(t) = 4 / 6, t <<= ANY(the
 * class's blocks), or for "public" NOT (t <<= ANY(the blocks that are not)).
 */
void
fq_append_inet_class(FqFilterContext *cx, const FqFilterTarget *t,
					 const char *class_name, Oid type)
{
	int			i;

	if (strcmp(class_name, "4") == 0 || strcmp(class_name, "6") == 0)
	{
		appendStringInfoString(cx->sql, "family(");
		fq_append_cast_target(cx, t, type);
		appendStringInfo(cx->sql, ") = %s", class_name);
		return;
	}
	for (i = 0; i < (int) lengthof(inet_classes); i++)
	{
		bool		public = strcmp(class_name, "public") == 0;

		if (strcmp(inet_classes[i].name, class_name) != 0)
			continue;
		appendStringInfoString(cx->sql, public ? "NOT (" : "(");
		fq_append_cast_target(cx, t, type);
		appendStringInfo(cx->sql, " <<= ANY ('%s'::inet[]))", inet_classes[i].blocks);
		return;
	}
	elog(ERROR, "unknown address class \"%s\"", class_name);
}

/*
 * A jsonpath, parsed here so that an invalid one fails every call (42601),
 * as the regexes do (see operators.c).
 */
static Datum
fq_jsonpath_datum(const JsonbValue *value)
{
	char	   *path = pnstrdup(value->val.string.val, value->val.string.len);

	return DirectFunctionCall1(jsonpath_in, CStringGetDatum(path));
}

/*
 * A full-text query made of a string as to_tsquery, plainto_tsquery,
 * phraseto_tsquery or websearch_to_tsquery make it (a syntax error is
 * theirs: 42601), with the configuration "config" or, without one, the
 * session's default_text_search_config at the call.  (A configuration
 * named is looked up by the translator, which runs for every call that
 * names one, so it exists unless dropped since; then 42704, not a cache
 * lookup failure.)
 */
static Datum
fq_tsquery_datum(FqParamConv conv, Oid config, const JsonbValue *value)
{
	text	   *query = cstring_to_text_with_len(value->val.string.val,
												 value->val.string.len);
	PGFunction	fn;

	if (!OidIsValid(config))
		config = getTSCurrentConfig(true);
	else if (!SearchSysCacheExists1(TSCONFIGOID, ObjectIdGetDatum(config)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("text search configuration %u does not exist", config)));
	switch (conv)
	{
		case FQ_PARAM_TSQUERY:
			fn = to_tsquery_byid;
			break;
		case FQ_PARAM_PLAINTSQUERY:
			fn = plainto_tsquery_byid;
			break;
		case FQ_PARAM_PHRASETSQUERY:
			fn = phraseto_tsquery_byid;
			break;
		default:
			fn = websearch_to_tsquery_byid;
			break;
	}
	return DirectFunctionCall2(fn, ObjectIdGetDatum(config), PointerGetDatum(query));
}

/*
 * A text search configuration's schema-qualified name, as a regconfig
 * literal spells it.
 */
const char *
fq_ts_config_name(Oid config)
{
	HeapTuple	tup;
	Form_pg_ts_config form;
	char	   *name;

	tup = SearchSysCache1(TSCONFIGOID, ObjectIdGetDatum(config));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for text search configuration %u", config);
	form = (Form_pg_ts_config) GETSTRUCT(tup);
	name = quote_qualified_identifier(get_namespace_name(form->cfgnamespace),
									  NameStr(form->cfgname));
	ReleaseSysCache(tup);
	return name;
}

/*
 * The schema of the ltree extension, which the SQL names its functions and
 * operators in (it need not be on the search_path).
 */
Oid
fq_ltree_schema(void)
{
	Oid			nsp = fq_extension_schema("ltree");

	if (!OidIsValid(nsp))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("extension \"ltree\" is not installed"),
				 errdetail("The ltree operators need the ltree extension's types and operators."),
				 errhint("Run CREATE EXTENSION ltree in this database.")));
	return nsp;
}

/* ltree, lquery or ltxtquery, as the extension in this database defines it */
Oid
fq_ltree_type(const char *typname)
{
	(void) fq_ltree_schema();
	return fq_extension_type("ltree", typname);
}

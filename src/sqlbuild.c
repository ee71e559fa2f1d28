/*-------------------------------------------------------------------------
 *
 * sqlbuild.c
 *	  The SQL builder below filter.c and order.c: appending bound parameters
 *	  ($n::type, with the named types a statement depends on), type names,
 *	  field names and their storage keys (fraiseql.snake_case_keys), the
 *	  casts a "type" entry may name, and the data paths an expression reads.
 *
 * It calls nothing of ours: query.c (the whole statement), filter.c,
 * order.c, shape.c and the plan cache build on it.
 *
 * Identifiers come from the catalog and are quoted; JSON keys are written as
 * quoted literals; type names come from the catalog.  No user text is ever
 * spliced in.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/transam.h"
#include "catalog/indexing.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/fmgroids.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "sqlbuild.h"

/* The casts a filter or ordering may name with "type" (SPEC section 3) */
static const struct
{
	const char *name;
	Oid			typid;
}			cast_types[] =
{
	{"text", TEXTOID},
	{"numeric", NUMERICOID},
	{"bigint", INT8OID},
	{"integer", INT4OID},
	{"boolean", BOOLOID},
	{"date", DATEOID},
	{"timestamptz", TIMESTAMPTZOID},
	{"timestamp", TIMESTAMPOID},
	{"uuid", UUIDOID},
	/* for the network, range and ltree operators (ltree: see fq_cast_type) */
	{"inet", INETOID},
	{"cidr", CIDROID},
	{"daterange", DATERANGEOID},
	{"tstzrange", TSTZRANGEOID},
	{"tsrange", TSRANGEOID},
	{"int4range", INT4RANGEOID},
	{"int8range", INT8RANGEOID},
	{"numrange", NUMRANGEOID},
	{"ltree", InvalidOid},
};

static const char *type_name(Oid typid, Oid *nsp);
static void note_named_type(FqQuery *query, Oid typid, Oid nsp);

bool		fq_snake_case_keys = true;

/*
 * Defines fraiseql.snake_case_keys (SPEC section 9), which fq_storage_key
 * applies.
 */
void
fq_sqlbuild_init(void)
{
	DefineCustomBoolVariable("fraiseql.snake_case_keys",
							 "Maps camelCase GraphQL field names to snake_case storage keys.",
							 NULL,
							 &fq_snake_case_keys,
							 true,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);
}

#define CAST_TYPE_HINT "Valid types are text, numeric, bigint, integer, boolean, date, timestamptz, timestamp, uuid, inet, cidr, daterange, tstzrange, tsrange, int4range, int8range, numrange and ltree."

/*
 * Appends "$n::type" and records the parameter and where its value came
 * from.
 */
void
fq_query_append_param(FqQuery *query, Oid type, Datum value,
					  const FqParamSource *source)
{
	Oid			nsp;

	if (query->nparams == query->maxparams)
	{
		query->maxparams = query->maxparams * 2;
		query->param_types = repalloc(query->param_types,
									  sizeof(Oid) * query->maxparams);
		query->param_values = repalloc(query->param_values,
									   sizeof(Datum) * query->maxparams);
		query->param_sources = repalloc(query->param_sources,
										sizeof(FqParamSource) * query->maxparams);
	}
	if (query->nparams >= 65535)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("filter needs more than 65535 parameters")));
	query->param_types[query->nparams] = type;
	query->param_values[query->nparams] = value;
	query->param_sources[query->nparams] = *source;
	query->nparams++;
	appendStringInfo(&query->sql, "$%d::%s", query->nparams,
					 type_name(type, &nsp));
	/* any type but the built-in ones can be renamed, in pg_catalog too */
	if (nsp != PG_CATALOG_NAMESPACE || type >= FirstGenbkiObjectId)
		note_named_type(query, type, nsp);
}

/*
 * Records a type the statement names with its schema (see FqQuery).
 */
static void
note_named_type(FqQuery *query, Oid typid, Oid nsp)
{
	uint32		type_hash = GetSysCacheHashValue1(TYPEOID, ObjectIdGetDatum(typid));
	uint32		schema_hash = GetSysCacheHashValue1(NAMESPACEOID, ObjectIdGetDatum(nsp));
	int			i;

	if (query->nnamed_types < 0)
		return;
	for (i = 0; i < query->nnamed_types; i++)
		if (query->named_type_hashes[i] == type_hash &&
			query->named_schema_hashes[i] == schema_hash)
			return;
	if (query->nnamed_types == FQ_MAX_NAMED_TYPES)
	{
		query->nnamed_types = -1;
		return;
	}
	query->named_type_hashes[query->nnamed_types] = type_hash;
	query->named_schema_hashes[query->nnamed_types] = schema_hash;
	query->nnamed_types++;
}

/*
 * The name of a type as generated SQL spells it: built-in types unqualified
 * (pg_catalog is always searched first), others schema-qualified.
 */
static const char *
type_name(Oid typid, Oid *nsp)
{
	HeapTuple	tup;

	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for type %u", typid);
	*nsp = ((Form_pg_type) GETSTRUCT(tup))->typnamespace;
	ReleaseSysCache(tup);

	return *nsp == PG_CATALOG_NAMESPACE ? format_type_be(typid)
		: format_type_be_qualified(typid);
}

const char *
fq_type_name(Oid typid)
{
	Oid			nsp;

	return type_name(typid, &nsp);
}

/*
 * Field names are GraphQL names: [_A-Za-z][_0-9A-Za-z]*.
 */
void
fq_check_field_name(const char *name, int len)
{
	int			i;
	bool		ok = len > 0 && len < NAMEDATALEN * 4;

	for (i = 0; ok && i < len; i++)
	{
		char		c = name[i];

		ok = (c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  (i > 0 && c >= '0' && c <= '9'));
	}
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid field name \"%.*s\"", Min(len, 64), name),
				 errhint("Field names are GraphQL names: a letter or underscore, then letters, digits or underscores.")));
}

/*
 * The key a field is stored under: with fraiseql.snake_case_keys, camelCase
 * becomes snake_case ("firstName" -> "first_name", "userID" -> "user_id",
 * "HTTPServer" -> "http_server"); otherwise the name as written.  An
 * underscore goes before an upper-case letter that follows a lower-case
 * letter or digit, or that starts a new word after a run of capitals.
 */
char *
fq_storage_key(const char *name, int len)
{
	StringInfoData buf;
	int			i;

	if (!fq_snake_case_keys)
		return pnstrdup(name, len);

	initStringInfo(&buf);
	for (i = 0; i < len; i++)
	{
		char		c = name[i];

		if (c >= 'A' && c <= 'Z')
		{
			if (i > 0)
			{
				char		prev = name[i - 1];
				bool		next_lower = i + 1 < len &&
					name[i + 1] >= 'a' && name[i + 1] <= 'z';

				if ((prev >= 'a' && prev <= 'z') || (prev >= '0' && prev <= '9') ||
					(prev >= 'A' && prev <= 'Z' && next_lower))
					appendStringInfoChar(&buf, '_');
			}
			appendStringInfoChar(&buf, c - 'A' + 'a');
		}
		else
			appendStringInfoChar(&buf, c);
	}
	return buf.data;
}

/*
 * The type named by a "type" entry of a filter or ordering.
 */
Oid
fq_cast_type(const JsonbValue *value)
{
	int			i;

	if (value->type == jbvString)
	{
		for (i = 0; i < (int) lengthof(cast_types); i++)
			if ((int) strlen(cast_types[i].name) == value->val.string.len &&
				pg_strncasecmp(cast_types[i].name, value->val.string.val,
							   value->val.string.len) == 0)
				return OidIsValid(cast_types[i].typid) ? cast_types[i].typid :
					fq_extension_type("ltree", "ltree");
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid type %s", value->type == jbvString ?
					quote_literal_cstr(pnstrdup(value->val.string.val,
												value->val.string.len)) :
					"(not a string)"),
			 errhint(CAST_TYPE_HINT)));
	return InvalidOid;			/* keep compiler quiet */
}

/*
 * The schema an extension is installed in; InvalidOid when it is not
 * installed (PostgreSQL 15 does not export get_extension_schema).
 */
Oid
fq_extension_schema(const char *extname)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	Oid			nsp = InvalidOid;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum(extname));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
		nsp = ((Form_pg_extension) GETSTRUCT(tuple))->extnamespace;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return nsp;
}

/*
 * A type an extension defines, found in the extension's schema through the
 * catalog (its OID differs between databases): 42704 with a hint when the
 * extension is not installed.
 */
Oid
fq_extension_type(const char *extname, const char *typname)
{
	Oid			nsp = fq_extension_schema(extname);
	Oid			typid = InvalidOid;

	if (OidIsValid(nsp))
		typid = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
								CStringGetDatum(typname), ObjectIdGetDatum(nsp));
	if (!OidIsValid(typid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("type \"%s\" of extension \"%s\" does not exist", typname, extname),
				 errdetail("The %s operators and casts need the %s extension.", extname, extname),
				 errhint("Run CREATE EXTENSION %s in this database.", extname)));
	return typid;
}

/*
 * Records that the statement names a type outside pg_catalog by its
 * schema-qualified name without binding a parameter of it (a cast of a
 * stored value, a function or operator of the type's extension).
 */
void
fq_query_note_type(FqQuery *query, Oid typid)
{
	Oid			nsp;

	(void) type_name(typid, &nsp);
	if (nsp != PG_CATALOG_NAMESPACE || typid >= FirstGenbkiObjectId)
		note_named_type(query, typid, nsp);
}

/*
 * The value at a key path below "base", a jsonb expression (an array
 * element of a quantifier): base->'a'->>'b'; no keys: the value itself,
 * base #>> '{}' as text.  A NULL base is the source's data column
 * (fq_append_data_path).
 */
void
fq_append_value_path(FqQuery *query, const char *base, List *keys, bool as_text)
{
	ListCell   *lc;

	if (base == NULL)
	{
		fq_append_data_path(query, keys, as_text);
		return;
	}
	if (keys == NIL)
	{
		appendStringInfo(&query->sql, as_text ? "(%s #>> '{}')" : "%s", base);
		return;
	}
	appendStringInfoString(&query->sql, base);
	foreach(lc, keys)
	{
		bool		last = lnext(keys, lc) == NULL;

		appendStringInfoString(&query->sql, last && as_text ? "->>" : "->");
		appendStringInfoString(&query->sql, quote_literal_cstr(lfirst(lc)));
	}
}

/*
 * The keys of a path as the arguments of fraiseql.json_get(_text)
 */
static void
append_key_arguments(FqQuery *query, List *keys)
{
	ListCell   *lc;

	appendStringInfoString(&query->sql, "(data");
	foreach(lc, keys)
	{
		appendStringInfoString(&query->sql, ", ");
		appendStringInfoString(&query->sql, quote_literal_cstr(lfirst(lc)));
	}
	appendStringInfoChar(&query->sql, ')');
}

/*
 * The value at a key path: data->'a'->'b'->>'c' (as_text) or
 * data->'a'->'b'->'c'.  A json source reads it with simdjson instead:
 * fraiseql.json_get_text(data, 'a', 'b', 'c') (see jsonsource.c).
 */
void
fq_append_data_path(FqQuery *query, List *keys, bool as_text)
{
	ListCell   *lc;

	if (query->source->data_type == JSONOID)
	{
		appendStringInfoString(&query->sql, as_text ? "fraiseql.json_get_text" :
							   "fraiseql.json_get");
		append_key_arguments(query, keys);
		return;
	}

	appendStringInfoString(&query->sql, "data");
	foreach(lc, keys)
	{
		bool		last = lnext(keys, lc) == NULL;

		appendStringInfoString(&query->sql, last && as_text ? "->>" : "->");
		appendStringInfoString(&query->sql, quote_literal_cstr(lfirst(lc)));
	}
}

/*
 * The value at a key path as jsonb, for operators only jsonb has (@>, ?,
 * jsonb_array_length, ordering): fraiseql.json_get() for a json source.
 */
void
fq_append_data_jsonb(FqQuery *query, List *keys)
{
	appendStringInfoChar(&query->sql, '(');
	fq_append_data_path(query, keys, false);
	appendStringInfoChar(&query->sql, ')');
}

/*
 * The text of a JSON scalar as the input function of a type expects it:
 * a string's characters, a number's digits, true/false.
 */
char *
fq_jsonb_value_text(const JsonbValue *value)
{
	switch (value->type)
	{
		case jbvString:
			return pnstrdup(value->val.string.val, value->val.string.len);
		case jbvNumeric:
			return DatumGetCString(DirectFunctionCall1(numeric_out,
													   NumericGetDatum(value->val.numeric)));
		case jbvBool:
			return pstrdup(value->val.boolean ? "true" : "false");
		default:
			elog(ERROR, "unexpected jsonb value type %d", (int) value->type);
	}
	return NULL;				/* keep compiler quiet */
}

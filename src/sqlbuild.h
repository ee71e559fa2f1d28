/*-------------------------------------------------------------------------
 *
 * sqlbuild.h
 *	  The statement being built (SQL text, bound parameters and where each
 *	  value came from) and the helpers that write expressions into it, used
 *	  by filter.c, order.c and query.c (sqlbuild.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_SQLBUILD_H
#define FQ_SQLBUILD_H

#include "postgres.h"

#include "lib/stringinfo.h"
#include "nodes/pg_list.h"
#include "utils/jsonb.h"

#include "source.h"

/*
 * How a parameter's value is made from the call's arguments.  The
 * translator records one per parameter, so that a later call of the same
 * shape computes its values the same way without translating (shape.c).
 */
typedef enum FqParamConv
{
	FQ_PARAM_LIMIT,				/* the limit argument */
	FQ_PARAM_OFFSET,			/* the offset argument */
	FQ_PARAM_SCALAR,			/* a JSON scalar as elem_type */
	FQ_PARAM_LIST,				/* an array of scalars as elem_type[] */
	FQ_PARAM_CONTAINS,			/* a string as the LIKE pattern %s% */
	FQ_PARAM_PREFIX,			/* ... as s% */
	FQ_PARAM_SUFFIX,			/* ... as %s */
	FQ_PARAM_LIKE,				/* a string as a LIKE pattern, checked */
	FQ_PARAM_REGEX,				/* a string as a regex, checked to compile */
	FQ_PARAM_IREGEX,			/* ... as a case-insensitive one */
	FQ_PARAM_JSONB,				/* any JSON value as jsonb */
	FQ_PARAM_LENGTH,			/* a non-negative integer as integer */
	FQ_PARAM_JSONPATH,			/* a string as jsonpath, checked */
	FQ_PARAM_TSQUERY,			/* a string through to_tsquery (elem_type:
								 * the regconfig, or the session's) */
	FQ_PARAM_PLAINTSQUERY,		/* ... plainto_tsquery */
	FQ_PARAM_PHRASETSQUERY,		/* ... phraseto_tsquery */
	FQ_PARAM_WEBTSQUERY,		/* ... websearch_to_tsquery */
	FQ_PARAM_NONE				/* (an operator that binds no parameter) */
} FqParamConv;

typedef struct FqParamSource
{
	FqParamConv conv;
	Oid			elem_type;		/* SCALAR, LIST */
	/* the filter value it comes from: its container and position there */
	const JsonbContainer *parent;
	int			position;
	/* the operator and field, for the detail of a conversion's error */
	const char *op_name;		/* a static string (the operator table's) */
	const char *field;
} FqParamSource;

/* Parameter types whose schema-qualified names a statement records */
#define FQ_MAX_NAMED_TYPES 4

/* What the statement returns */
typedef enum FqQueryKind
{
	FQ_QUERY_ROWS,				/* SELECT data ... ORDER BY ... LIMIT ... */
	FQ_QUERY_COUNT				/* SELECT count(*) ... WHERE ... */
} FqQueryKind;

typedef struct FqQuery
{
	const FqSource *source;
	StringInfoData sql;			/* the statement, with $n placeholders */
	int			nparams;
	int			maxparams;
	Oid		   *param_types;
	Datum	   *param_values;	/* never NULL: a NULL value is a shape */
	FqParamSource *param_sources;	/* where each value came from */
	/*
	 * Parameter types other than the built-in ones, which the SQL names by a
	 * name that can change: the syscache hash values of each type and its
	 * schema, so that shape.c can forget the statement when either is
	 * altered.  -1: more than FQ_MAX_NAMED_TYPES.
	 */
	int			nnamed_types;
	uint32		named_type_hashes[FQ_MAX_NAMED_TYPES];
	uint32		named_schema_hashes[FQ_MAX_NAMED_TYPES];
	bool		translation_reused; /* the shape's translation was remembered */
	/*
	 * The translation resolved a name through the search_path (a text
	 * search configuration), so another call of the shape may mean another
	 * object: shape.c does not remember it.
	 */
	bool		uses_search_path;
	FqQueryKind kind;			/* rows (read by a cursor) or count */
} FqQuery;

/* The call arguments that shape a statement; NULL pointers mean absent */
typedef struct FqQueryArgs
{
	Oid			relid;
	Jsonb	   *filter;
	Jsonb	   *order_by;
	bool		has_limit;
	int64		limit;
	bool		has_offset;
	int64		offset;
} FqQueryArgs;

/* fraiseql.snake_case_keys (GUC, SPEC section 9): how fq_storage_key maps */
extern bool fq_snake_case_keys;

extern void fq_sqlbuild_init(void);

/* writing expressions into a statement */
extern void fq_query_append_param(FqQuery *query, Oid type, Datum value,
								  const FqParamSource *source);
extern const char *fq_type_name(Oid typid);
extern void fq_check_field_name(const char *name, int len);
extern char *fq_storage_key(const char *name, int len);
extern Oid	fq_cast_type(const JsonbValue *value);
extern void fq_append_data_path(FqQuery *query, List *keys, bool as_text);
extern void fq_append_data_jsonb(FqQuery *query, List *keys);
extern void fq_append_value_path(FqQuery *query, const char *base, List *keys,
								 bool as_text);
extern Oid	fq_extension_schema(const char *extname);
extern Oid	fq_extension_type(const char *extname, const char *typname);
extern void fq_query_note_type(FqQuery *query, Oid typid);
extern char *fq_jsonb_value_text(const JsonbValue *value);

#endif							/* FQ_SQLBUILD_H */

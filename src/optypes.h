/*-------------------------------------------------------------------------
 *
 * optypes.h
 *	  Below the operator writers (operators.c): what a condition applies to
 *	  and how it is written (the target as text, jsonb or cast to a type),
 *	  and the PostgreSQL types of the newer operator families -- the
 *	  address classes of the network operators, the ltree extension's
 *	  types, and the conversion of every operand into its parameter
 *	  (optypes.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_OPTYPES_H
#define FQ_OPTYPES_H

#include "postgres.h"

#include "utils/jsonb.h"

#include "sqlbuild.h"

/* What a condition applies to: a native column, or a key path in data */
typedef struct FqFilterTarget
{
	const FqColumn *column;		/* NULL for a data key path */
	List	   *keys;			/* storage keys, outermost first */
	const char *field;			/* the field as written, for messages */
} FqFilterTarget;

typedef struct FqFilterContext
{
	FqQuery    *query;
	StringInfo	sql;			/* = &query->sql */
	/*
	 * What key paths start from: NULL for the source's data column, or the
	 * jsonb element of the quantifier being translated ("q1.e")
	 */
	const char *base;
	int			nquantifiers;	/* quantifiers written so far, naming them */
	/* the operator object being translated, for "config" */
	JsonbContainer *operator_object;
	/* the operator value being translated: its container and position */
	const JsonbContainer *value_parent;
	int			value_position;
} FqFilterContext;

/* Is the value a JSON object (object) or array (!object)? */
static inline bool
fq_is_container(const JsonbValue *value, bool object)
{
	return value->type == jbvBinary &&
		(object ? JsonContainerIsObject(value->val.binary.data)
		 : JsonContainerIsArray(value->val.binary.data));
}

/* writing the target of a condition */
extern void fq_append_text_target(FqFilterContext *cx, const FqFilterTarget *t,
								  bool need_text);
extern void fq_append_jsonb_target(FqFilterContext *cx, const FqFilterTarget *t,
								   const char *op);
extern void fq_append_typed_target(FqFilterContext *cx, const FqFilterTarget *t,
								   Oid type, bool explicit_cast);
extern void fq_append_cast_target(FqFilterContext *cx, const FqFilterTarget *t,
								  Oid type);
extern void fq_append_operator(FqFilterContext *cx, Oid cast, const char *op);

/*
 * An operand as its parameter, converted as "source" says: the one place
 * that converts, so that shape.c converts a later call's values alike
 */
extern bool fq_filter_param_value(const FqParamSource *source,
								  const JsonbValue *value, Datum *result);

/* the network operators' address classes: "the target is in the class" */
extern void fq_append_inet_class(FqFilterContext *cx, const FqFilterTarget *t,
								 const char *class_name, Oid type);

/* a text search configuration's schema-qualified name */
extern const char *fq_ts_config_name(Oid config);

/* the ltree extension: its schema (42704 with a hint without it) and types */
extern Oid	fq_ltree_schema(void);
extern Oid	fq_ltree_type(const char *typname);

#endif							/* FQ_OPTYPES_H */

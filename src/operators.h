/*-------------------------------------------------------------------------
 *
 * operators.h
 *	  The filter operators (operators.c): the table filter.c looks an
 *	  operator key up in, the writer that turns one operator entry into SQL
 *	  and a parameter, and the conversion shape.c repeats for a later call.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_OPERATORS_H
#define FQ_OPERATORS_H

#include "postgres.h"

#include "utils/jsonb.h"

#include "sqlbuild.h"

/*
 * How an operator checks its operand and writes its condition; one writer
 * per family in operators.c
 */
typedef enum FqOperatorFamily
{
	FQ_OPF_COMPARISON,			/* target <sql> $n, typed by column/cast/kind */
	FQ_OPF_LIST,				/* target = ANY($n), one array parameter */
	FQ_OPF_NOT_LIST,			/* NOT (target = ANY($n)) */
	FQ_OPF_ISNULL,				/* target IS [NOT] NULL, no parameter */
	FQ_OPF_STRING,				/* target::text <sql> $n::text (a pattern) */
	FQ_OPF_JSONB,				/* jsonb target <sql> $n::jsonb */
	FQ_OPF_ANY_KEY,				/* jsonb target <sql> $n::text[] */
	FQ_OPF_HAS_KEY,				/* jsonb target <sql> $n::text */
	FQ_OPF_LENGTH,				/* array length of the target <sql> $n::integer */
	FQ_OPF_COUNT
} FqOperatorFamily;

/* One spelling of an operator: a row of operators.c's table */
typedef struct FqOperator
{
	const char *canonical;		/* lower case, no underscores: the lookup key */
	const char *name;			/* as error messages spell it */
	FqOperatorFamily family;
	const char *sql;			/* the SQL operator the family's writer uses */
	FqParamConv conv;			/* how the operand becomes the parameter */
} FqOperator;

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

/* The operator a key spells (any case, underscores ignored), or NULL */
extern const FqOperator *fq_operator_find(const char *key, int len);

/* "Valid operators are ...": the hint of every error about operators */
extern const char *fq_operator_hint(void);

extern void fq_operator_append(FqFilterContext *cx, const FqFilterTarget *t,
							   const FqOperator *op, const JsonbValue *value,
							   Oid cast);

extern bool fq_filter_param_value(const FqParamSource *source,
								  const JsonbValue *value, Datum *result);

#endif							/* FQ_OPERATORS_H */

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
#include "optypes.h"

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
	FQ_OPF_STRICT_CONTAINS,		/* (target @> $n::jsonb AND target <> $n) */
	FQ_OPF_JSONPATH,			/* jsonb target <sql> $n::jsonpath */
	FQ_OPF_FULLTEXT,			/* to_tsvector([cfg,] text) @@ $n::tsquery */
	FQ_OPF_INET_CLASS,			/* family / special ranges of an address, no
								 * parameter (sql: which class) */
	FQ_OPF_INET,				/* target::inet <sql> $n::inet */
	FQ_OPF_RANGE,				/* target::range <sql> $n (overlaps: inet too) */
	FQ_OPF_LTREE,				/* target::ltree <sql> $n::ltree/lquery/... */
	FQ_OPF_LTREE_DEPTH,			/* nlevel(target::ltree) <sql> $n::integer */
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

/* The operator a key spells (any case, underscores ignored), or NULL */
extern const FqOperator *fq_operator_find(const char *key, int len);

/* "Valid operators are ...": the hint of every error about operators */
extern const char *fq_operator_hint(void);
extern const char *fq_operator_closest(const char *key, int len);

extern void fq_operator_append(FqFilterContext *cx, const FqFilterTarget *t,
							   const FqOperator *op, const JsonbValue *value,
							   Oid cast);


#endif							/* FQ_OPERATORS_H */

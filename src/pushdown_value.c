/*-------------------------------------------------------------------------
 *
 * pushdown_value.c
 *	  The analysis half of the view pushdown: given a view's jsonb data
 *	  expression and a key path, the expression over the view's own columns
 *	  that gives the same result for every row, or nothing.
 *
 * A key's value is described by a Val:
 *
 *	MISSING  the access gives SQL NULL (no such key, or an access below a
 *			 scalar, an array or a JSON null);
 *	SQL x	 the value is x converted as jsonb_build_object converts its
 *			 arguments (datum_to_jsonb, which to_jsonb shares), SQL NULL
 *			 becoming JSON null: jsonb_build_object('k', NULL) has the key,
 *			 so data->'k' is 'null'::jsonb while data->>'k' is SQL NULL;
 *	ACCESS	 e -> key for a jsonb e we do not look into (a jsonb column or a
 *			 nested view's data, or -> of them): exact as written, and a
 *			 nested view's access is rewritten again when the planner hook
 *			 reaches that view;
 *	CASE	 a CASE (or a COALESCE, as CASE WHEN e IS NOT NULL ...) whose
 *			 branches are Vals;
 *	UNKNOWN  nothing is known: the access is left as written.
 *
 * What gives UNKNOWN: a jsonb_build_object with a key that is not a text
 * constant (any key could be the one asked for), a VARIADIC array call, an
 * operand of || that is not itself a jsonb_build_object (or || of them):
 * || concatenates arrays and scalars and is NULL for a NULL operand, so only
 * two objects merge with the right side winning; a value holding a
 * subquery (the jsonb_agg of children: moving it would only move the work);
 * a volatile data expression (it would run a different number of times);
 * a key below a value whose jsonb form we do not model (the fields of a
 * composite, a domain, a type with a cast to json); another jsonb
 * expression (a function call: copying it could only add work).  A value
 * of any type itself is exact through to_jsonb, the conversion
 * jsonb_build_object makes.
 *
 * The optional parent, CASE WHEN t.pk IS NULL THEN NULL ELSE
 * jsonb_build_object(...) END with t.pk NOT NULL, is t's columns for the
 * SQL NULL forms (collapse_outer_join_case).
 *
 * The result forms, each exact:
 *	->   SQL x: COALESCE(to_jsonb(x), 'null'), or COALESCE(x, 'null') for
 *		 jsonb x;
 *	->>  SQL x of text, varchar (default collation: the ->> result's),
 *		 uuid, int2/4/8, numeric, boolean: x::text, as jsonb writes them
 *		 (numeric keeps its scale; NaN and the infinities become strings
 *		 with the same text; booleans true/false); any other x:
 *		 to_jsonb(x) #>> '{}' (floats, timestamps: their jsonb text is not
 *		 their ::text);
 *	(->>)::T  over SQL x of type T that round-trips through the text jsonb
 *		 writes (the types above, and timestamptz, timestamp and date,
 *		 whose ISO 8601 text reads back to the same value in any DateStyle
 *		 and time zone, across DST changes, BC, infinities): x itself; an
 *		 integer x cast to numeric: x::numeric.  Floats are left out: -0
 *		 becomes 0 through numeric;
 *	(->>) IS [NOT] NULL  over SQL x of a scalar type: x IS [NOT] NULL (the
 *		 caller keeps the test above the view: a NULL test is not strict);
 *	ORDER BY -> over SQL x of text (default collation), an integer or
 *		 boolean: ORDER BY x, NULLs first ascending, last descending.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parse_coerce.h"
#include "parser/parse_collate.h"
#include "parser/parse_node.h"
#include "rewrite/rewriteManip.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#include "pushdown_nulls.h"
#include "pushdown_value.h"

/* pg_operator OIDs of the jsonb access operators (stable, from pg_operator.dat) */
#define FQ_OP_JSONB_FIELD			3211	/* jsonb -> text */
#define FQ_OP_JSONB_FIELD_TEXT		3477	/* jsonb ->> text */
#define FQ_OP_JSONB_PATH_TEXT		3206	/* jsonb #>> text[] */
#define FQ_OP_JSONB_CONCAT			3284	/* jsonb || jsonb */

typedef enum ValKind
{
	V_UNKNOWN,
	V_MISSING,
	V_SQL,
	V_ACCESS,
	V_CASE
} ValKind;

typedef struct Val
{
	ValKind		kind;
	Expr	   *expr;			/* V_SQL: the value; V_ACCESS: the object */
	char	   *key;			/* V_ACCESS */
	CaseExpr   *tmpl;			/* V_CASE: results replaced on output */
	List	   *branches;		/* V_CASE: a Val per WHEN, then the ELSE */
} Val;

static Val *getkey(Expr *e, const char *key);
static Val *concat_fallback(Val *rv, Expr *l, const char *key);

/*
 * Whether a cast that can fail (text to a type) may go into the view's new
 * column.  Not into a security_barrier view: PostgreSQL may push a
 * leakproof condition on the column into the view with the column's
 * expression, and although it orders it after the view's own conditions,
 * the cast is kept above the view, where the statement has it, rather than
 * rely on that.  Set by each call of fq_pushdown_access.
 */
static bool io_casts_allowed = true;
static Expr *text_output(Val *v, Oid unused);

static Val *
mkval(ValKind kind, Expr *expr)
{
	Val		   *v = palloc0(sizeof(Val));

	v->kind = kind;
	v->expr = expr;
	return v;
}

/* Types whose jsonb text (->>) is their ::text */
static bool
text_exact_type(Oid t)
{
	switch (t)
	{
		case TEXTOID:
		case VARCHAROID:
		case UUIDOID:
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case NUMERICOID:
		case BOOLOID:
			return true;
		default:
			return false;
	}
}

/* Types whose jsonb text read back as the type is the value itself */
static bool
roundtrip_type(Oid t)
{
	switch (t)
	{
		case UUIDOID:
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case NUMERICOID:
		case BOOLOID:
		case TIMESTAMPTZOID:
		case TIMESTAMPOID:
		case DATEOID:
			return true;
		default:
			return false;
	}
}

/*
 * Values whose jsonb form orders as the value does, SQL NULL (a JSON null,
 * below every other jsonb scalar) first: strings compare in the default
 * collation in jsonb, so text and varchar of that collation; numbers
 * numerically, so the integers (not numeric: jsonb writes NaN and the
 * infinities as strings, which sort above every number); false < true.
 * The key of a jsonb_build_object is always there, so its jsonb value is
 * never SQL NULL and the ordering's NULLS clause changes nothing.
 */
static bool
order_exact_type(Expr *x)
{
	switch (exprType((Node *) x))
	{
		case TEXTOID:
		case VARCHAROID:
			return exprCollation((Node *) x) == DEFAULT_COLLATION_OID;
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case BOOLOID:
			return true;
		default:
			return false;
	}
}

/* Types that jsonb holds as a scalar (never JSON null unless SQL NULL) */
static bool
scalar_type(Oid t)
{
	if (text_exact_type(t) || roundtrip_type(t))
		return true;
	return t == FLOAT4OID || t == FLOAT8OID || t == BPCHAROID ||
		t == TIMEOID || t == TIMETZOID;
}

static Const *
text_const(const char *s)
{
	return makeConst(TEXTOID, -1, DEFAULT_COLLATION_OID, -1,
					 CStringGetTextDatum(s), false, false);
}

static Const *
jsonb_null_const(void)
{
	return makeConst(JSONBOID, -1, InvalidOid, -1,
					 DirectFunctionCall1(jsonb_in, CStringGetDatum("null")),
					 false, false);
}

static Expr *
make_op(Oid opno, Oid restype, Expr *l, Expr *r)
{
	OpExpr	   *op = (OpExpr *) make_opclause(opno, restype, false, l, r,
											  InvalidOid, InvalidOid);

	op->opfuncid = get_opcode(opno);
	return (Expr *) op;
}

static Expr *
make_field(Expr *obj, const char *key, bool as_text)
{
	return make_op(as_text ? FQ_OP_JSONB_FIELD_TEXT : FQ_OP_JSONB_FIELD,
				   as_text ? TEXTOID : JSONBOID, obj, (Expr *) text_const(key));
}

/* e #>> '{}': the text of a jsonb scalar (SQL NULL for JSON null) */
static Expr *
make_root_text(Expr *e)
{
	Const	   *path = makeConst(TEXTARRAYOID, -1, DEFAULT_COLLATION_OID, -1,
								 PointerGetDatum(construct_empty_array(TEXTOID)),
								 false, false);

	return make_op(FQ_OP_JSONB_PATH_TEXT, TEXTOID, e, (Expr *) path);
}

static Expr *
make_coalesce_null(Expr *e)
{
	CoalesceExpr *c = makeNode(CoalesceExpr);

	c->coalescetype = JSONBOID;
	c->args = list_make2(e, jsonb_null_const());
	c->location = -1;
	return (Expr *) c;
}

static Expr *
make_to_jsonb(Expr *x)
{
	return (Expr *) makeFuncExpr(F_TO_JSONB, JSONBOID, list_make1(x),
								 InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL);
}

/*
 * A key argument of jsonb_build_object as a C string, or NULL if it is not
 * a constant string.  A literal key stays an unknown-type Const (whose value
 * is a C string) since the function takes "any".
 */
static char *
const_key(Node *a)
{
	Const	   *c = (Const *) a;

	if (!IsA(a, Const) || c->constisnull)
		return NULL;
	if (c->consttype == UNKNOWNOID)
		return DatumGetCString(c->constvalue);
	if (c->consttype == TEXTOID || c->consttype == VARCHAROID)
		return TextDatumGetCString(c->constvalue);
	return NULL;
}

static bool
is_build_object_call(Expr *e)
{
	return IsA(e, FuncExpr) &&
		(((FuncExpr *) e)->funcid == F_JSONB_BUILD_OBJECT_ANY ||
		 ((FuncExpr *) e)->funcid == F_JSONB_BUILD_OBJECT_);
}

/* A jsonb_build_object call we can read: constant string keys, not VARIADIC */
static bool
is_build_object(Expr *e)
{
	FuncExpr   *f = (FuncExpr *) e;
	ListCell   *lc;
	int			i = 0;

	if (!is_build_object_call(e))
		return false;
	if (f->funcvariadic || list_length(f->args) % 2 != 0)
		return false;
	foreach(lc, f->args)
	{
		if (i++ % 2 == 0 && const_key(lfirst(lc)) == NULL)
			return false;
	}
	return true;
}

/* A jsonb constant that is an object: '{}' in a CASE branch of || */
static bool
is_object_const(Expr *e)
{
	Const	   *c = (Const *) e;

	return IsA(e, Const) && c->consttype == JSONBOID && !c->constisnull &&
		JB_ROOT_IS_OBJECT(DatumGetJsonbP(c->constvalue));
}

/*
 * An expression that is always a JSON object, never SQL NULL: the operands
 * || merges key by key.  FraiseQL views add optional keys with
 * "|| CASE WHEN x IS NOT NULL THEN jsonb_build_object('k', x) ELSE '{}' END",
 * a CASE whose every branch (ELSE included) is an object.
 */
static bool
is_known_object(Expr *e)
{
	check_stack_depth();
	if (is_build_object(e) || is_object_const(e))
		return true;
	if (IsA(e, OpExpr) && ((OpExpr *) e)->opno == FQ_OP_JSONB_CONCAT)
		return is_known_object(linitial(((OpExpr *) e)->args)) &&
			is_known_object(lsecond(((OpExpr *) e)->args));
	if (IsA(e, CaseExpr))
	{
		CaseExpr   *c = (CaseExpr *) e;
		ListCell   *lc;

		if (c->defresult == NULL || !is_known_object(c->defresult))
			return false;
		foreach(lc, c->args)
			if (!is_known_object(((CaseWhen *) lfirst(lc))->result))
				return false;
		return true;
	}
	return false;
}

/* An expression we may copy out of the view: no subquery, nothing volatile */
static bool
movable(Expr *e)
{
	return !checkExprHasSubLink((Node *) e) &&
		!contain_volatile_functions((Node *) e);
}

/* A jsonb Var, or Var -> 'k' -> ...: a column or a nested view's data */
static bool
is_var_access(Expr *e)
{
	while (IsA(e, OpExpr) && ((OpExpr *) e)->opno == FQ_OP_JSONB_FIELD &&
		   IsA(lsecond(((OpExpr *) e)->args), Const))
		e = linitial(((OpExpr *) e)->args);
	return IsA(e, Var) && exprType((Node *) e) == JSONBOID;
}

/* Whether two Vals give the same result in every row, as far as we can tell */
static bool
val_equal(const Val *a, const Val *b)
{
	ListCell   *la;
	ListCell   *lb;

	check_stack_depth();
	if (a->kind != b->kind)
		return false;
	switch (a->kind)
	{
		case V_MISSING:
			return true;
		case V_SQL:
			return equal(a->expr, b->expr);
		case V_ACCESS:
			return equal(a->expr, b->expr) && strcmp(a->key, b->key) == 0;
		case V_CASE:
			if (a->tmpl != b->tmpl || list_length(a->branches) != list_length(b->branches))
				return false;
			forboth(la, a->branches, lb, b->branches)
				if (!val_equal(lfirst(la), lfirst(lb)))
					return false;
			return true;
		default:
			return false;
	}
}

/*
 * A CASE whose branches all give the same value is that value: the tests of
 * an optional key's CASE do not matter to the other keys (each branch takes
 * the left side's value), and dropping them lets an index apply.  The tests
 * are movable expressions, so not evaluating them changes nothing but work.
 */
static Val *
collapse_case(Val *v)
{
	ListCell   *lc;

	if (v->kind != V_CASE || v->branches == NIL)
		return v;
	foreach(lc, v->branches)
		if (!val_equal(linitial(v->branches), lfirst(lc)))
			return v;
	return linitial(v->branches);
}

/*
 * The key's value in l || r, given r's: r's where r has the key, else l's.
 * r may have it in some branches of a CASE only (an optional key, "|| CASE
 * WHEN x IS NOT NULL THEN jsonb_build_object('k', x) ELSE '{}' END"): then
 * each branch without it takes l's value, under the same test.
 */
static Val *
concat_fallback(Val *rv, Expr *l, const char *key)
{
	check_stack_depth();
	if (rv->kind == V_MISSING)
		return getkey(l, key);
	if (rv->kind == V_CASE)
	{
		Val		   *v = mkval(V_CASE, NULL);
		ListCell   *lc;

		v->tmpl = rv->tmpl;
		foreach(lc, rv->branches)
		{
			Val		   *b = concat_fallback(lfirst(lc), l, key);

			if (b->kind == V_UNKNOWN)
				return b;
			v->branches = lappend(v->branches, b);
		}
		return collapse_case(v);
	}
	return rv;
}

/* The value of key in a jsonb expression e (e's SQL NULL gives MISSING) */
static Val *
getkey(Expr *e, const char *key)
{
	check_stack_depth();

	if (IsA(e, Const))
	{
		Const	   *c = (Const *) e;
		Jsonb	   *j;
		JsonbValue	buf;
		JsonbValue *found;

		if (c->constisnull)
			return mkval(V_MISSING, NULL);
		if (c->consttype != JSONBOID)
			return mkval(V_UNKNOWN, NULL);
		/* a constant's keys are known: -> of an array or scalar is NULL */
		j = DatumGetJsonbP(c->constvalue);
		if (!JB_ROOT_IS_OBJECT(j))
			return mkval(V_MISSING, NULL);
		found = getKeyJsonValueFromContainer(&j->root, key, strlen(key), &buf);
		if (found == NULL)
			return mkval(V_MISSING, NULL);
		return mkval(V_SQL, (Expr *) makeConst(JSONBOID, -1, InvalidOid, -1,
											   JsonbPGetDatum(JsonbValueToJsonb(found)),
											   false, false));
	}
	if (is_build_object(e))
	{
		FuncExpr   *f = (FuncExpr *) e;
		Expr	   *found = NULL;
		ListCell   *lc;

		/* the last duplicate wins */
		for (lc = list_head(f->args); lc != NULL; lc = lnext(f->args, lnext(f->args, lc)))
		{
			if (strcmp(const_key(lfirst(lc)), key) == 0)
				found = lfirst(lnext(f->args, lc));
		}
		if (found == NULL)
			return mkval(V_MISSING, NULL);
		/* a literal value is an unknown-type Const: jsonb writes its text */
		if (IsA(found, Const) && ((Const *) found)->consttype == UNKNOWNOID)
			found = ((Const *) found)->constisnull ?
				(Expr *) makeNullConst(TEXTOID, -1, DEFAULT_COLLATION_OID) :
				(Expr *) text_const(DatumGetCString(((Const *) found)->constvalue));
		if (exprType((Node *) found) == UNKNOWNOID || !movable(found))
			return mkval(V_UNKNOWN, NULL);
		return mkval(V_SQL, found);
	}
	/* keys we cannot read: any of them could be the one asked for */
	if (is_build_object_call(e))
		return mkval(V_UNKNOWN, NULL);
	if (IsA(e, FuncExpr) && ((FuncExpr *) e)->funcid == F_TO_JSONB)
	{
		Expr	   *x = linitial(((FuncExpr *) e)->args);
		Oid			t = exprType((Node *) x);

		if (t == JSONBOID)
			return getkey(x, key);
		if (scalar_type(t) || type_is_array(t))
			return mkval(V_MISSING, NULL);
		return mkval(V_UNKNOWN, NULL);
	}
	if (IsA(e, OpExpr) && ((OpExpr *) e)->opno == FQ_OP_JSONB_CONCAT)
	{
		Expr	   *l = linitial(((OpExpr *) e)->args);
		Expr	   *r = lsecond(((OpExpr *) e)->args);
		Val		   *v;

		/* only two objects merge; anything else blocks every key */
		if (!is_known_object(l) || !is_known_object(r))
			return mkval(V_UNKNOWN, NULL);
		v = getkey(r, key);
		return concat_fallback(v, l, key);
	}
	if (IsA(e, CaseExpr) || IsA(e, CoalesceExpr))
	{
		CaseExpr   *c;
		List	   *branches = NIL;
		ListCell   *lc;

		if (IsA(e, CaseExpr))
			c = (CaseExpr *) e;
		else
		{
			/* COALESCE(a, b, ...) is CASE WHEN a IS NOT NULL THEN a ... ELSE last */
			CoalesceExpr *co = (CoalesceExpr *) e;

			c = makeNode(CaseExpr);
			c->casetype = JSONBOID;
			c->location = -1;
			foreach(lc, co->args)
			{
				Expr	   *a = lfirst(lc);
				CaseWhen   *w;
				NullTest   *nt;

				if (lnext(co->args, lc) == NULL || is_known_object(a))
				{
					c->defresult = a;
					break;
				}
				nt = makeNode(NullTest);
				nt->arg = a;
				nt->nulltesttype = IS_NOT_NULL;
				nt->location = -1;
				w = makeNode(CaseWhen);
				w->expr = (Expr *) nt;
				w->result = a;
				w->location = -1;
				c->args = lappend(c->args, w);
			}
		}
		/* the tests are copied out; a result is looked into by getkey */
		if (c->arg != NULL && !movable(c->arg))
			return mkval(V_UNKNOWN, NULL);
		foreach(lc, c->args)
		{
			Val		   *b;

			if (!movable(((CaseWhen *) lfirst(lc))->expr))
				return mkval(V_UNKNOWN, NULL);
			b = getkey(((CaseWhen *) lfirst(lc))->result, key);

			if (b->kind == V_UNKNOWN)
				return b;
			branches = lappend(branches, b);
		}
		branches = lappend(branches, c->defresult ?
						   getkey(c->defresult, key) : mkval(V_MISSING, NULL));
		if (((Val *) llast(branches))->kind == V_UNKNOWN)
			return llast(branches);
		{
			Val		   *v = mkval(V_CASE, NULL);

			v->tmpl = c;
			v->branches = branches;
			return collapse_case(v);
		}
	}
	/*
	 * A jsonb column, or a nested view's data (rewritten in turn when the
	 * hook reaches that view): e -> key as written.  Other expressions
	 * (function calls) are not copied: that could only add work.
	 */
	if (is_var_access(e))
	{
		Val		   *v = mkval(V_ACCESS, e);

		v->key = pstrdup(key);
		return v;
	}
	return mkval(V_UNKNOWN, NULL);
}

/* The next key below a Val */
static Val *
val_getkey(Val *v, const char *key)
{
	Val		   *r;
	ListCell   *lc;

	check_stack_depth();
	switch (v->kind)
	{
		case V_UNKNOWN:
		case V_MISSING:
			return v;
		case V_SQL:
			{
				Oid			t = exprType((Node *) v->expr);

				if (t == JSONBOID)
					return getkey(v->expr, key);
				if (scalar_type(t) || type_is_array(t))
					return mkval(V_MISSING, NULL);
				return mkval(V_UNKNOWN, NULL);
			}
		case V_ACCESS:
			r = mkval(V_ACCESS, make_field(v->expr, v->key, false));
			r->key = pstrdup(key);
			return r;
		case V_CASE:
			r = mkval(V_CASE, NULL);
			r->tmpl = v->tmpl;
			foreach(lc, v->branches)
			{
				Val		   *b = val_getkey(lfirst(lc), key);

				if (b->kind == V_UNKNOWN)
					return b;
				r->branches = lappend(r->branches, b);
			}
			return r;
	}
	return mkval(V_UNKNOWN, NULL);
}

typedef Expr *(*ValOutput) (Val *v, Oid arg);

/* A CASE of the branches' outputs of type restype, or NULL */
static Expr *
case_output(Val *v, ValOutput out, Oid arg, Oid restype)
{
	CaseExpr   *c = copyObject(v->tmpl);
	ListCell   *lw;
	ListCell   *lb = list_head(v->branches);
	Expr	   *r;

	foreach(lw, c->args)
	{
		r = out(lfirst(lb), arg);
		if (r == NULL)
			return NULL;
		((CaseWhen *) lfirst(lw))->result = r;
		lb = lnext(v->branches, lb);
	}
	r = out(lfirst(lb), arg);
	if (r == NULL)
		return NULL;
	c->defresult = r;
	c->casetype = restype;
	c->casecollid = InvalidOid;
	return (Expr *) c;
}

static Expr *
jsonb_output(Val *v, Oid unused)
{
	switch (v->kind)
	{
		case V_MISSING:
			return (Expr *) makeNullConst(JSONBOID, -1, InvalidOid);
		case V_SQL:
			if (exprType((Node *) v->expr) == JSONBOID)
				return make_coalesce_null(v->expr);
			return make_coalesce_null(make_to_jsonb(v->expr));
		case V_ACCESS:
			return make_field(v->expr, v->key, false);
		case V_CASE:
			return case_output(v, jsonb_output, InvalidOid, JSONBOID);
		default:
			return NULL;
	}
}

static Expr *
text_output(Val *v, Oid unused)
{
	switch (v->kind)
	{
		case V_MISSING:
			return (Expr *) makeNullConst(TEXTOID, -1, DEFAULT_COLLATION_OID);
		case V_SQL:
			{
				Oid			t = exprType((Node *) v->expr);
				Oid			coll = exprCollation((Node *) v->expr);

				if (text_exact_type(t) &&
					(coll == InvalidOid || coll == DEFAULT_COLLATION_OID))
					return (Expr *) coerce_to_target_type(NULL, (Node *) v->expr, t,
														  TEXTOID, -1,
														  COERCION_EXPLICIT,
														  COERCE_EXPLICIT_CAST, -1);
				if (t == JSONBOID && IsA(v->expr, OpExpr) &&
					((OpExpr *) v->expr)->opno == FQ_OP_JSONB_FIELD &&
					is_var_access(v->expr))
				{
					/* (a -> 'k') #>> '{}' is a ->> 'k', which a nested view rewrites */
					OpExpr	   *op = (OpExpr *) v->expr;

					return make_field(linitial(op->args),
									  TextDatumGetCString(((Const *) lsecond(op->args))->constvalue),
									  true);
				}
				if (t == JSONBOID)
					return make_root_text(v->expr);
				return make_root_text(make_to_jsonb(v->expr));
			}
		case V_ACCESS:
			return make_field(v->expr, v->key, true);
		case V_CASE:
			return case_output(v, text_output, InvalidOid, TEXTOID);
		default:
			return NULL;
	}
}

static Expr *
make_io_cast(Expr *arg, Oid type)
{
	CoerceViaIO *c = makeNode(CoerceViaIO);

	c->arg = arg;
	c->resulttype = type;
	c->coerceformat = COERCE_EXPLICIT_CAST;
	c->location = -1;
	return (Expr *) c;
}

/* (text of v)::type, where that is the value itself (or an exact cast of it) */
static Expr *
cast_output(Val *v, Oid type)
{
	switch (v->kind)
	{
		case V_MISSING:
			return (Expr *) makeNullConst(type, -1, InvalidOid);
		case V_SQL:
			{
				Oid			t = exprType((Node *) v->expr);

				if (t == type && roundtrip_type(t))
					return v->expr;
				if (type == NUMERICOID &&
					(t == INT2OID || t == INT4OID || t == INT8OID))
					return (Expr *) coerce_to_target_type(NULL, (Node *) v->expr, t,
														  NUMERICOID, -1,
														  COERCION_EXPLICIT,
														  COERCE_EXPLICIT_CAST, -1);
				if (t == JSONBOID && is_var_access(v->expr) && io_casts_allowed)
					return make_io_cast(text_output(v, InvalidOid), type);
				return NULL;
			}
		case V_ACCESS:
			/* the same cast over a nested view's ->>, which that view rewrites */
			if (io_casts_allowed)
				return make_io_cast(text_output(v, InvalidOid), type);
			return NULL;
		case V_CASE:
			return case_output(v, cast_output, type, type);
		default:
			return NULL;
	}
}

/*
 * The object of a row of an outer join's nullable side, as FraiseQL views
 * write it: CASE WHEN t.pk IS NULL THEN NULL ELSE jsonb_build_object(..,
 * t.col, ..) END (or IS NOT NULL with the branches swapped).  When t.pk is
 * a NOT NULL column, the test is true only on a null-extended row, where
 * t.col is NULL too; so for the SQL NULL forms (->>, casts) a key whose
 * value is a column of t is that column, and conditions on it can go to
 * t's scan.  (For -> and the jsonb order it is not: the column's NULL is a
 * JSON null there, the missing row's SQL NULL.)
 * The plan depends on the NOT NULL constraint, as on every relation the
 * view reads: the plan cache re-plans on a change to the table.
 */
static Val *
collapse_outer_join_case(Val *v, List *rtable)
{
	CaseWhen   *w;
	NullTest   *nt;
	Val		   *missing;
	Val		   *present;
	Node	   *x;

	if (v->kind != V_CASE || v->tmpl->arg != NULL || list_length(v->tmpl->args) != 1)
		return v;
	w = linitial(v->tmpl->args);
	if (!IsA(w->expr, NullTest) || ((NullTest *) w->expr)->argisrow)
		return v;
	nt = (NullTest *) w->expr;
	missing = nt->nulltesttype == IS_NULL ? linitial(v->branches) : lsecond(v->branches);
	present = nt->nulltesttype == IS_NULL ? lsecond(v->branches) : linitial(v->branches);
	if (missing->kind != V_MISSING || present->kind != V_SQL)
		return v;
	x = (Node *) present->expr;
	if (IsA(x, RelabelType))
		x = (Node *) ((RelabelType *) x)->arg;
	if (!IsA(x, Var) || ((Var *) x)->varlevelsup != 0 ||
		((Var *) x)->varno != ((Var *) nt->arg)->varno ||
		!fq_pushdown_var_not_null((Node *) nt->arg, rtable))
		return v;
	return present;
}

Expr *
fq_pushdown_access(Expr *view_expr, List *rtable, bool barrier, List *keys,
				   FqAccessForm form, Oid cast_type)
{
	Val		   *v;
	ListCell   *lc;
	Expr	   *result = NULL;

	io_casts_allowed = !barrier;
	if (keys == NIL || exprType((Node *) view_expr) != JSONBOID ||
		contain_volatile_functions((Node *) view_expr))
		return NULL;

	v = getkey(view_expr, linitial(keys));
	for_each_from(lc, keys, 1)
	{
		if (v->kind == V_UNKNOWN)
			break;
		v = val_getkey(v, lfirst(lc));
	}
	if (v->kind == V_UNKNOWN)
		return NULL;
	/* only where SQL NULL and JSON null give the same result (see above) */
	if (form == FQ_ACCESS_TEXT || form == FQ_ACCESS_CAST || form == FQ_ACCESS_NULLTEST)
		v = collapse_outer_join_case(v, rtable);

	switch (form)
	{
		case FQ_ACCESS_JSONB:
			result = jsonb_output(v, InvalidOid);
			break;
		case FQ_ACCESS_TEXT:
			result = text_output(v, InvalidOid);
			break;
		case FQ_ACCESS_CAST:
			result = cast_output(v, cast_type);
			break;
		case FQ_ACCESS_NULLTEST:
			/* the scalar itself: the caller tests it (see pushdown.c) */
			if (v->kind == V_SQL && scalar_type(exprType((Node *) v->expr)))
				result = v->expr;
			break;
		case FQ_ACCESS_ORDER:
			if (v->kind == V_SQL && order_exact_type(v->expr))
				result = v->expr;
			break;
	}
	if (result == NULL || !movable(result))
		return NULL;

	/* the nodes built here have no collations yet; the copied ones keep theirs */
	{
		ParseState *pstate = make_parsestate(NULL);

		assign_expr_collations(pstate, (Node *) result);
		free_parsestate(pstate);
	}
	return result;
}

/*-------------------------------------------------------------------------
 *
 * keyset.c
 *	  The keys fraiseql.connection() pages by, and the statement of a page.
 *
 * The keys are order_by's items (order.c describes them) and then the
 * source's primary key -- for a relation without one (a view), its "id"
 * column -- so that the order is total and a position between two rows is
 * exact.  A view's "id" is not known to be NOT NULL, so it is paged as a
 * key that may be NULL: a NULL id sorts where ORDER BY puts it and is not
 * lost (its uniqueness, which no catalog can tell, is the view's promise).
 * The tiebreak follows the direction of the last order_by key, so that one
 * index on (key, id) serves both directions of a page.
 *
 * A page reads the rows strictly after a position in the order the
 * statement scans in: the order itself for first/after, the reverse
 * (directions and NULL placement flipped) for last/before, whose page
 * connection.c turns back.  The condition is written so that an index on
 * the keys bounds the scan, unlike an OR expansion alone (pg_graphql's),
 * which no index can use as a bound:
 *
 * - keys that cannot be NULL, all in one direction: a row comparison,
 *		(k1, k2, id) > ($1, $2, $3), which btree takes as an index bound;
 * - a first key that may be NULL, then keys that cannot, one way: the same
 *   row comparison, for the rows whose first key is not NULL;
 * - otherwise a bound on the first key and the exact expansion:
 *		k1 >= $1 AND (k1 > $1 OR (k1 = $1 AND <the same for k2...>))
 *   where NULLs are placed as ORDER BY places them: NULLS LAST puts every
 *   NULL after any value, NULLS FIRST before; a position whose value is
 *   NULL matches "k IS NULL" and is followed by every value under NULLS
 *   FIRST, by none under NULLS LAST.  The NULL rows that follow a value of
 *   the first key (NULLS LAST) would break the bound, so they are a second
 *   branch, "k1 IS NULL", and the page is
 *		SELECT * FROM ((<bounded branch> ORDER BY .. LIMIT n)
 *					   UNION ALL (<NULL branch> ORDER BY .. LIMIT n)) ORDER BY .. LIMIT n
 *   two ordered index scans of at most n rows each.
 *
 * The text depends on the order, the direction, which positions are given
 * and which of their values are NULL, never on the values, which are bound
 * parameters: one shape per (order, direction, cursor), shared by the plan
 * cache across pages and backends.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"

#include "filter.h"
#include "keyset.h"
#include "order.h"

/* Adds a tiebreak key for a native column, unless order_by has it already */
static void
add_tiebreak(List **keys, Form_pg_attribute att, bool descending)
{
	ListCell   *lc;
	FqKeysetKey *key;
	const char *name = NameStr(att->attname);

	foreach(lc, *keys)
	{
		FqKeysetKey *k = lfirst(lc);

		if (k->tiebreak)
			continue;
		/* the very column, uncast: already a key */
		if (strcmp(k->expr, quote_identifier(name)) == 0 && k->typid == att->atttypid)
			return;
	}
	key = palloc0(sizeof(FqKeysetKey));
	key->expr = pstrdup(quote_identifier(name));
	key->typid = att->atttypid;
	key->descending = descending;
	key->nulls_first = descending;
	/* a primary key is NOT NULL; a view's id is not known to be */
	key->nullable = !att->attnotnull;
	key->tiebreak = true;
	*keys = lappend(*keys, key);
}

void
fq_keyset_init(FqKeyset *keyset, const FqSource *source, Jsonb *order_by)
{
	List	   *order = order_by ? fq_order_keys(source, order_by) : NIL;
	List	   *keys = NIL;
	ListCell   *lc;
	Relation	rel;
	TupleDesc	desc;
	Oid			pkindex = InvalidOid;
	bool		descending = false;
	StringInfoData shape;
	int			i;

	/* fq_source_resolve holds the lock until the transaction ends */
	rel = relation_open(source->relid, NoLock);
	desc = RelationGetDescr(rel);

	foreach(lc, order)
	{
		FqOrderKey *o = lfirst(lc);
		FqKeysetKey *key = palloc0(sizeof(FqKeysetKey));

		key->expr = o->expr;
		key->typid = o->typid;
		key->descending = o->descending;
		key->nulls_first = o->nulls_first;
		key->nullable = true;
		if (o->column)
		{
			for (i = 0; i < desc->natts; i++)
			{
				Form_pg_attribute att = TupleDescAttr(desc, i);

				if (!att->attisdropped &&
					strcmp(NameStr(att->attname), o->column->name) == 0)
					key->nullable = !att->attnotnull;
			}
		}
		descending = o->descending;
		keys = lappend(keys, key);
	}

	if (rel->rd_rel->relkind == RELKIND_RELATION ||
		rel->rd_rel->relkind == RELKIND_PARTITIONED_TABLE)
		pkindex = RelationGetPrimaryKeyIndex(rel);
	if (OidIsValid(pkindex))
	{
		HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(pkindex));
		Form_pg_index index;

		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for index %u", pkindex);
		index = (Form_pg_index) GETSTRUCT(tup);
		for (i = 0; i < index->indnkeyatts; i++)
			add_tiebreak(&keys, TupleDescAttr(desc, index->indkey.values[i] - 1),
						 descending);
		ReleaseSysCache(tup);
	}
	else
	{
		bool		found = false;

		for (i = 0; i < desc->natts && !found; i++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, i);

			if (!att->attisdropped && strcmp(NameStr(att->attname), "id") == 0)
			{
				add_tiebreak(&keys, att, descending);
				found = true;
			}
		}
		if (!found)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("relation \"%s\" has neither a primary key nor a column \"id\"",
							RelationGetRelationName(rel)),
					 errdetail("A connection pages by order_by and then by a unique key, so that every position is exact."),
					 errhint("Add a primary key to the table, or expose a unique, non-null \"id\" column in the view.")));
	}
	relation_close(rel, NoLock);

	keyset->source = source;
	keyset->nkeys = list_length(keys);
	keyset->keys = palloc(sizeof(FqKeysetKey) * keyset->nkeys);
	keyset->types = palloc(sizeof(Oid) * keyset->nkeys);
	keyset->nullable = palloc(sizeof(bool) * keyset->nkeys);
	initStringInfo(&shape);
	appendStringInfo(&shape, "%u", (unsigned) source->data_type);
	i = 0;
	foreach(lc, keys)
	{
		FqKeysetKey *key = lfirst(lc);

		keyset->keys[i] = *key;
		keyset->types[i] = key->typid;
		keyset->nullable[i] = key->nullable;
		/* nullability is left out: a cursor outlives SET NOT NULL */
		appendStringInfo(&shape, "|%s|%u|%d|%d", key->expr, (unsigned) key->typid,
						 (int) key->descending, (int) key->nulls_first);
		i++;
	}
	keyset->check = hash_bytes_extended((const unsigned char *) shape.data,
										shape.len, source->relid);
	pfree(shape.data);
}

/* Writing one page statement */
typedef struct PageWriter
{
	FqQuery    *query;
	const FqKeyset *keyset;
} PageWriter;

/* A position as the statement refers to it: its values' parameters */
typedef struct PosRef
{
	const FqKeysetPos *pos;
	int		   *paramno;		/* 0: not bound yet */
} PosRef;

static inline bool
scan_desc(const PageWriter *w, int i, bool backward)
{
	return w->keyset->keys[i].descending != backward;
}

static inline bool
scan_nulls_first(const PageWriter *w, int i, bool backward)
{
	return w->keyset->keys[i].nulls_first != backward;
}

/* The position's value of key i: "$n::type", bound on first use */
static void
append_value(PageWriter *w, PosRef *ref, int i)
{
	FqQuery    *query = w->query;
	Oid			typid = w->keyset->keys[i].typid;

	if (ref->paramno[i] == 0)
	{
		FqParamSource source = {FQ_PARAM_SCALAR, typid};

		ref->paramno[i] = query->nparams + 1;
		fq_query_append_param(query, typid, ref->pos->values[i], &source);
	}
	else
		appendStringInfo(&query->sql, "$%d::%s", ref->paramno[i],
						 fq_type_name(typid));
}

static void
append_cmp(PageWriter *w, PosRef *ref, int i, const char *op)
{
	appendStringInfo(&w->query->sql, "%s %s ", w->keyset->keys[i].expr, op);
	append_value(w, ref, i);
}

/*
 * Keys i.. go one way and, but for key i when "lead_may_be_null", cannot
 * be NULL: a row comparison applies (to the rows whose key i is not NULL).
 */
static bool
row_comparable_from(const PageWriter *w, int i, bool backward, bool lead_may_be_null)
{
	int			j;

	for (j = i; j < w->keyset->nkeys; j++)
		if ((w->keyset->keys[j].nullable && !(j == i && lead_may_be_null)) ||
			scan_desc(w, j, backward) != scan_desc(w, i, backward))
			return false;
	return true;
}

/* Keys i.. cannot be NULL and go one way: a row comparison applies */
static bool
row_comparable(const PageWriter *w, int i, bool backward)
{
	return row_comparable_from(w, i, backward, false);
}

static void
append_row_comparison(PageWriter *w, PosRef *ref, int i, bool backward)
{
	StringInfo	sql = &w->query->sql;
	const char *op = scan_desc(w, i, backward) ? "<" : ">";
	int			n = w->keyset->nkeys;
	int			j;

	if (i == n - 1)
	{
		append_cmp(w, ref, i, op);
		return;
	}
	appendStringInfoChar(sql, '(');
	for (j = i; j < n; j++)
		appendStringInfo(sql, "%s%s", j > i ? ", " : "", w->keyset->keys[j].expr);
	appendStringInfo(sql, ") %s (", op);
	for (j = i; j < n; j++)
	{
		if (j > i)
			appendStringInfoString(sql, ", ");
		append_value(w, ref, j);
	}
	appendStringInfoChar(sql, ')');
}

/*
 * "Key i comes after the position's value", NULLs placed as the scan places
 * them; false when nothing can (a NULL value under NULLS LAST).  With
 * with_nulls false, the NULLs that follow a value are left out (they are
 * the NULL branch).
 */
static bool
append_key_after(PageWriter *w, PosRef *ref, int i, bool backward, bool with_nulls)
{
	StringInfo	sql = &w->query->sql;
	const FqKeysetKey *key = &w->keyset->keys[i];
	bool		nulls_first = scan_nulls_first(w, i, backward);

	if (!ref->pos->nulls[i])
	{
		bool		nulls_follow = key->nullable && !nulls_first && with_nulls;

		if (nulls_follow)
			appendStringInfoChar(sql, '(');
		append_cmp(w, ref, i, scan_desc(w, i, backward) ? "<" : ">");
		if (nulls_follow)
			appendStringInfo(sql, " OR %s IS NULL)", key->expr);
		return true;
	}
	if (key->nullable && nulls_first)
	{
		appendStringInfo(sql, "%s IS NOT NULL", key->expr);
		return true;
	}
	return false;
}

static void
append_key_equal(PageWriter *w, PosRef *ref, int i)
{
	if (ref->pos->nulls[i])
		appendStringInfo(&w->query->sql, "%s IS NULL", w->keyset->keys[i].expr);
	else
		append_cmp(w, ref, i, "=");
}

/*
 * The exact condition "the row comes strictly after the position", on keys
 * i.. (the keys before i being equal), in the scan order "backward".
 */
static void
append_after(PageWriter *w, PosRef *ref, int i, bool backward)
{
	StringInfo	sql = &w->query->sql;
	int			n = w->keyset->nkeys;

	if (i >= n)
	{
		appendStringInfoString(sql, "false");
		return;
	}
	if (row_comparable(w, i, backward))
	{
		append_row_comparison(w, ref, i, backward);
		return;
	}
	if (i == n - 1)
	{
		/* the last key: nothing ties after it */
		if (!append_key_after(w, ref, i, backward, true))
			appendStringInfoString(sql, "false");
		return;
	}
	if (!ref->pos->nulls[i] && row_comparable_from(w, i, backward, true))
	{
		/*
		 * A value, and keys after it that cannot be NULL: the row
		 * comparison is exact for the rows whose key i is not NULL; those
		 * where it is follow under NULLS LAST.
		 */
		bool		nulls_follow = !scan_nulls_first(w, i, backward);

		appendStringInfoChar(sql, '(');
		append_row_comparison(w, ref, i, backward);
		if (nulls_follow)
			appendStringInfo(sql, " OR %s IS NULL", w->keyset->keys[i].expr);
		appendStringInfoChar(sql, ')');
		return;
	}
	/* (k > $1 OR (k = $1 AND <after on the next keys>)); "k >" may be nothing */
	appendStringInfoChar(sql, '(');
	if (append_key_after(w, ref, i, backward, true))
		appendStringInfoString(sql, " OR ");
	appendStringInfoChar(sql, '(');
	append_key_equal(w, ref, i);
	appendStringInfoString(sql, " AND ");
	append_after(w, ref, i + 1, backward);
	appendStringInfoString(sql, "))");
}

/*
 * The condition of the page's main branch for the position "after" (rows
 * strictly after it, in scan order), with a bound on the first key; returns
 * whether a NULL branch is needed, whose condition append_null_branch
 * writes.
 */
static bool
append_main_branch(PageWriter *w, PosRef *ref, bool backward)
{
	StringInfo	sql = &w->query->sql;
	const FqKeysetKey *first = &w->keyset->keys[0];
	bool		nulls_first = scan_nulls_first(w, 0, backward);

	if (row_comparable(w, 0, backward))
	{
		append_row_comparison(w, ref, 0, backward);
		return false;
	}
	if (!ref->pos->nulls[0])
	{
		bool		desc = scan_desc(w, 0, backward);

		if (w->keyset->nkeys == 1)
		{
			/* the only key (a view's id): k1 > $1, its NULLs a branch */
			append_key_after(w, ref, 0, backward, false);
			return first->nullable && !nulls_first;
		}
		if (row_comparable_from(w, 0, backward, true))
		{
			/*
			 * (k1, id) > ($1, $2): exact for the rows whose k1 is not NULL
			 * (for the others it is NULL, so they are left to the NULL
			 * branch), and an index on (k1, id) takes it as its bound, where
			 * "k1 >= $1" would read every row of $1's group before $2.
			 */
			append_row_comparison(w, ref, 0, backward);
			return first->nullable && !nulls_first;
		}
		/* k1 >= $1 AND (k1 > $1 OR (k1 = $1 AND ...)) */
		append_cmp(w, ref, 0, desc ? "<=" : ">=");
		appendStringInfoString(sql, " AND (");
		append_key_after(w, ref, 0, backward, false);
		appendStringInfoString(sql, " OR (");
		append_key_equal(w, ref, 0);
		appendStringInfoString(sql, " AND ");
		append_after(w, ref, 1, backward);
		appendStringInfoString(sql, "))");
		return first->nullable && !nulls_first;
	}
	/* a NULL first value: its NULL group, then (NULLS FIRST) every value */
	appendStringInfo(sql, "%s IS NULL AND ", first->expr);
	append_after(w, ref, 1, backward);
	return nulls_first;
}

static void
append_null_branch(PageWriter *w, PosRef *ref)
{
	/* after a value: the NULLs (NULLS LAST); after a NULL: the values */
	appendStringInfo(&w->query->sql, "%s IS %sNULL", w->keyset->keys[0].expr,
					 ref->pos->nulls[0] ? "NOT " : "");
}

/*
 * SELECT data, <keys> FROM source WHERE (filter) AND <cond> AND <before>,
 * where which branch (0: no position, 1: main, 2: NULL branch) picks cond.
 */
static void
append_branch(PageWriter *w, Jsonb *filter, bool backward, PosRef *after,
			  PosRef *before, int branch)
{
	FqQuery    *query = w->query;
	StringInfo	sql = &query->sql;
	bool		has_where = false;
	int			i;

	appendStringInfoString(sql, "SELECT data");
	for (i = 0; i < w->keyset->nkeys; i++)
		appendStringInfo(sql, ", %s AS fq_k%d", w->keyset->keys[i].expr, i + 1);
	appendStringInfo(sql, " FROM %s", w->keyset->source->qualified_name);

	if (filter)
	{
		int			start = sql->len;

		fq_filter_append(query, filter);
		if (sql->len > start)
		{
			/* " WHERE <predicate>": parenthesized, as more is ANDed to it */
			char	   *predicate = pstrdup(sql->data + start + strlen(" WHERE "));

			sql->data[sql->len = start] = '\0';
			appendStringInfo(sql, " WHERE (%s)", predicate);
			pfree(predicate);
			has_where = true;
		}
	}
	if (branch != 0)
	{
		appendStringInfoString(sql, has_where ? " AND " : " WHERE ");
		has_where = true;
		if (branch == 1)
			append_main_branch(w, after, backward);
		else
			append_null_branch(w, after);
	}
	if (before)
	{
		/* strictly before "before": after it in the opposite scan order */
		appendStringInfoString(sql, has_where ? " AND " : " WHERE ");
		append_after(w, before, 0, !backward);
	}
}

/*
 * Would the main branch for this position need a NULL branch?  The same
 * answer append_main_branch returns, before it is written.
 */
static bool
needs_null_branch(const PageWriter *w, const FqKeysetPos *after, bool backward)
{
	const FqKeysetKey *first = &w->keyset->keys[0];
	bool		nulls_first = scan_nulls_first(w, 0, backward);

	if (row_comparable(w, 0, backward))
		return false;
	if (!after->nulls[0])
		return first->nullable && !nulls_first;
	return nulls_first;
}

static void
query_init(FqQuery *query, const FqSource *source)
{
	memset(query, 0, sizeof(*query));
	query->source = source;
	initStringInfo(&query->sql);
	query->maxparams = 8;
	query->param_types = palloc(sizeof(Oid) * query->maxparams);
	query->param_values = palloc(sizeof(Datum) * query->maxparams);
	query->param_sources = palloc(sizeof(FqParamSource) * query->maxparams);
	query->kind = FQ_QUERY_ROWS;
}

/*
 * " ORDER BY <keys> LIMIT $n", by the keys' expressions or (around a UNION
 * ALL) by the output columns; the limit is bound once and referred to by
 * number after.
 */
static void
append_order_limit(PageWriter *w, bool backward, bool by_column, int64 limit,
				   int *limit_paramno)
{
	FqQuery    *query = w->query;
	int			i;

	for (i = 0; i < w->keyset->nkeys; i++)
	{
		appendStringInfoString(&query->sql, i == 0 ? " ORDER BY " : ", ");
		if (by_column)
			appendStringInfo(&query->sql, "fq_k%d", i + 1);
		else
			appendStringInfoString(&query->sql, w->keyset->keys[i].expr);
		appendStringInfoString(&query->sql, scan_desc(w, i, backward) ? " DESC" : " ASC");
		appendStringInfoString(&query->sql, scan_nulls_first(w, i, backward) ?
							   " NULLS FIRST" : " NULLS LAST");
	}
	appendStringInfoString(&query->sql, " LIMIT ");
	if (*limit_paramno == 0)
	{
		FqParamSource limit_source = {FQ_PARAM_LIMIT};

		*limit_paramno = query->nparams + 1;
		fq_query_append_param(query, INT8OID, Int64GetDatum(limit), &limit_source);
	}
	else
		appendStringInfo(&query->sql, "$%d::bigint", *limit_paramno);
}

/*
 * The statement of one page: the rows strictly after "after" and strictly
 * before "before" (either may be NULL), matching the filter, in the order
 * (backward: reversed), at most "limit" of them.  Its columns are data and
 * then the keys' values.
 *
 * With a NULL branch, each branch is ordered and limited on its own, so
 * that each is an ordered index scan that stops after "limit" rows; the
 * outer ORDER BY then sorts at most twice that.  (Left to a flattened UNION
 * ALL, the keys would be output columns that PostgreSQL wraps as
 * placeholders, which no index matches: it would sort every row after the
 * position.)
 */
void
fq_keyset_page_query(FqQuery *query, const FqKeyset *keyset, Jsonb *filter,
					 bool backward, const FqKeysetPos *after,
					 const FqKeysetPos *before, int64 limit)
{
	PageWriter	w;
	PosRef		after_ref;
	PosRef		before_ref;
	PosRef	   *before_p = before ? &before_ref : NULL;
	int			limit_paramno = 0;

	query_init(query, keyset->source);
	w.query = query;
	w.keyset = keyset;
	after_ref.pos = after;
	after_ref.paramno = palloc0(sizeof(int) * keyset->nkeys);
	before_ref.pos = before;
	before_ref.paramno = palloc0(sizeof(int) * keyset->nkeys);

	if (after && needs_null_branch(&w, after, backward))
	{
		appendStringInfoString(&query->sql, "SELECT * FROM ((");
		append_branch(&w, filter, backward, &after_ref, before_p, 1);
		append_order_limit(&w, backward, false, limit, &limit_paramno);
		appendStringInfoString(&query->sql, ") UNION ALL (");
		append_branch(&w, filter, backward, &after_ref, before_p, 2);
		append_order_limit(&w, backward, false, limit, &limit_paramno);
		appendStringInfoString(&query->sql, ")) fq_page");
		append_order_limit(&w, backward, true, limit, &limit_paramno);
	}
	else
	{
		append_branch(&w, filter, backward, &after_ref, before_p, after ? 1 : 0);
		append_order_limit(&w, backward, false, limit, &limit_paramno);
	}
}

/*-------------------------------------------------------------------------
 *
 * source.c
 *	  Resolves the relation a call reads (the "source") through the catalog.
 *
 * A source is a table, view, materialized view, foreign table or partitioned
 * table with a column named "data" of type jsonb or json.  Its other columns
 * are native columns that filters and orderings may name directly so their
 * indexes apply.  Everything that reaches generated SQL is taken from the
 * catalog here and quoted, never from user text.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/pg_class.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_type.h"
#include "rewrite/rewriteSupport.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "source.h"

void
fq_source_resolve(Oid relid, FqSource *source)
{
	Relation	rel;
	TupleDesc	desc;
	bool		found_data = false;
	char		relkind;
	char	   *name;
	int			i;

	/*
	 * AccessShareLock is what the generated query takes anyway; taking it
	 * now keeps the column list stable until that query runs.  The source
	 * is looked at only once we hold it: a DROP that commits while we wait
	 * for the lock leaves an OID without a relation, which a plain
	 * relation_open would report as an internal error (XX000).  The name is
	 * read first so that the error can say what was dropped.
	 */
	name = get_rel_name(relid);
	rel = try_relation_open(relid, AccessShareLock);
	if (rel == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 name ?
				 errmsg("relation \"%s\" does not exist", name) :
				 errmsg("relation with OID %u does not exist", relid),
				 name ?
				 errdetail("It was dropped while this call waited for its lock.") : 0));

	relkind = rel->rd_rel->relkind;
	if (relkind != RELKIND_RELATION && relkind != RELKIND_VIEW &&
		relkind != RELKIND_MATVIEW && relkind != RELKIND_FOREIGN_TABLE &&
		relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table, view, materialized view or foreign table",
						RelationGetRelationName(rel))));

	desc = RelationGetDescr(rel);

	source->relid = relid;
	source->qualified_name =
		quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
								   RelationGetRelationName(rel));
	source->ncolumns = 0;
	source->columns = palloc(sizeof(FqColumn) * Max(desc->natts, 1));

	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped)
			continue;
		if (strcmp(NameStr(att->attname), "data") == 0)
		{
			/*
			 * A domain over jsonb or json reads as its base type: every
			 * operator and function the generated SQL applies to "data"
			 * takes the base type, to which the domain casts implicitly,
			 * and reading a value never checks a domain's constraints.
			 */
			Oid			base = getBaseType(att->atttypid);

			if (base != JSONBOID && base != JSONOID)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("column \"data\" of \"%s\" is of type %s",
								RelationGetRelationName(rel),
								format_type_be(att->atttypid)),
						 errdetail("A fraiseql source holds each object in a column \"data\" of type jsonb or json."),
						 base == TEXTOID || base == VARCHAROID ?
						 errhint("Expose the text as jsonb in a view, for example: CREATE VIEW v_x AS SELECT id, data::jsonb AS data FROM tb_x.") : 0));
			source->data_type = base;
			found_data = true;
			continue;
		}
		source->columns[source->ncolumns].name = pstrdup(NameStr(att->attname));
		source->columns[source->ncolumns].typid = att->atttypid;
		source->ncolumns++;
	}

	if (!found_data)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("relation \"%s\" has no column \"data\"",
						RelationGetRelationName(rel)),
				 errdetail("A fraiseql source holds each object in a column \"data\" of type jsonb or json."),
				 errhint("Expose the object as \"data\", for example: CREATE VIEW v_x AS SELECT id, to_jsonb(t) AS data FROM tb_x t.")));

	source->version = fq_source_version(relid, relkind);
	relation_close(rel, NoLock);
}

/*
 * A fingerprint of the relation's definition: the raw xmin of its pg_class
 * row and, for a view, of its _RETURN rule.  ALTER TABLE, CREATE OR REPLACE
 * VIEW and the like write new versions of those rows, so the fingerprint
 * changes with every DDL that could change what a query on the source
 * means.  It is read from the catalog, which a hot standby replays, so it
 * holds there too, and in backends started after the DDL.  The raw xmin
 * survives freezing.
 */
uint64
fq_source_version(Oid relid, char relkind)
{
	HeapTuple	tup;
	uint64		version = 0;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (HeapTupleIsValid(tup))
	{
		version = (uint64) HeapTupleHeaderGetRawXmin(tup->t_data) << 32;
		ReleaseSysCache(tup);
	}
	if (relkind == RELKIND_VIEW)
	{
		tup = SearchSysCache2(RULERELNAME, ObjectIdGetDatum(relid),
							  CStringGetDatum(ViewSelectRuleName));
		if (HeapTupleIsValid(tup))
		{
			version |= HeapTupleHeaderGetRawXmin(tup->t_data);
			ReleaseSysCache(tup);
		}
	}
	return version;
}

const FqColumn *
fq_source_find_column(const FqSource *source, const char *name)
{
	int			i;

	for (i = 0; i < source->ncolumns; i++)
		if (strcmp(source->columns[i].name, name) == 0)
			return &source->columns[i];
	return NULL;
}

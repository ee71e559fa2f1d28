/*-------------------------------------------------------------------------
 *
 * shape.c
 *	  The shape memo: a backend-local map from a call's shape to the
 *	  translation it got, so that a call whose shape was seen before is not
 *	  translated again (SPEC section 8).
 *
 * A call's shape is everything its statement's text depends on except the
 * values that become parameters.  fq_shape_lookup walks the filter once and
 * writes its structure -- containers, their sizes, object keys, and each
 * value's kind (string, number, boolean, null) -- into a signature; the
 * values themselves are left out.  An array of scalars is written as the set
 * of its elements' kinds, without its length: that is all the translator
 * looks at in an "in" list, so lists of every length share one translation.
 * The memo is keyed by a hash of that signature together with the source,
 * its definition's version and quoted name, the data column's type, the
 * order_by argument (byte for byte), which of limit and offset are given,
 * the statement kind and the GUCs the translator reads (snake_case_keys,
 * max_filter_depth, and PostgreSQL's quote_all_identifiers, which changes
 * how names are quoted); a lookup compares all of them, not just the hash.
 *
 * The translator records for each parameter the filter value it came from
 * and how it was converted (query.h, FqParamSource).  When a translation is
 * remembered, every scalar of the filter that is *not* inside a parameter's
 * value is a literal of the shape: a "type" cast, a full-text "config",
 * isnull's (is_not_null's, is_ipv4's ...) true or false.
 * The translator may have let those shape the SQL, so the translation is
 * reused only for a call whose literals are equal, byte for byte.  Values
 * inside a parameter's value reach the statement only through that
 * parameter (filter.c's header states the rule the translator keeps), so a
 * hit converts the new call's values with the same function the translator
 * used (fq_filter_param_value) and takes the SQL text as it is.  A shape
 * whose literals differ (isnull true and false) has one variant per set of
 * literals, at most SHAPE_MAX_VARIANTS.
 *
 * A translation also depends on the catalog: the source's columns and
 * name, and for a column of a type outside pg_catalog that type's
 * schema-qualified name.  A relcache invalidation of a source drops its
 * shapes (ALTER TABLE, RENAME COLUMN, CREATE OR REPLACE VIEW, on a standby
 * too, where the invalidation arrives with WAL replay); a change to a type
 * or schema that a remembered statement names drops it (by the syscache
 * hash values the translator recorded, so another session's CREATE TABLE
 * does not).  The version
 * and quoted name are compared on every lookup as well.  The callbacks are
 * registered at load time, and a translation during which any invalidation
 * arrived is not remembered: it may have read the catalog before the change.
 * Nor is one that resolved a name through the search_path (a full-text
 * "config"), which another call may resolve to another object.
 *
 * The memo holds at most fraiseql.plan_cache_size shapes, dropping the
 * least recently used; with the plan cache off (0) it is off too.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/transam.h"
#include "common/hashfn.h"
#include "lib/ilist.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "filter.h"
#include "operators.h"
#include "shape.h"

/* Calls whose filter or statement is larger are translated every time */
#define SHAPE_MAX_NODES		256
#define SHAPE_MAX_PARAMS	64
#define SHAPE_MAX_SQL		3072	/* as the shared plan cache */
/* Translations of one shape with different literals */
#define SHAPE_MAX_VARIANTS	8
/* Types named with their schema that a shape keeps track of */
#define SHAPE_MAX_NAMED_TYPES	8

/* One value of the filter, numbered in walk order (depth first) */
typedef struct FqShapeNode
{
	const JsonbContainer *parent;	/* the container holding it */
	int			position;		/* its position there */
	int			end;			/* the number of the first node after its subtree */
	bool		scalar_array;	/* an array of scalars: no nodes for them */
	JsonbValue	value;			/* scalar, or jbvBinary for a container */
} FqShapeNode;

/* How a remembered translation computes one parameter */
typedef struct ShapeParam
{
	FqParamConv conv;
	Oid			elem_type;
	Oid			type;			/* the parameter's type */
	int			node;			/* the filter value, or -1 for limit/offset */
	const char *op_name;		/* FqParamSource's: a static string */
	const char *field;			/* FqParamSource's, in the variant */
} ShapeParam;

/* A scalar of the filter that the translation was made with */
typedef struct ShapeLiteral
{
	int			node;
	int			len;
	int			offset;			/* into the variant's literal bytes */
} ShapeLiteral;

/* One translation of a shape: a single allocation */
typedef struct ShapeVariant
{
	struct ShapeVariant *next;
	int			sql_len;
	char	   *sql;
	int			nparams;
	ShapeParam *params;
	int			nliterals;
	ShapeLiteral *literals;
	char	   *literal_bytes;
} ShapeVariant;

typedef struct ShapeEntry
{
	uint64		hash;			/* hash key */
	Oid			relid;
	uint64		version;
	Oid			data_type;
	FqQueryKind kind;
	bool		has_limit;
	bool		has_offset;
	bool		snake_case_keys;
	bool		quote_all_identifiers;
	int			max_filter_depth;
	/* parameter types named with their schema (FqQuery), over all variants */
	int			nnamed_types;	/* -1: any type or schema change drops it */
	uint32		named_type_hashes[SHAPE_MAX_NAMED_TYPES];
	uint32		named_schema_hashes[SHAPE_MAX_NAMED_TYPES];
	char	   *qualified_name;
	int			signature_len;
	char	   *signature;
	int			order_len;		/* -1 without order_by */
	char	   *order_by;
	int			nvariants;
	ShapeVariant *variants;		/* most recently remembered first */
	dlist_node	lru_node;		/* in memo_lru, most recently used first */
} ShapeEntry;

static MemoryContext memo_context = NULL;
static HTAB *memo = NULL;
static dlist_head memo_lru = DLIST_STATIC_INIT(memo_lru);
static uint64 memo_invalidations = 0;	/* callbacks run so far */

static void
free_entry(ShapeEntry *entry)
{
	ShapeVariant *v = entry->variants;
	uint64		hash = entry->hash;

	while (v)
	{
		ShapeVariant *next = v->next;

		pfree(v);
		v = next;
	}
	dlist_delete(&entry->lru_node);
	pfree(entry->qualified_name);
	pfree(entry->signature);
	if (entry->order_by)
		pfree(entry->order_by);
	hash_search(memo, &hash, HASH_REMOVE, NULL);
}

/* Does a change of this pg_type or pg_namespace row touch the shape? */
static bool
names_changed_type(const ShapeEntry *entry, int cacheid, uint32 hashvalue)
{
	const uint32 *hashes = cacheid == TYPEOID ? entry->named_type_hashes
		: entry->named_schema_hashes;
	int			i;

	if (entry->nnamed_types == 0)
		return false;
	if (entry->nnamed_types < 0 || hashvalue == 0)	/* 0: every row */
		return true;
	for (i = 0; i < entry->nnamed_types; i++)
		if (hashes[i] == hashvalue)
			return true;
	return false;
}

/*
 * Drops the shapes an invalidation touches: those of one relation (or all,
 * InvalidOid) for a relcache invalidation (cacheid -1), or those naming a
 * pg_type or pg_namespace row.
 */
static void
drop_touched_shapes(Oid relid, int cacheid, uint32 hashvalue)
{
	HASH_SEQ_STATUS seq;
	ShapeEntry *entry;

	memo_invalidations++;
	if (memo == NULL)
		return;
	hash_seq_init(&seq, memo);
	while ((entry = hash_seq_search(&seq)) != NULL)
		if (cacheid < 0 ? (!OidIsValid(relid) || entry->relid == relid)
			: names_changed_type(entry, cacheid, hashvalue))
			free_entry(entry);
}

static void
memo_relcache_callback(Datum arg, Oid relid)
{
	drop_touched_shapes(relid, -1, 0);
}

static void
memo_syscache_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	drop_touched_shapes(InvalidOid, cacheid, hashvalue);
}

/*
 * Registers the invalidation callbacks; called from _PG_init, so that they
 * are in place before any translation is remembered.
 */
void
fq_shape_init(void)
{
	CacheRegisterRelcacheCallback(memo_relcache_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(TYPEOID, memo_syscache_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(NAMESPACEOID, memo_syscache_callback, (Datum) 0);
}

static void
init_memo(void)
{
	HASHCTL		info;

	memo_context = AllocSetContextCreate(CacheMemoryContext, "fraiseql shape memo",
										 ALLOCSET_DEFAULT_SIZES);
	memset(&info, 0, sizeof(info));
	info.keysize = sizeof(uint64);
	info.entrysize = sizeof(ShapeEntry);
	info.hcxt = memo_context;
	memo = hash_create("fraiseql shape memo", 256, &info,
					   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

/*
 * Forgets every shape: fraiseql.plan_cache_reset().
 */
void
fq_shape_reset(void)
{
	if (memo == NULL)
		return;
	MemoryContextDelete(memo_context);	/* the hash table lives in it */
	dlist_init(&memo_lru);
	memo = NULL;
	memo_context = NULL;
}

static void
append_uint32(StringInfo buf, uint32 n)
{
	appendBinaryStringInfo(buf, (const char *) &n, sizeof(n));
}

static bool walk_container(FqShapeCall *call, const JsonbContainer *container);

/* A scalar's kind: one bit each, so that a set of kinds fits a byte */
static uint8
kind_bit(const JsonbValue *value)
{
	switch (value->type)
	{
		case jbvNull:
			return 1;
		case jbvNumeric:
			return 2;
		case jbvString:
			return 4;
		case jbvBool:
			return 8;
		default:
			return 0;			/* a container */
	}
}

/*
 * The kinds of an array's elements if all are scalars, else 0 (an empty
 * array: the set 0x80, which no element has).
 */
static uint8
scalar_array_kinds(const JsonbContainer *array)
{
	JsonbIterator *it = JsonbIteratorInit((JsonbContainer *) array);
	JsonbValue	v;
	JsonbIteratorToken tok;
	uint8		kinds = 0x80;

	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		if (kind_bit(&v) == 0)
			return 0;
		kinds |= kind_bit(&v);
	}
	return kinds;
}

/*
 * Numbers one value and writes its kind into the signature; a container
 * is walked in turn, but an array of scalars only gets the set of their
 * kinds.  False when the filter has too many values.
 */
static bool
walk_value(FqShapeCall *call, const JsonbContainer *parent, int position,
		   const JsonbValue *value)
{
	int			n = call->nnodes;
	FqShapeNode *node;
	uint8		kinds = 0;

	if (n == call->maxnodes)
	{
		if (n == SHAPE_MAX_NODES)
			return false;
		call->maxnodes = Min(n * 2, SHAPE_MAX_NODES);
		call->nodes = repalloc(call->nodes, sizeof(FqShapeNode) * call->maxnodes);
	}
	call->nnodes++;
	node = &call->nodes[n];
	node->parent = parent;
	node->position = position;
	node->value = *value;
	node->scalar_array = false;
	if (value->type != jbvBinary)
		appendStringInfoChar(&call->signature, (char) kind_bit(value));
	else if (JsonContainerIsArray(value->val.binary.data) &&
			 (kinds = scalar_array_kinds(value->val.binary.data)) != 0)
	{
		node->scalar_array = true;
		appendStringInfoChar(&call->signature, 'a');
		appendStringInfoChar(&call->signature, (char) kinds);
	}
	else if (!walk_container(call, value->val.binary.data))
		return false;
	call->nodes[n].end = call->nnodes;
	return true;
}

static bool
walk_container(FqShapeCall *call, const JsonbContainer *container)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			position = 0;

	check_stack_depth();
	appendStringInfoChar(&call->signature,
						 JsonContainerIsObject(container) ? 'O' : 'A');
	append_uint32(&call->signature, JsonContainerSize(container));

	it = JsonbIteratorInit((JsonbContainer *) container);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			append_uint32(&call->signature, v.val.string.len);
			appendBinaryStringInfo(&call->signature, v.val.string.val,
								   v.val.string.len);
		}
		else if (tok == WJB_VALUE || tok == WJB_ELEM)
		{
			if (!walk_value(call, container, position++, &v))
				return false;
		}
	}
	return true;
}

/* The bytes a literal is compared by */
static const char *
literal_bytes(const JsonbValue *value, int *len)
{
	switch (value->type)
	{
		case jbvBinary:			/* an array of scalars: its jsonb bytes */
			*len = value->val.binary.len;
			return (const char *) value->val.binary.data;
		case jbvString:
			*len = value->val.string.len;
			return value->val.string.val;
		case jbvNumeric:
			*len = VARSIZE_ANY(value->val.numeric);
			return (const char *) value->val.numeric;
		case jbvBool:
			*len = 1;
			return value->val.boolean ? "t" : "f";
		default:
			*len = 0;
			return "";
	}
}

static bool
entry_matches(const ShapeEntry *entry, const FqShapeCall *call)
{
	const FqQueryArgs *args = call->args;
	int			order_len = args->order_by ? (int) VARSIZE(args->order_by) : -1;

	return entry->relid == call->source->relid &&
		entry->version == call->source->version &&
		entry->data_type == call->source->data_type &&
		entry->kind == call->kind &&
		entry->has_limit == args->has_limit &&
		entry->has_offset == args->has_offset &&
		entry->snake_case_keys == fq_snake_case_keys &&
		entry->quote_all_identifiers == quote_all_identifiers &&
		entry->max_filter_depth == fq_max_filter_depth &&
		strcmp(entry->qualified_name, call->source->qualified_name) == 0 &&
		entry->signature_len == call->signature.len &&
		memcmp(entry->signature, call->signature.data, call->signature.len) == 0 &&
		entry->order_len == order_len &&
		(order_len < 0 || memcmp(entry->order_by, args->order_by, order_len) == 0);
}

static bool
literals_match(const ShapeVariant *variant, const FqShapeCall *call)
{
	int			i;

	for (i = 0; i < variant->nliterals; i++)
	{
		const ShapeLiteral *lit = &variant->literals[i];
		int			len;
		const char *bytes = literal_bytes(&call->nodes[lit->node].value, &len);

		if (len != lit->len ||
			memcmp(bytes, variant->literal_bytes + lit->offset, len) != 0)
			return false;
	}
	return true;
}

/*
 * Fills the query from a remembered translation and this call's values.
 * False if a value does not convert; the caller then translates, which
 * reports it.
 */
static bool
reuse_variant(const ShapeVariant *variant, const FqShapeCall *call, FqQuery *query)
{
	int			nparams = variant->nparams;
	ShapeParam *params;
	int			i;

	/*
	 * Copy first: converting a value may read the catalog, and an
	 * invalidation arriving then would free the variant.
	 */
	params = palloc(sizeof(ShapeParam) * Max(nparams, 1));
	memcpy(params, variant->params, sizeof(ShapeParam) * nparams);
	query->source = call->source;
	initStringInfo(&query->sql);
	appendBinaryStringInfo(&query->sql, variant->sql, variant->sql_len);
	query->nparams = nparams;
	query->maxparams = Max(nparams, 1);
	query->param_types = palloc(sizeof(Oid) * query->maxparams);
	query->param_values = palloc(sizeof(Datum) * query->maxparams);
	query->param_sources = NULL;	/* only a translation needs them */
	query->translation_reused = true;
	query->uses_search_path = false;
	query->nnamed_types = 0;

	for (i = 0; i < nparams; i++)
	{
		ShapeParam *p = &params[i];

		query->param_types[i] = p->type;
		if (p->conv == FQ_PARAM_LIMIT)
			query->param_values[i] = Int64GetDatum(call->args->limit);
		else if (p->conv == FQ_PARAM_OFFSET)
			query->param_values[i] = Int64GetDatum(call->args->offset);
		else
		{
			FqParamSource source;

			source.conv = p->conv;
			source.elem_type = p->elem_type;
			source.parent = NULL;
			source.position = 0;
			source.op_name = p->op_name;
			source.field = p->field;
			if (!fq_filter_param_value(&source, &call->nodes[p->node].value,
									   &query->param_values[i]))
				return false;
		}
	}
	pfree(params);
	return true;
}

/*
 * Looks the call's shape up.  On a hit fills the query and returns true.
 * Otherwise the caller translates and hands the result to
 * fq_shape_remember with the same "call".  "capacity" is the most shapes
 * the memo holds, fraiseql.plan_cache_size (plancache.c owns it; the caller
 * passes it down), 0 turning the memo off.
 */
bool
fq_shape_lookup(FqShapeCall *call, FqQuery *query, const FqSource *source,
				FqQueryKind kind, const FqQueryArgs *args, int capacity)
{
	ShapeEntry *entry;
	ShapeVariant *variant;
	uint64		hash;

	call->usable = false;
	call->invalidations = memo_invalidations;
	call->capacity = capacity;
	if (capacity == 0)
		return false;
	/* a filter that is not an object is the translator's error to raise */
	if (args->filter && !JB_ROOT_IS_OBJECT(args->filter))
		return false;

	call->source = source;
	call->kind = kind;
	call->args = args;
	call->nnodes = 0;
	call->maxnodes = 0;
	call->nodes = NULL;
	initStringInfo(&call->signature);
	if (args->filter)
	{
		call->maxnodes = 16;
		call->nodes = palloc(sizeof(FqShapeNode) * call->maxnodes);
		if (!walk_container(call, &args->filter->root))
			return false;
	}
	else
		appendStringInfoChar(&call->signature, '-');
	call->usable = true;

	hash = hash_bytes_extended((const unsigned char *) call->signature.data,
							   call->signature.len, source->relid);
	if (args->order_by)
		hash = hash_combine64(hash,
							  hash_bytes_extended((const unsigned char *) args->order_by,
												  VARSIZE(args->order_by), 0));
	hash = hash_combine64(hash, source->version);
	hash = hash_combine64(hash, (uint64) kind | (uint64) args->has_limit << 8 |
						  (uint64) args->has_offset << 9 |
						  (uint64) fq_snake_case_keys << 10 |
						  (uint64) quote_all_identifiers << 11 |
						  (uint64) fq_max_filter_depth << 16);
	call->hash = hash;

	if (memo == NULL)
		return false;
	entry = hash_search(memo, &hash, HASH_FIND, NULL);
	if (entry == NULL || !entry_matches(entry, call))
		return false;
	for (variant = entry->variants; variant; variant = variant->next)
	{
		if (literals_match(variant, call))
		{
			dlist_move_head(&memo_lru, &entry->lru_node);
			return reuse_variant(variant, call, query);
		}
	}
	return false;
}

/* Which node a translator's parameter came from, or -1 */
static int
node_of(const FqShapeCall *call, const FqParamSource *source)
{
	int			i;

	for (i = 0; i < call->nnodes; i++)
		if (call->nodes[i].parent == source->parent &&
			call->nodes[i].position == source->position)
			return i;
	return -1;
}

static void
evict_least_recent(void)
{
	if (!dlist_is_empty(&memo_lru))
		free_entry(dlist_container(ShapeEntry, lru_node, dlist_tail_node(&memo_lru)));
}

/* Adds a translation's named types to its shape's */
static void
add_named_types(ShapeEntry *entry, const FqQuery *query)
{
	int			i;
	int			j;

	if (query->nnamed_types < 0)
		entry->nnamed_types = -1;
	for (i = 0; i < query->nnamed_types && entry->nnamed_types >= 0; i++)
	{
		for (j = 0; j < entry->nnamed_types; j++)
			if (entry->named_type_hashes[j] == query->named_type_hashes[i] &&
				entry->named_schema_hashes[j] == query->named_schema_hashes[i])
				break;
		if (j < entry->nnamed_types)
			continue;
		if (entry->nnamed_types == SHAPE_MAX_NAMED_TYPES)
		{
			entry->nnamed_types = -1;
			break;
		}
		entry->named_type_hashes[entry->nnamed_types] = query->named_type_hashes[i];
		entry->named_schema_hashes[entry->nnamed_types] = query->named_schema_hashes[i];
		entry->nnamed_types++;
	}
}

/* A value outside every parameter that the translation may depend on */
static bool
is_literal(const FqShapeCall *call, const bool *in_param, int i)
{
	return !in_param[i] && (call->nodes[i].value.type != jbvBinary ||
							call->nodes[i].scalar_array);
}

/*
 * Remembers a fresh translation of the call's shape.
 */
void
fq_shape_remember(FqShapeCall *call, const FqQuery *query)
{
	ShapeParam *params;
	bool	   *in_param;
	int			nliterals = 0;
	Size		bytes_len = 0;
	Size		fields_len = 0;
	Size		size;
	ShapeVariant *variant;
	ShapeEntry *entry;
	bool		found PG_USED_FOR_ASSERTS_ONLY;
	char	   *p;
	int			i;
	int			j;

	if (!call->usable || query->nparams > SHAPE_MAX_PARAMS ||
		query->sql.len >= SHAPE_MAX_SQL || query->uses_search_path)
		return;
	/* the translation may have read the catalog from before a change */
	if (memo_invalidations != call->invalidations)
		return;

	/* each parameter's node; the scalars outside them are the literals */
	params = palloc(sizeof(ShapeParam) * Max(query->nparams, 1));
	in_param = palloc0(sizeof(bool) * Max(call->nnodes, 1));
	for (i = 0; i < query->nparams; i++)
	{
		const FqParamSource *src = &query->param_sources[i];

		params[i].conv = src->conv;
		params[i].elem_type = src->elem_type;
		params[i].type = query->param_types[i];
		params[i].node = -1;
		params[i].op_name = NULL;
		params[i].field = NULL;
		if (src->conv == FQ_PARAM_LIMIT || src->conv == FQ_PARAM_OFFSET)
			continue;
		params[i].op_name = src->op_name;
		params[i].field = src->field;
		if (src->field)
			fields_len += strlen(src->field) + 1;
		params[i].node = node_of(call, src);
		Assert(params[i].node >= 0);
		if (params[i].node < 0)
			return;				/* not from this filter: cannot happen */
		for (j = params[i].node; j < call->nodes[params[i].node].end; j++)
			in_param[j] = true;
	}
	for (i = 0; i < call->nnodes; i++)
	{
		if (is_literal(call, in_param, i))
		{
			int			len;

			(void) literal_bytes(&call->nodes[i].value, &len);
			nliterals++;
			bytes_len += len;
		}
	}

	if (memo == NULL)
		init_memo();

	size = MAXALIGN(sizeof(ShapeVariant)) +
		MAXALIGN(sizeof(ShapeParam) * query->nparams) +
		MAXALIGN(sizeof(ShapeLiteral) * nliterals) +
		query->sql.len + 1 + bytes_len + fields_len;
	variant = MemoryContextAlloc(memo_context, size);
	p = (char *) variant + MAXALIGN(sizeof(ShapeVariant));
	variant->params = (ShapeParam *) p;
	p += MAXALIGN(sizeof(ShapeParam) * query->nparams);
	variant->literals = (ShapeLiteral *) p;
	p += MAXALIGN(sizeof(ShapeLiteral) * nliterals);
	variant->sql = p;
	p += query->sql.len + 1;
	variant->literal_bytes = p;

	variant->nparams = query->nparams;
	memcpy(variant->params, params, sizeof(ShapeParam) * query->nparams);
	variant->sql_len = query->sql.len;
	memcpy(variant->sql, query->sql.data, query->sql.len + 1);
	variant->nliterals = 0;
	bytes_len = 0;
	for (i = 0; i < call->nnodes; i++)
	{
		if (is_literal(call, in_param, i))
		{
			ShapeLiteral *lit = &variant->literals[variant->nliterals++];
			const char *bytes = literal_bytes(&call->nodes[i].value, &lit->len);

			lit->node = i;
			lit->offset = bytes_len;
			memcpy(variant->literal_bytes + bytes_len, bytes, lit->len);
			bytes_len += lit->len;
		}
	}
	/* the field names, after the literal bytes */
	p = variant->literal_bytes + bytes_len;
	for (i = 0; i < variant->nparams; i++)
	{
		ShapeParam *param = &variant->params[i];

		if (param->field)
		{
			int			len = strlen(param->field) + 1;

			memcpy(p, param->field, len);
			param->field = p;
			p += len;
		}
	}

	entry = hash_search(memo, &call->hash, HASH_FIND, NULL);
	if (entry && !entry_matches(entry, call))
	{
		/* a hash collision, or made before the source changed */
		free_entry(entry);
		entry = NULL;
	}
	if (entry == NULL)
	{
		const FqQueryArgs *args = call->args;
		int			order_len = args->order_by ? (int) VARSIZE(args->order_by) : -1;
		char	   *qualified_name;
		char	   *signature;
		char	   *order_by = NULL;

		/* allocate first, so that running out of memory leaves no half entry */
		qualified_name = MemoryContextStrdup(memo_context,
											 call->source->qualified_name);
		signature = MemoryContextAlloc(memo_context, call->signature.len);
		memcpy(signature, call->signature.data, call->signature.len);
		if (order_len >= 0)
		{
			order_by = MemoryContextAlloc(memo_context, order_len);
			memcpy(order_by, args->order_by, order_len);
		}
		if (hash_get_num_entries(memo) >= call->capacity)
			evict_least_recent();
		entry = hash_search(memo, &call->hash, HASH_ENTER, &found);
		Assert(!found);
		entry->relid = call->source->relid;
		entry->version = call->source->version;
		entry->data_type = call->source->data_type;
		entry->kind = call->kind;
		entry->has_limit = args->has_limit;
		entry->has_offset = args->has_offset;
		entry->snake_case_keys = fq_snake_case_keys;
		entry->quote_all_identifiers = quote_all_identifiers;
		entry->max_filter_depth = fq_max_filter_depth;
		entry->nnamed_types = 0;
		entry->qualified_name = qualified_name;
		entry->signature_len = call->signature.len;
		entry->signature = signature;
		entry->order_len = order_len;
		entry->order_by = order_by;
		entry->nvariants = 0;
		entry->variants = NULL;
		dlist_push_head(&memo_lru, &entry->lru_node);
	}

	/* at most SHAPE_MAX_VARIANTS: the oldest goes */
	if (entry->nvariants == SHAPE_MAX_VARIANTS)
	{
		ShapeVariant **link = &entry->variants;

		while ((*link)->next)
			link = &(*link)->next;
		pfree(*link);
		*link = NULL;
		entry->nvariants--;
	}
	variant->next = entry->variants;
	entry->variants = variant;
	entry->nvariants++;
	add_named_types(entry, query);
	dlist_move_head(&memo_lru, &entry->lru_node);
}

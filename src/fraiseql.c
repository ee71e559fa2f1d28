/*-------------------------------------------------------------------------
 *
 * fraiseql.c
 *	  Module entry point: PG_MODULE_MAGIC, _PG_init and the GUCs.
 *
 * The pipeline a call travels is source.c (resolve the relation) ->
 * filter.c / order.c (WHERE input and ordering to SQL) -> query.c (the whole
 * statement, to_sql, count) -> stream.c (the chunked-cursor SRF); parse.c
 * holds the simdjson-backed parse and is_json, behind json_simd.h.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "callargs.h"
#include "fraiseql.h"
#include "ownplan.h"
#include "plancache.h"
#include "pushdown.h"
#include "scan.h"
#include "shape.h"

PG_MODULE_MAGIC;

int			fq_chunk_size = 1000;
bool		fq_snake_case_keys = true;
int			fq_max_filter_depth = 32;
bool		fq_enable_simd = true;

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomIntVariable("fraiseql.chunk_size",
							"Rows fetched from the generated query per chunk.",
							"Memory held by a stream is bounded by one chunk.",
							&fq_chunk_size,
							1000, FQ_CHUNK_SIZE_MIN, FQ_CHUNK_SIZE_MAX,
							PGC_USERSET, 0,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("fraiseql.snake_case_keys",
							 "Maps camelCase GraphQL field names to snake_case storage keys.",
							 NULL,
							 &fq_snake_case_keys,
							 true,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);

	DefineCustomIntVariable("fraiseql.max_filter_depth",
							"Maximum nesting depth of a filter (WHERE input).",
							NULL,
							&fq_max_filter_depth,
							32, 1, 1000,
							PGC_USERSET, 0,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("fraiseql.enable_simd",
							 "Uses simdjson for JSON text; off routes every path through PostgreSQL's own parser.",
							 NULL,
							 &fq_enable_simd,
							 true,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);

	fq_scan_init();
	fq_callargs_init();
	fq_ownplan_init();
	fq_plancache_init();
	fq_shape_init();
	fq_pushdown_init();

	MarkGUCPrefixReserved("fraiseql");
}

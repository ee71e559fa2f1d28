/*-------------------------------------------------------------------------
 *
 * fraiseql.c
 *	  Module entry point: PG_MODULE_MAGIC and _PG_init, which calls each
 *	  module's init (each defines its own GUCs and hooks).
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
#include "filter.h"
#include "ownplan.h"
#include "parse.h"
#include "plancache.h"
#include "scan.h"
#include "shape.h"
#include "sqlbuild.h"
#include "stream.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	fq_stream_init();
	fq_sqlbuild_init();
	fq_filter_init();
	fq_parse_init();
	fq_scan_init();
	fq_callargs_init();
	fq_ownplan_init();
	fq_plancache_init();
	fq_shape_init();

	MarkGUCPrefixReserved("fraiseql");
}

/*-------------------------------------------------------------------------
 *
 * fraiseql.c
 *	  Module entry point: PG_MODULE_MAGIC and _PG_init, which calls each
 *	  module's init (each defines its own GUCs and hooks).
 *
 * The pipeline a call travels: an entry point reads its arguments ->
 * source.c resolves the relation -> query.c builds the statement (shape.c's
 * remembered translation, or filter.c + operators.c and order.c writing
 * through sqlbuild.c) -> plancache.c gives it a plan -> stream.c (SRF) or
 * scan.c (custom scan) reads it in chunks -> project.c projects each row
 * onto the selection (selection.c) -> jsonwrite.c writes JSON text.
 *
 * The module map.  Imports point one way, from the SQL entry points down
 * to the helpers; no module includes a header above it.
 *
 * Entry points (SQL functions, the custom scan, the planner's help):
 *	  stream.c      fraiseql.stream(): the chunked-cursor SRF
 *	  scan.c        the FraiseQLStream custom scan, reading through stream.c
 *	  response.c    fraiseql.query(): a whole GraphQL response
 *	  query.c       to_sql() and count(); fq_query_build, the whole statement
 *	  jsonsource.c  json_get(_text)(), which generated SQL calls on json
 *	                sources
 *	  plancache.c   the plan cache and its views (plan_cache, _info, _reset)
 *	  callargs.c    fills in our functions' default arguments early
 *
 * The statement, top down:
 *	  query.c       reads the arguments, builds the statement from
 *	  shape.c       the shape memo (a call's shape -> its translation), or
 *	  filter.c      the filter walk (logical keys, nesting, columns) and
 *	  operators.c   the operator table and writers, the parameter conversions
 *	  order.c       order_by -> ORDER BY
 *	  sqlbuild.c    the statement type and the SQL-writing helpers under all
 *	                of them (parameters, type names, storage keys, paths)
 *	  source.c      the relation, its data column and native columns
 *
 * Running it:
 *	  plancache.c   shared shapes and verdicts, over
 *	  localplans.c  each backend's prepared plans, and
 *	  ownplan.c     the cursor options that mark (and plan) our statements
 *
 * Writing rows:
 *	  project.c     a row's data, whole or projected onto a selection from
 *	  selection.c   the parsed GraphQL selection set
 *	  jsonwrite.c   jsonb as JSON text, as jsonb_out writes it
 *
 * simdjson:
 *	  parse.c       parse() and is_json(); the backend's one parser and
 *	                fraiseql.enable_simd, for the json readers and the writer
 * behind the C API of json_simd.h (C++, no PostgreSQL call):
 *	  json_simd.cpp          the parser's life
 *	  json_simd_stage1.cpp   our AVX-512 stage 1
 *	  json_simd_grammar.cpp  the grammar pass: tokens, validation, shapes
 *	  json_simd_lookup.cpp   key lookups (On-Demand)
 *
 * fraiseql.h holds fq_prefetch_next_row, which the per-row readers share.
 * Each module defines its own GUCs in its fq_<module>_init, called below.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "callargs.h"
#include "connection.h"
#include "filter.h"
#include "ownplan.h"
#include "parse.h"
#include "plancache.h"
#include "pushdown.h"
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
	fq_connection_init();
	fq_pushdown_init();

	MarkGUCPrefixReserved("fraiseql");
}

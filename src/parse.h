/*-------------------------------------------------------------------------
 *
 * parse.h
 *	  The backend's simdjson parser and JSON text -> jsonb, shared by
 *	  parse.c's SQL functions, json sources and projection.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_PARSE_H
#define FQ_PARSE_H

#include "postgres.h"

#include "json_simd.h"
#include "utils/jsonb.h"

/*
 * fraiseql.enable_simd (GUC, SPEC section 9): off routes every simdjson
 * path (parse, is_json, json sources, the writer) through PostgreSQL's own
 * parser
 */
extern bool fq_enable_simd;

extern void fq_parse_init(void);
extern FqSimdParser *fq_simd_backend_parser(void);
extern void fq_simd_out_of_memory(size_t len) pg_attribute_noreturn();
extern Datum fq_json_text_to_jsonb(const char *buf, size_t len);
extern Jsonb *fq_tokens_value_to_jsonb(const FqSimdToken *tokens, int at);

#endif							/* FQ_PARSE_H */

/*-------------------------------------------------------------------------
 *
 * jsonwrite.h
 *	  JSON text out: jsonb containers and values written as the text
 *	  jsonb_out produces, strings escaped with SIMD.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_JSONWRITE_H
#define FQ_JSONWRITE_H

#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/jsonb.h"

extern void fq_write_string(StringInfo out, const char *s, int len);
extern void fq_write_container(StringInfo out, JsonbContainer *container);
extern void fq_write_value(StringInfo out, const JsonbValue *value);

#endif							/* FQ_JSONWRITE_H */

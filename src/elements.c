/*-------------------------------------------------------------------------
 *
 * elements.c
 *	  fraiseql.elements(jsonb): the rows the quantifiers' SQL (_some, _every,
 *	  _none; see translate_quantifier in filter.c) reads an array with.
 *
 * jsonb_array_elements() refuses a scalar or an object, and a quantifier
 * must answer for every value a key can hold, so the SQL used to guard it:
 *
 *		CASE WHEN jsonb_typeof(data->'k') = 'array'
 *			 THEN EXISTS (SELECT FROM jsonb_array_elements(data->'k') ...)
 *			 ELSE false END
 *
 * which looks the key up twice per row and calls jsonb_typeof: 7% of a
 * quantified count's time on short inline rows, 17% where rows are
 * compressed, as each -> decompresses the row again (bench/RESULTS.md,
 * seventh session).  This function reads the value once: an array gives
 * its elements, in order; anything else (SQL NULL, JSON null, a scalar, an
 * object) gives one SQL NULL row, which no element of an array can be, so
 * the one statement tells "not an array" from "no element matches":
 *
 *		_some	EXISTS (SELECT FROM fraiseql.elements(a) AS q(e)
 *						WHERE q.e IS NOT NULL AND <cond>)
 *		_none	NOT EXISTS (... WHERE q.e IS NULL OR <cond>)
 *		_every	NOT EXISTS (... WHERE q.e IS NULL OR (<cond>) IS NOT TRUE)
 *
 * Not STRICT: a missing key (SQL NULL) must give the NULL row too, or
 * _every and _none would hold for it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/jsonb.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(fraiseql_elements);

Datum
fraiseql_elements(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Jsonb	   *jb = PG_ARGISNULL(0) ? NULL : PG_GETARG_JSONB_P(0);
	Datum		value;
	bool		isnull;

	/* the tuple descriptor is the caller's: a single jsonb column */
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);

	if (jb == NULL || !JB_ROOT_IS_ARRAY(jb) || JB_ROOT_IS_SCALAR(jb))
	{
		isnull = true;
		value = (Datum) 0;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &isnull);
	}
	else
	{
		JsonbIterator *it = JsonbIteratorInit(&jb->root);
		JsonbValue	v;
		JsonbIteratorToken tok;

		isnull = false;
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			CHECK_FOR_INTERRUPTS();
			if (tok != WJB_ELEM)
				continue;
			value = JsonbPGetDatum(JsonbValueToJsonb(&v));
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &isnull);
		}
	}
	return (Datum) 0;
}

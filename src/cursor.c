/*-------------------------------------------------------------------------
 *
 * cursor.c
 *	  Encodes and decodes the cursors of fraiseql.connection().
 *
 * A cursor is the base64 text of
 *		uint8	version (1)
 *		uint64	check: a hash of the source's OID and the order's normalized
 *				shape (connection.c), so that a cursor of another source or
 *				order is refused
 *		uint16	number of keys
 *		per key: uint32 type OID, int32 length (-1: NULL), the value in the
 *				type's binary send format
 * all integers in network byte order.  The binary format is the one COPY
 * BINARY uses: exact (floats, numerics, timestamps) and independent of
 * DateStyle, TimeZone and extra_float_digits, which a text form would not
 * be.  Decoding checks everything before a value reaches SQL -- the
 * version, the check, the number, types and lengths of the values, and
 * each value with its type's receive function, which validates it -- and
 * the values only ever become bound parameters; a cursor that fails any
 * check is refused with 22023.  Text that is not one of our cursors fails
 * the 64-bit check but with odds of 2^-64.  The cursor is not signed: a
 * client may build one by hand, which only lets it start a page at a
 * position of its choosing, which is what after/before are for anyway.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/base64.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "cursor.h"

#define CURSOR_VERSION 1
#define CURSOR_HINT "Pass a cursor returned by fraiseql.connection() for the same source and order_by, unchanged."

static void
bad_cursor(const char *argname, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid cursor in \"%s\"", argname),
			 errdetail("%s", detail),
			 errhint(CURSOR_HINT)));
}

char *
fq_relay_cursor_encode(const FqCursorSpec *spec, const Datum *values,
					   const bool *nulls)
{
	StringInfoData buf;
	char	   *out;
	int			outlen;
	int			i;

	initStringInfo(&buf);
	pq_sendbyte(&buf, CURSOR_VERSION);
	pq_sendint64(&buf, (int64) spec->check);
	pq_sendint16(&buf, (uint16) spec->nkeys);
	for (i = 0; i < spec->nkeys; i++)
	{
		pq_sendint32(&buf, spec->types[i]);
		if (nulls[i])
			pq_sendint32(&buf, -1);
		else
		{
			Oid			sendfunc;
			bool		isvarlena;
			bytea	   *b;

			getTypeBinaryOutputInfo(spec->types[i], &sendfunc, &isvarlena);
			b = OidSendFunctionCall(sendfunc, values[i]);
			pq_sendint32(&buf, VARSIZE(b) - VARHDRSZ);
			pq_sendbytes(&buf, VARDATA(b), VARSIZE(b) - VARHDRSZ);
			pfree(b);
		}
	}

	out = palloc(pg_b64_enc_len(buf.len) + 1);
	outlen = pg_b64_encode(buf.data, buf.len, out, pg_b64_enc_len(buf.len));
	if (outlen < 0)
		elog(ERROR, "could not encode cursor");
	out[outlen] = '\0';
	pfree(buf.data);
	return out;
}

/*
 * Reads one value with the type's receive function.  A receive function
 * reports bad input as a data exception (class 22) or, for a value shorter
 * than it needs, a protocol violation; either becomes 22023 here.  Any
 * other error (a cancel, out of memory) goes on as it is.
 */
static Datum
receive_value(const char *argname, Oid type, StringInfo value)
{
	MemoryContext context = CurrentMemoryContext;
	Oid			recvfunc;
	Oid			ioparam;
	Datum		result = (Datum) 0;

	getTypeBinaryInputInfo(type, &recvfunc, &ioparam);
	PG_TRY();
	{
		result = OidReceiveFunctionCall(recvfunc, value, ioparam, -1);
		if (value->cursor != value->len)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("incorrect binary data format")));
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(context);
		edata = CopyErrorData();
		if (ERRCODE_TO_CATEGORY(edata->sqlerrcode) != ERRCODE_DATA_EXCEPTION &&
			edata->sqlerrcode != ERRCODE_PROTOCOL_VIOLATION)
			PG_RE_THROW();
		FlushErrorState();
		bad_cursor(argname, psprintf("A key value is not a valid %s: %s.",
									 format_type_be(type), edata->message));
	}
	PG_END_TRY();
	return result;
}

void
fq_relay_cursor_decode(const FqCursorSpec *spec, const char *argname,
					   const char *text, int len, Datum *values, bool *nulls)
{
	StringInfoData buf;
	char	   *raw;
	int			rawlen;
	int			i;

	if (len == 0 || len > 1024 * 1024)
		bad_cursor(argname, len == 0 ? "The cursor is empty." : "The cursor is too long.");
	raw = palloc(pg_b64_dec_len(len) + 1);
	rawlen = pg_b64_decode(text, len, raw, pg_b64_dec_len(len));
	if (rawlen < 0)
		bad_cursor(argname, "The cursor is not base64 text.");
	if (rawlen < 1 + 8 + 2)
		bad_cursor(argname, "The cursor is truncated.");

	buf.data = raw;
	buf.len = rawlen;
	buf.maxlen = rawlen;
	buf.cursor = 0;
	if (pq_getmsgbyte(&buf) != CURSOR_VERSION)
		bad_cursor(argname, "The cursor has an unknown format version.");
	if ((uint64) pq_getmsgint64(&buf) != spec->check)
		bad_cursor(argname, "The cursor belongs to another source or another order_by.");
	if ((int) pq_getmsgint(&buf, 2) != spec->nkeys)
		bad_cursor(argname, "The cursor has the wrong number of keys.");

	for (i = 0; i < spec->nkeys; i++)
	{
		Oid			type;
		int32		vlen;
		StringInfoData value;

		if (buf.len - buf.cursor < 8)
			bad_cursor(argname, "The cursor is truncated.");
		type = pq_getmsgint(&buf, 4);
		vlen = pq_getmsgint(&buf, 4);
		if (type != spec->types[i])
			bad_cursor(argname, "A key value of the cursor has the wrong type.");
		if (vlen == -1)
		{
			if (!spec->nullable[i])
				bad_cursor(argname, "The cursor holds a NULL for a key that cannot be NULL.");
			nulls[i] = true;
			values[i] = (Datum) 0;
			continue;
		}
		if (vlen < 0 || vlen > buf.len - buf.cursor)
			bad_cursor(argname, "The cursor is truncated.");
		/* the receive functions want a terminated buffer of their own */
		initStringInfo(&value);
		appendBinaryStringInfo(&value, buf.data + buf.cursor, vlen);
		buf.cursor += vlen;
		nulls[i] = false;
		values[i] = receive_value(argname, type, &value);
	}
	if (buf.cursor != buf.len)
		bad_cursor(argname, "The cursor has trailing bytes.");
	pfree(raw);
}

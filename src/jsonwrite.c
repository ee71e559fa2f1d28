/*-------------------------------------------------------------------------
 *
 * jsonwrite.c
 *	  Writes jsonb as JSON text, byte for byte what jsonb_out writes
 *	  ({"a": 1, "b": [1, 2]}: keys in jsonb's order, ", " and ": "), and
 *	  JSON strings escaped as escape_json escapes them.
 *
 * jsonb_out walks a document through the generic JsonbIterator, which
 * copies every key and value into a JsonbValue and dispatches on a state
 * machine; here we decode the container's JEntry array directly, keeping a
 * running offset, and append each scalar straight from the container's
 * bytes.  Strings are scanned 16 bytes at a time with SSE2 for the bytes
 * that need escaping (", \ and controls), copying clean runs whole; the
 * scalar loop handles the tail and machines without SSE2.
 *
 * fraiseql.enable_simd = off writes through PostgreSQL's own functions.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "fraiseql.h"
#include "jsonwrite.h"

/* One byte that needs escaping, as escape_json writes it */
static inline void
write_escaped_byte(StringInfo out, unsigned char c)
{
	switch (c)
	{
		case '\b':
			appendBinaryStringInfo(out, "\\b", 2);
			break;
		case '\f':
			appendBinaryStringInfo(out, "\\f", 2);
			break;
		case '\n':
			appendBinaryStringInfo(out, "\\n", 2);
			break;
		case '\r':
			appendBinaryStringInfo(out, "\\r", 2);
			break;
		case '\t':
			appendBinaryStringInfo(out, "\\t", 2);
			break;
		case '"':
			appendBinaryStringInfo(out, "\\\"", 2);
			break;
		case '\\':
			appendBinaryStringInfo(out, "\\\\", 2);
			break;
		default:
			{
				static const char hex[] = "0123456789abcdef";
				char		buf[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

				appendBinaryStringInfo(out, buf, 6);
			}
	}
}

static inline bool
needs_escape(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

/*
 * Appends s[0..len) as a quoted JSON string.
 */
void
fq_write_string(StringInfo out, const char *s, int len)
{
	int			i = 0;
	int			run = 0;		/* start of the clean run not yet copied */

	if (!fq_enable_simd)
	{
		char	   *copy = pnstrdup(s, len);

		escape_json(out, copy);
		pfree(copy);
		return;
	}

	/* the worst case: every byte becomes \u00XX */
	enlargeStringInfo(out, len + 2);
	appendStringInfoCharMacro(out, '"');

#ifdef __SSE2__
	{
		const __m128i quote = _mm_set1_epi8('"');
		const __m128i backslash = _mm_set1_epi8('\\');
		const __m128i control_max = _mm_set1_epi8(0x1f);

		while (i + 16 <= len)
		{
			__m128i		chunk = _mm_loadu_si128((const __m128i *) (s + i));
			__m128i		special;
			int			mask;

			/* unsigned c <= 0x1f  <=>  max(c, 0x1f) == 0x1f */
			special = _mm_or_si128(_mm_cmpeq_epi8(_mm_max_epu8(chunk, control_max), control_max),
								   _mm_or_si128(_mm_cmpeq_epi8(chunk, quote),
												_mm_cmpeq_epi8(chunk, backslash)));
			mask = _mm_movemask_epi8(special);
			if (mask == 0)
			{
				i += 16;
				continue;
			}
			i += __builtin_ctz(mask);
			appendBinaryStringInfo(out, s + run, i - run);
			write_escaped_byte(out, (unsigned char) s[i]);
			i++;
			run = i;
		}
	}
#endif

	for (; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (needs_escape(c))
		{
			appendBinaryStringInfo(out, s + run, i - run);
			write_escaped_byte(out, c);
			run = i + 1;
		}
	}
	appendBinaryStringInfo(out, s + run, len - run);
	appendStringInfoCharMacro(out, '"');
}

static void
write_numeric(StringInfo out, Numeric num)
{
	char	   *digits = DatumGetCString(DirectFunctionCall1(numeric_out,
															 NumericGetDatum(num)));

	appendStringInfoString(out, digits);
	pfree(digits);
}

/*
 * Appends child "index" of a container, whose data starts at "offset"
 * bytes into the container's data area.
 */
static void
write_child(StringInfo out, JsonbContainer *container, const char *base,
			JEntry entry, uint32 offset, uint32 length)
{
	if (JBE_ISSTRING(entry))
		fq_write_string(out, base + offset, length);
	else if (JBE_ISNUMERIC(entry))
		write_numeric(out, (Numeric) (base + INTALIGN(offset)));
	else if (JBE_ISBOOL_TRUE(entry))
		appendBinaryStringInfo(out, "true", 4);
	else if (JBE_ISBOOL_FALSE(entry))
		appendBinaryStringInfo(out, "false", 5);
	else if (JBE_ISNULL(entry))
		appendBinaryStringInfo(out, "null", 4);
	else
		fq_write_container(out, (JsonbContainer *) (base + INTALIGN(offset)));
}

/*
 * Appends a container (object, array, or the array wrapping a raw scalar).
 */
void
fq_write_container(StringInfo out, JsonbContainer *container)
{
	uint32		count = JsonContainerSize(container);
	const JEntry *children = container->children;
	const char *base;
	uint32		i;

	if (!fq_enable_simd)
	{
		JsonbToCString(out, container, -1);
		return;
	}

	check_stack_depth();
	if (JsonContainerIsObject(container))
	{
		/* keys are children 0..count-1, values count..2*count-1 */
		uint32		key_offset = 0;
		uint32		value_offset = 0;

		base = (const char *) &children[count * 2];
		for (i = 0; i < count; i++)
			JBE_ADVANCE_OFFSET(value_offset, children[i]);

		appendStringInfoCharMacro(out, '{');
		for (i = 0; i < count; i++)
		{
			uint32		key_end = key_offset;
			uint32		value_end = value_offset;

			JBE_ADVANCE_OFFSET(key_end, children[i]);
			JBE_ADVANCE_OFFSET(value_end, children[count + i]);
			if (i > 0)
				appendBinaryStringInfo(out, ", ", 2);
			fq_write_string(out, base + key_offset, key_end - key_offset);
			appendBinaryStringInfo(out, ": ", 2);
			write_child(out, container, base, children[count + i],
						value_offset, value_end - value_offset);
			key_offset = key_end;
			value_offset = value_end;
		}
		appendStringInfoCharMacro(out, '}');
	}
	else
	{
		uint32		offset = 0;
		bool		raw_scalar = JsonContainerIsScalar(container);

		base = (const char *) &children[count];
		if (!raw_scalar)
			appendStringInfoCharMacro(out, '[');
		for (i = 0; i < count; i++)
		{
			uint32		end = offset;

			JBE_ADVANCE_OFFSET(end, children[i]);
			if (i > 0)
				appendBinaryStringInfo(out, ", ", 2);
			write_child(out, container, base, children[i], offset, end - offset);
			offset = end;
		}
		if (!raw_scalar)
			appendStringInfoCharMacro(out, ']');
	}
}

/*
 * Appends a JsonbValue: a scalar, or a container (jbvBinary).
 */
void
fq_write_value(StringInfo out, const JsonbValue *value)
{
	switch (value->type)
	{
		case jbvNull:
			appendBinaryStringInfo(out, "null", 4);
			break;
		case jbvString:
			fq_write_string(out, value->val.string.val, value->val.string.len);
			break;
		case jbvNumeric:
			write_numeric(out, value->val.numeric);
			break;
		case jbvBool:
			if (value->val.boolean)
				appendBinaryStringInfo(out, "true", 4);
			else
				appendBinaryStringInfo(out, "false", 5);
			break;
		case jbvBinary:
			fq_write_container(out, value->val.binary.data);
			break;
		default:
			elog(ERROR, "unexpected jsonb value type %d", (int) value->type);
	}
}

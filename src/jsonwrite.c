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

#include "jsonwrite.h"
#include "parse.h"

/*
 * Appending without a function call per piece: reserve() makes room (the
 * StringInfo keeps one byte for its terminating NUL), put() copies into
 * room already reserved; the NUL is restored when a string or container is
 * complete.
 */
static inline void
reserve(StringInfo out, int n)
{
	if (out->len + n >= out->maxlen)
		enlargeStringInfo(out, n);
}

static inline void
put(StringInfo out, const char *s, int n)
{
	memcpy(out->data + out->len, s, n);
	out->len += n;
}

static inline void
put_char(StringInfo out, char c)
{
	out->data[out->len++] = c;
}

/* One byte that needs escaping, as escape_json writes it; room for 6 reserved */
static inline void
put_escaped_byte(StringInfo out, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char		esc = 0;

	switch (c)
	{
		case '\b':
			esc = 'b';
			break;
		case '\f':
			esc = 'f';
			break;
		case '\n':
			esc = 'n';
			break;
		case '\r':
			esc = 'r';
			break;
		case '\t':
			esc = 't';
			break;
		case '"':
			esc = '"';
			break;
		case '\\':
			esc = '\\';
			break;
	}
	put_char(out, '\\');
	if (esc)
		put_char(out, esc);
	else
	{
		put(out, "u00", 3);
		put_char(out, hex[c >> 4]);
		put_char(out, hex[c & 15]);
	}
}

#ifdef __SSE2__
/* Bit i set when byte i of the 16 needs escaping: ", \ or below 0x20 */
static inline int
special_mask(__m128i chunk)
{
	const __m128i quote = _mm_set1_epi8('"');
	const __m128i backslash = _mm_set1_epi8('\\');
	const __m128i control_max = _mm_set1_epi8(0x1f);

	/* unsigned c <= 0x1f  <=>  max(c, 0x1f) == 0x1f */
	return _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(_mm_max_epu8(chunk, control_max), control_max),
										  _mm_or_si128(_mm_cmpeq_epi8(chunk, quote),
													   _mm_cmpeq_epi8(chunk, backslash))));
}
#endif

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

	/* quotes and every byte; each escape reserves its own extra room */
	reserve(out, len + 2);
	put_char(out, '"');

#ifdef __SSE2__
	while (i < len)
	{
		int			mask;
		int			width = Min(16, len - i);

		if (width == 16)
			mask = special_mask(_mm_loadu_si128((const __m128i *) (s + i)));
		else
		{
			/* the tail, through a copy: never read past the string */
			char		tail[16] = {0};

			memcpy(tail, s + i, width);
			mask = special_mask(_mm_loadu_si128((const __m128i *) tail)) & ((1 << width) - 1);
		}
		while (mask != 0)
		{
			int			at = i + __builtin_ctz(mask);

			put(out, s + run, at - run);
			reserve(out, 6 + (len - at) + 1);
			put_escaped_byte(out, (unsigned char) s[at]);
			run = at + 1;
			mask &= mask - 1;
		}
		i += width;
	}
#else
	for (; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c < 0x20 || c == '"' || c == '\\')
		{
			put(out, s + run, i - run);
			reserve(out, 6 + (len - i) + 1);
			put_escaped_byte(out, c);
			run = i + 1;
		}
	}
#endif
	put(out, s + run, len - run);
	put_char(out, '"');
	out->data[out->len] = '\0';
}

static void
write_numeric(StringInfo out, Numeric num)
{
	char	   *digits = DatumGetCString(DirectFunctionCall1(numeric_out,
															 NumericGetDatum(num)));
	int			len = strlen(digits);

	reserve(out, len);
	put(out, digits, len);
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
	{
		reserve(out, 4);
		put(out, "true", 4);
	}
	else if (JBE_ISBOOL_FALSE(entry))
	{
		reserve(out, 5);
		put(out, "false", 5);
	}
	else if (JBE_ISNULL(entry))
	{
		reserve(out, 4);
		put(out, "null", 4);
	}
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

		reserve(out, 1);
		put_char(out, '{');
		for (i = 0; i < count; i++)
		{
			uint32		key_end = key_offset;
			uint32		value_end = value_offset;

			JBE_ADVANCE_OFFSET(key_end, children[i]);
			JBE_ADVANCE_OFFSET(value_end, children[count + i]);
			if (i > 0)
			{
				reserve(out, 2);
				put(out, ", ", 2);
			}
			fq_write_string(out, base + key_offset, key_end - key_offset);
			reserve(out, 2);
			put(out, ": ", 2);
			write_child(out, container, base, children[count + i],
						value_offset, value_end - value_offset);
			key_offset = key_end;
			value_offset = value_end;
		}
		reserve(out, 1);
		put_char(out, '}');
	}
	else
	{
		uint32		offset = 0;
		bool		raw_scalar = JsonContainerIsScalar(container);

		base = (const char *) &children[count];
		reserve(out, 1);
		if (!raw_scalar)
			put_char(out, '[');
		for (i = 0; i < count; i++)
		{
			uint32		end = offset;

			JBE_ADVANCE_OFFSET(end, children[i]);
			if (i > 0)
			{
				reserve(out, 2);
				put(out, ", ", 2);
			}
			write_child(out, container, base, children[i], offset, end - offset);
			offset = end;
		}
		reserve(out, 1);
		if (!raw_scalar)
			put_char(out, ']');
	}
	out->data[out->len] = '\0';
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

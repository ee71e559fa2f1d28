/*-------------------------------------------------------------------------
 *
 * json_simd_stage1.cpp
 *	  Our own AVX-512 stage 1: the structural indexes of a document (and,
 *	  for the shapes memo, their token classes), simdjson's to the byte,
 *	  for json_simd_grammar.cpp to walk.
 *
 * Rules of the json_simd*.cpp files: no PostgreSQL header, no PostgreSQL
 * call, no C++ exception escapes (every entry point is noexcept and wraps
 * its body in try/catch), simdjson is used through its error-code API only.
 * Functions one file calls in another are FQ_SIMD_HIDDEN: not exported
 * from the library, and called directly rather than through the PLT, as
 * the static functions they were.
 *
 *-------------------------------------------------------------------------
 */
#include "json_simd_internal.hpp"

/*
 * A stage 1 of our own, for validation and tokens, on x86-64 CPUs where
 * simdjson picks its "icelake" kernel (AVX-512 with BW and VBMI2).
 *
 * simdjson's stage 1 is built for large documents; over a FraiseQL row of
 * a few hundred bytes its fixed costs weigh: a virtual call, the copy of
 * the last partial block into a buffer of spaces (which the next load of
 * it waits for), a UTF-8 check run on every block, and our memchr for a
 * backslash after it.  This one writes the same structural indexes (so
 * the grammar pass of json_simd_grammar.cpp runs unchanged) in one pass of
 * 64-byte blocks, the last read with a masked load that touches no byte past the text: quotes,
 * backslashes, operators, whitespace, control and non-ASCII bytes as bit
 * masks, the bytes a backslash escapes by carry arithmetic over runs of
 * backslashes, strings as the prefix XOR of their unescaped quotes
 * (carry-less multiplication by all ones), indexes packed with VBMI2's
 * compress.  The indexes are simdjson's, to the byte: an operator outside
 * strings (simdjson's classification takes 0x0C and 0x1A for ',' and ':';
 * so does this, and the grammar refuses them), a string's opening quote,
 * and the first byte of every run of other bytes outside strings (a
 * scalar, or garbage the grammar refuses).
 *
 * Non-ASCII bytes are checked as UTF-8 after the pass, only when there are
 * some (most FraiseQL rows are ASCII).  Over 10k FraiseQL rows of ~430
 * bytes outside the server, one core: simdjson's stage 1 42 ns a row and
 * the memchr for a backslash 5, this pass 37; validation as a whole
 * 86 -> 79 ns, and 98 -> 85 ns with two accented words in every row.  An AVX2 version did
 * not beat simdjson's "haswell" kernel (85 vs 79 ns for the stage 1
 * alone), so CPUs without AVX-512 keep simdjson's.  Its indexes are
 * simdjson's to the byte: compared over random texts (operators,
 * quotes, backslashes, control bytes, UTF-8 sequences valid and not, at
 * every tail length) by fuzz/stage1_check.cpp, part of `make test`; the
 * fuzz harness holds the verdicts and tokens to its reference parser.
 */
#ifdef FQ_AVX512_STAGE1

/*
 * Is buf[from..to) valid UTF-8 (RFC 3629: shortest forms, no surrogates,
 * nothing above U+10FFFF), given that buf[from] and buf[to - 1] are its
 * first and last non-ASCII bytes?  Jumps from one non-ASCII byte to the
 * next, for text that holds a few; simdjson's validate_utf8 for the rest.
 */
FQ_AVX512 static bool
sparse_utf8(const char *buf, size_t from, size_t to)
{
	const unsigned char *text = (const unsigned char *) buf;
	size_t		at = from;

	while (at < to)
	{
		unsigned char lead = text[at];
		unsigned char low = 0x80;	/* bounds of the second byte */
		unsigned char high = 0xBF;
		size_t		follow;

		if (lead >= 0xC2 && lead <= 0xDF)
			follow = 1;
		else if (lead >= 0xE0 && lead <= 0xEF)
		{
			follow = 2;
			if (lead == 0xE0)
				low = 0xA0;		/* shortest form */
			else if (lead == 0xED)
				high = 0x9F;	/* no surrogate */
		}
		else if (lead >= 0xF0 && lead <= 0xF4)
		{
			follow = 3;
			if (lead == 0xF0)
				low = 0x90;		/* shortest form */
			else if (lead == 0xF4)
				high = 0x8F;	/* up to U+10FFFF */
		}
		else
			return false;		/* a stray continuation byte, C0, C1, F5-FF */
		if (to - at <= follow || text[at + 1] < low || text[at + 1] > high)
			return false;
		for (size_t k = 2; k <= follow; k++)
			if ((text[at + k] & 0xC0) != 0x80)
				return false;
		at += follow + 1;

		/* on to the next non-ASCII byte */
		while (at < to)
		{
			size_t		rest = to - at;
			__m512i		v = _mm512_maskz_loadu_epi8(rest >= 64 ? ~UINT64_C(0) :
													 _bzhi_u64(~UINT64_C(0), (unsigned) rest),
													 buf + at);
			uint64_t	non_ascii = _mm512_movepi8_mask(v);

			if (non_ascii != 0)
			{
				at += _tzcnt_u64(non_ascii);
				break;
			}
			at += 64;
		}
	}
	return true;
}

/*
 * Writes the structural indexes of buf[0..len) to index, which has room
 * for len + 80 of them, and index[*n] = len after the last (the sentinel
 * the grammar reads a scalar's end from); unless classes is null, the
 * class of each token to classes (as much room): its byte for an
 * operator or a quote, 's' for a scalar.  Returns false, having written
 * nothing useful, when the text cannot be JSON: a raw control character
 * in a string, a string left open, bad UTF-8.  *backslash says whether
 * the text holds one; *checked_escapes whether every escape in a string is
 * one of \" \\ \/ \b \f \n \r \t, which this has then checked (any
 * other, \u among them, is left to the grammar).
 */
FQ_SIMD_HIDDEN FQ_AVX512 bool
avx512_stage1(const char *buf, size_t len, uint32_t *index, char *classes,
			  uint32_t *n, bool *backslash, bool *checked_escapes)
{
	const uint64_t odd_bits = UINT64_C(0xAAAAAAAAAAAAAAAA);
	/* by low nibble: 0 ' ', 9 '\t', 10 '\n', 13 '\r'; -128 equals no byte
	 * whose nibble selects it (a byte with its high bit set selects 0) */
	const __m512i space_table = _mm512_maskz_broadcast_i32x4(0xFFFF,
		_mm_setr_epi8(' ', -128, -128, -128, -128, -128, -128, -128,
					  -128, '\t', '\n', -128, -128, '\r', -128, -128));
	const __m512i spaces = _mm512_set1_epi8(' ');
	const __m512i byte_offsets = _mm512_set_epi8(
		63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48,
		47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32,
		31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16,
		15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
	uint32_t   *out = index;
	uint64_t	in_string = 0;	/* all ones while a string runs on */
	uint64_t	prev_scalar = 0;	/* 1: the last block ended in a scalar */
	uint64_t	prev_escape = 0;	/* 1: its last byte escapes the next */
	uint64_t	backslashes = 0;
	uint64_t	other_escapes = 0;	/* escaped in strings, not " \ / b f n r t */
	size_t		first_non_ascii = SIZE_MAX;
	size_t		last_non_ascii = 0;
	uint32_t	non_ascii_bytes = 0;

	for (size_t offset = 0; offset < len; offset += 64)
	{
		size_t		rest = len - offset;
		__m512i		v;
		uint64_t	non_ascii;

		/* past the end, spaces: no index, and in an open string no change */
		if (rest >= 64)
			v = _mm512_loadu_si512(buf + offset);
		else
			v = _mm512_mask_loadu_epi8(spaces, _bzhi_u64(~UINT64_C(0), (unsigned) rest),
									   buf + offset);

		if ((non_ascii = _mm512_movepi8_mask(v)) != 0)
		{
			if (first_non_ascii == SIZE_MAX)
				first_non_ascii = offset + _tzcnt_u64(non_ascii);
			last_non_ascii = offset + 63 - __builtin_clzll(non_ascii);
			non_ascii_bytes += (uint32_t) _mm_popcnt_u64(non_ascii);
		}

		uint64_t	bs = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\\'));
		uint64_t	quote = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"'));

		backslashes |= bs;
		uint64_t	escaped = 0;

		if ((bs | prev_escape) != 0)
		{
			/*
			 * A byte is escaped when an odd run of backslashes precedes
			 * it.  Subtracting each run's backslashes from a mask of the
			 * bytes after them with every odd bit set carries through the
			 * run, which leaves, XORed with the odd bits again, a code
			 * whose bit after a run is set exactly for odd runs; a
			 * backslash escaped by the last block starts no run.
			 */
			uint64_t	escaping = bs & ~prev_escape;
			uint64_t	code = (((escaping << 1) | odd_bits) - escaping) ^ odd_bits;

			escaped = code ^ (bs | prev_escape);
			prev_escape = (code & bs) >> 63;
			quote &= ~escaped;
		}

		/* from each opening quote up to its closing one, which is out */
		uint64_t	string = (uint64_t) _mm_cvtsi128_si64(
			_mm_clmulepi64_si128(_mm_set_epi64x(0, (long long) quote),
								 _mm_set1_epi8(-1), 0)) ^ in_string;

		in_string = (uint64_t) ((int64_t) string >> 63);
		if (_mm512_cmple_epu8_mask(v, _mm512_set1_epi8(0x1F)) & string)
			return false;
		/* \u escapes (and invalid ones) are left to the grammar's check */
		if (escaped & string)
			other_escapes |= escaped & string &
				~(_mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"')) |
				  _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\\')) |
				  _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('/')) |
				  _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('b')) |
				  _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('f')) |
				  _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('n')) |
				  _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('r')) |
				  _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('t')));

		/* '[' | 0x20 == '{', ']' | 0x20 == '}'; and 0x1A, 0x0C as ':', ',' */
		__m512i		folded = _mm512_or_si512(v, _mm512_set1_epi8(0x20));
		uint64_t	outside = ~(string | quote);
		uint64_t	op = (_mm512_cmpeq_epi8_mask(folded, _mm512_set1_epi8('{')) |
						  _mm512_cmpeq_epi8_mask(folded, _mm512_set1_epi8('}')) |
						  _mm512_cmpeq_epi8_mask(folded, _mm512_set1_epi8(':')) |
						  _mm512_cmpeq_epi8_mask(folded, _mm512_set1_epi8(','))) & outside;
		uint64_t	space = _mm512_cmpeq_epi8_mask(_mm512_shuffle_epi8(space_table, v), v);
		uint64_t	scalar = outside & ~(op | space);
		/* as for simdjson, a quote right after a scalar is part of it */
		uint64_t	starts = op | (((quote & string) | scalar) &
								   ~((scalar << 1) | prev_scalar));

		prev_scalar = scalar >> 63;

		/*
		 * The starts' byte offsets packed to the front, then widened 16 at
		 * a time; the spare entries land in room the next block (or the
		 * sentinel) overwrites.
		 */
		__m512i		packed = _mm512_maskz_compress_epi8(starts, byte_offsets);
		__m512i		base = _mm512_set1_epi32((int) offset);
		uint32_t	count = (uint32_t) _mm_popcnt_u64(starts);

		if (classes != nullptr)
			_mm512_storeu_si512(classes + (out - index),
								_mm512_maskz_compress_epi8(starts,
														   _mm512_mask_blend_epi8(scalar, v, _mm512_set1_epi8('s'))));

		_mm512_storeu_si512(out, _mm512_add_epi32(base,
												  _mm512_maskz_cvtepu8_epi32(0xFFFF, _mm512_maskz_extracti32x4_epi32(0xF, packed, 0))));
		if (count > 16)
			_mm512_storeu_si512(out + 16, _mm512_add_epi32(base,
														   _mm512_maskz_cvtepu8_epi32(0xFFFF, _mm512_maskz_extracti32x4_epi32(0xF, packed, 1))));
		if (count > 32)
			_mm512_storeu_si512(out + 32, _mm512_add_epi32(base,
														   _mm512_maskz_cvtepu8_epi32(0xFFFF, _mm512_maskz_extracti32x4_epi32(0xF, packed, 2))));
		if (count > 48)
			_mm512_storeu_si512(out + 48, _mm512_add_epi32(base,
														   _mm512_maskz_cvtepu8_epi32(0xFFFF, _mm512_maskz_extracti32x4_epi32(0xF, packed, 3))));
		out += count;
	}
	if (in_string)
		return false;
	/*
	 * ASCII before the first non-ASCII byte and after the last is valid
	 * UTF-8 and leaves no sequence open, so checking the bytes between
	 * them is checking the text.  A few accented letters are checked where
	 * they stand: simdjson's validate_utf8 costs as much as this whole pass
	 * over a short span.
	 */
	if (first_non_ascii != SIZE_MAX &&
		!(non_ascii_bytes <= 16 ?
		  sparse_utf8(buf, first_non_ascii, last_non_ascii + 1) :
		  simdjson::validate_utf8(buf + first_non_ascii,
								  last_non_ascii + 1 - first_non_ascii)))
		return false;
	*n = (uint32_t) (out - index);
	*out = (uint32_t) len;
	*backslash = backslashes != 0;
	*checked_escapes = other_escapes == 0;
	return true;
}
#endif							/* FQ_AVX512_STAGE1 */

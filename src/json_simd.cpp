/*-------------------------------------------------------------------------
 *
 * json_simd.cpp
 *	  The simdjson side of json_simd.h; the only C++ in fraiseql.
 *
 * Rules of this file: no PostgreSQL header, no PostgreSQL call, no C++
 * exception escapes (every entry point is noexcept and wraps its body in
 * try/catch), simdjson is used through its error-code API only.
 *
 *-------------------------------------------------------------------------
 */
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <vector>

#include <simdjson.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
/* avx512_stage1(), chosen at run time on CPUs that have AVX-512 */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define FQ_AVX512_STAGE1 1
#endif

#include "json_simd.h"

static_assert(FQ_SIMD_PADDING == simdjson::SIMDJSON_PADDING,
			  "FQ_SIMD_PADDING must match simdjson's padding");

/*
 * The token classes of a document validate_by_shape() has accepted (see
 * there): '{' '}' '[' ']' ':' ',' '"' as they are, 's' for a scalar
 */
#define FQ_SHAPES 4
#define FQ_SHAPE_MAX_TOKENS 256
#define FQ_SHAPE_MISSES 32		/* misses in a row that pause the shapes */
#define FQ_SHAPE_PAUSE 512		/* for this many documents */
struct ValidShape
{
	uint32_t	ntokens = 0;	/* 0: empty slot (no valid document has 0) */
	bool		used = false;	/* fitted a document since it was last passed
								 * over for replacement (second chance) */
	char		classes[FQ_SHAPE_MAX_TOKENS];
};

/* A buffer that grows as needed and is not cleared (std::vector would) */
template <typename T>
struct ScratchBuffer
{
	std::unique_ptr<T[]> data;
	size_t		capacity = 0;

	T		   *reserve(size_t n)
	{
		if (capacity < n)
		{
			/* the old one goes first; after a bad_alloc the buffer is empty */
			data.reset();
			capacity = 0;
			data.reset(new T[n + n / 8]);
			capacity = n + n / 8;
		}
		return data.get();
	}
	void		release()
	{
		data.reset();
		capacity = 0;
	}
};

struct FqSimdParser
{
	simdjson::dom::parser dom;	/* for its stage 1 only (validate, tokenize) */
	simdjson::ondemand::parser ondemand;	/* lookups */
	std::vector<FqSimdToken> tokens;
	std::vector<char> padded;	/* a copy of a document without padding */
	std::vector<char> unescaped;	/* the tokens' unescaped strings */
	bool		stage1_overreads = false;	/* see run_tokenizer() */
	bool		avx512_stage1 = false;	/* stage 1 by avx512_stage1() */
	ScratchBuffer<uint32_t> indexes;	/* its structural indexes */
	ScratchBuffer<char> classes;	/* and their token classes */
	ValidShape	shapes[FQ_SHAPES];	/* shapes accepted lately */
	unsigned	next_shape = 0; /* the slot the next one takes */
	unsigned	shape_misses = 0;	/* documents in a row none fitted */
	unsigned	shape_pause = 0;	/* documents left to validate without */
};

using simdjson::ondemand::json_type;

/* Builds whose memory checker would flag a read past the document */
#if defined(__SANITIZE_ADDRESS__)
#define FQ_CHECKED_MEMORY 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define FQ_CHECKED_MEMORY 1
#endif
#endif

/*
 * How many bytes from buf simdjson may read: the caller's capacity, or
 * len + SIMDJSON_PADDING when the padding lies in the memory page that
 * holds the document's last byte.  Memory is mapped and protected a whole
 * page at a time, so those bytes are readable whoever owns them, and
 * simdjson reads its padding without letting its content change a result
 * (simdjson's doc/basics.md, "the page trick").  That spares most
 * documents a copy into parser->padded: with 4 kB pages (the smallest any
 * platform we build on uses) 63 in 64 end far enough from a page boundary.
 * AddressSanitizer would report such a read, so sanitized builds (the
 * fuzzer) always copy; so would Valgrind on a PostgreSQL built with
 * USE_VALGRIND (not Debian's), which marks the end of every memory chunk.
 */
static inline size_t
readable_capacity(const char *buf, size_t len, size_t capacity)
{
	const size_t padding = simdjson::SIMDJSON_PADDING;

	if (capacity >= len + padding)
		return capacity;
#ifndef FQ_CHECKED_MEMORY
	if (len > 0)
	{
		const uintptr_t page = 4096;
		uintptr_t	last = (uintptr_t) (buf + len - 1);

		if (last / page == (last + padding) / page)
			return len + padding;
	}
#endif
	return capacity;
}

/* JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool
valid_number(std::string_view s)
{
	size_t		i = 0;
	size_t		n = s.size();
	auto		digits = [&](void) {
		size_t		start = i;

		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		return i > start;
	};

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		digits();
	else
		return false;
	if (i < n && s[i] == '.')
	{
		i++;
		if (!digits())
			return false;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E'))
	{
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (!digits())
			return false;
	}
	return i == n;
}

/*
 * Could numeric_in refuse this (valid) number?  It refuses a scale above
 * 16383 and a weight beyond numeric's range.  Up to 1000 characters with an
 * exponent of up to three digits is always within both.
 */
static bool
wide_number(std::string_view s)
{
	size_t		e = s.find_first_of("eE");
	size_t		digits;

	if (s.size() > 1000)
		return true;
	if (e == std::string_view::npos)
		return false;
	digits = s.size() - e - 1;
	if (digits > 0 && (s[e + 1] == '+' || s[e + 1] == '-'))
		digits--;
	return digits > 3;
}

static inline bool
is_json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Strips the whitespace that follows a value up to the next token (which
 * a scalar's text up to the next structural index, and simdjson's
 * raw_json_token(), include)
 */
static std::string_view
trim_token(std::string_view s)
{
	while (!s.empty() && is_json_space(s.back()))
		s.remove_suffix(1);
	return s;
}

/*
 * Tokenizing from simdjson's stage 1.
 *
 * Stage 1 (SIMD) validates UTF-8, finds every string and refuses unescaped
 * control characters in them and unclosed strings, and lists the structural
 * indexes: the offsets of '{' '}' '[' ']' ':' ',', of each string's opening
 * quote and of the first byte of every other scalar.  simdjson's stage 2
 * would then copy every string into its own buffer and convert every
 * number to a double, and a walk of its DOM would turn that into tokens;
 * instead this one pass over the indexes checks JSON's grammar and writes
 * the tokens itself, so a string without an escape is handed over in place
 * (no copy) and a number as written.  parse() over 100k FraiseQL documents:
 * 58 ms with simdjson's two stages and a walk of its DOM, 50 ms this way.
 * Validation (is_json) is the same pass writing no token.
 *
 * A scalar's text ends where the next index starts, less whitespace: in
 * valid JSON nothing else can stand between a value and the next
 * structural character, and stage 1 makes any other byte there an index of
 * its own (a "pseudo-structural"), which the grammar then refuses.  So a
 * string's closing quote is the last byte before the next index but
 * whitespace, "truex" is one scalar that is not "true", and "1 2" two.
 *
 * Acceptance must never be wider than PostgreSQL's: whatever this refuses,
 * PostgreSQL judges.  So escapes are checked here as strictly as simdjson
 * would (a lone surrogate is refused, PostgreSQL reports it), numbers
 * follow JSON's grammar, and nesting deeper than simdjson's default
 * maximum is refused.
 */
template <bool ValidateOnly>		/* check the grammar, write no token */
struct Stage1Tokenizer
{
	const char *buf;
	size_t		len;
	const uint32_t *index;		/* index[n] == len (stage 1's sentinel) */
	uint32_t	n;
	FqSimdToken *tokens;
	uint32_t	ntokens = 0;
	char	   *unescaped;		/* room for the unescaped strings */
	bool		escapes;		/* does buf hold a backslash at all? */
	bool		unsupported = false;	/* a numeric might not hold it, or a
										 * string holds \u0000 */

	void		add(FqSimdTokenType type, const char *text = nullptr, size_t tlen = 0)
	{
		FqSimdToken *t;

		if (ValidateOnly)
			return;
		t = &tokens[ntokens];

		t->type = type;
		t->end = ntokens;
		t->text = text;
		t->len = tlen;
		ntokens++;
	}

	/* The text of the scalar at index[i]: up to index[i + 1], less whitespace */
	std::string_view scalar(uint32_t i) const
	{
		return trim_token(std::string_view(buf + index[i], index[i + 1] - index[i]));
	}

	inline bool string(uint32_t i, FqSimdTokenType type);
	simdjson::error_code run();
};

static inline int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits at p (at least 4 bytes readable), or -1 */
static inline int
hex4(const char *p)
{
	int			v = 0;

	for (int k = 0; k < 4; k++)
	{
		int			d = hex_value(p[k]);

		if (d < 0)
			return -1;
		v = (v << 4) | d;
	}
	return v;
}

/*
 * Unescapes [p, end) into out, which has room for end - p bytes (no escape
 * grows: \uXXXX is 6 bytes for at most 3, a surrogate pair 12 for 4).
 * Returns the length written, or -1 for an invalid escape.
 */
static ptrdiff_t
unescape(const char *p, const char *end, char *out)
{
	char	   *o = out;

	while (p < end)
	{
		const char *bs = static_cast<const char *>(std::memchr(p, '\\', end - p));
		size_t		plain = (bs ? bs : end) - p;
		uint32_t	cp;

		std::memcpy(o, p, plain);
		o += plain;
		p += plain;
		if (p == end)
			break;
		if (end - p < 2)
			return -1;
		switch (p[1])
		{
			case '"': *o++ = '"'; p += 2; continue;
			case '\\': *o++ = '\\'; p += 2; continue;
			case '/': *o++ = '/'; p += 2; continue;
			case 'b': *o++ = '\b'; p += 2; continue;
			case 'f': *o++ = '\f'; p += 2; continue;
			case 'n': *o++ = '\n'; p += 2; continue;
			case 'r': *o++ = '\r'; p += 2; continue;
			case 't': *o++ = '\t'; p += 2; continue;
			case 'u':
				break;
			default:
				return -1;
		}
		{
			int			hi;
			int			lo;

			if (end - p < 6 || (hi = hex4(p + 2)) < 0)
				return -1;
			p += 6;
			if (hi >= 0xDC00 && hi <= 0xDFFF)
				return -1;		/* a low surrogate first */
			if (hi >= 0xD800 && hi <= 0xDBFF)
			{
				if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
					(lo = hex4(p + 2)) < 0 || lo < 0xDC00 || lo > 0xDFFF)
					return -1;	/* a high surrogate alone */
				p += 6;
				cp = 0x10000 + ((uint32_t) (hi - 0xD800) << 10) + (uint32_t) (lo - 0xDC00);
			}
			else
				cp = (uint32_t) hi;
		}
		if (cp < 0x80)
			*o++ = (char) cp;
		else if (cp < 0x800)
		{
			*o++ = (char) (0xC0 | (cp >> 6));
			*o++ = (char) (0x80 | (cp & 0x3F));
		}
		else if (cp < 0x10000)
		{
			*o++ = (char) (0xE0 | (cp >> 12));
			*o++ = (char) (0x80 | ((cp >> 6) & 0x3F));
			*o++ = (char) (0x80 | (cp & 0x3F));
		}
		else
		{
			*o++ = (char) (0xF0 | (cp >> 18));
			*o++ = (char) (0x80 | ((cp >> 12) & 0x3F));
			*o++ = (char) (0x80 | ((cp >> 6) & 0x3F));
			*o++ = (char) (0x80 | (cp & 0x3F));
		}
	}
	return o - out;
}

/*
 * The key or string whose opening quote is index[i]: its bytes in place
 * when it holds no escape, else unescaped into the tokenizer's buffer.
 *
 * Validation has nothing to check in a document without a backslash (or,
 * after avx512_stage1(), whose escapes it checked; escapes is then false):
 * stage 1 has refused an unclosed string, and makes the first byte after a
 * closing quote, whitespace aside, an index of its own (an operator, or a
 * scalar starting after a quote); so between this index and the next lie
 * the string and whitespace only.  The fuzz harness holds every kernel to
 * that against its reference parser.
 */
template <bool ValidateOnly>
__attribute__((always_inline)) inline bool
Stage1Tokenizer<ValidateOnly>::string(uint32_t i, FqSimdTokenType type)
{
	std::string_view raw;
	const char *body;
	size_t		body_len;
	ptrdiff_t	out_len;

	if (ValidateOnly && !escapes)
		return true;
	raw = scalar(i);

	if (raw.size() < 2 || raw.back() != '"')
		return false;
	body = raw.data() + 1;
	body_len = raw.size() - 2;
	if (!escapes || std::memchr(body, '\\', body_len) == nullptr)
	{
		add(type, body, body_len);
		return true;
	}
	if ((out_len = unescape(body, body + body_len, unescaped)) < 0)
		return false;
	if (ValidateOnly)
		return true;
	/* jsonb refuses a NUL in a string (22P05): PostgreSQL must say so */
	if (std::memchr(unescaped, '\0', out_len) != nullptr)
	{
		unsupported = true;
		return false;
	}
	add(type, unescaped, (size_t) out_len);
	unescaped += out_len;
	return true;
}

/*
 * The grammar, as a small state machine over the indexes (the shape of
 * simdjson's own stage 2): each open container is a frame holding its
 * start token and how many members it has so far.
 */
template <bool ValidateOnly>
simdjson::error_code
Stage1Tokenizer<ValidateOnly>::run()
{
	struct Frame
	{
		uint32_t	start;
		uint32_t	members;
		bool		object;
	};
	Frame		stack[simdjson::DEFAULT_MAX_DEPTH];
	int			depth = 0;
	uint32_t	i = 0;
	char		c;
	/* in locals, which no store through a token pointer can change */
	const char *const buf = this->buf;
	const uint32_t *const index = this->index;
	const uint32_t n = this->n;

value:
	if (i >= n)
		return simdjson::TAPE_ERROR;
	switch (buf[index[i]])
	{
		case '{':
		case '[':
			{
				bool		object = buf[index[i]] == '{';

				if (depth == (int) simdjson::DEFAULT_MAX_DEPTH)
					return simdjson::DEPTH_ERROR;
				stack[depth++] = Frame{ntokens, 0, object};
				add(object ? FQ_TOK_OBJECT_BEGIN : FQ_TOK_ARRAY_BEGIN);
				i++;
				if (i < n && buf[index[i]] == (object ? '}' : ']'))
				{
					i++;
					goto close;
				}
				if (object)
					goto key;
				goto value;
			}
		case '"':
			if (!string(i, FQ_TOK_STRING))
				return simdjson::STRING_ERROR;
			break;
		case 't':
			if (scalar(i) != "true")
				return simdjson::T_ATOM_ERROR;
			add(FQ_TOK_TRUE);
			break;
		case 'f':
			if (scalar(i) != "false")
				return simdjson::F_ATOM_ERROR;
			add(FQ_TOK_FALSE);
			break;
		case 'n':
			if (scalar(i) != "null")
				return simdjson::N_ATOM_ERROR;
			add(FQ_TOK_NULL);
			break;
		default:
			{
				std::string_view text = scalar(i);

				if (!valid_number(text))
					return simdjson::NUMBER_ERROR;
				if (!ValidateOnly && wide_number(text))
				{
					unsupported = true;
					return simdjson::NUMBER_OUT_OF_RANGE;
				}
				add(FQ_TOK_NUMBER, text.data(), text.size());
				break;
			}
	}
	i++;

after_value:
	if (depth == 0)
		return i == n ? simdjson::SUCCESS : simdjson::TAPE_ERROR;
	stack[depth - 1].members++;
	if (i >= n)
		return simdjson::TAPE_ERROR;
	c = buf[index[i]];
	i++;
	if (c == ',')
	{
		if (stack[depth - 1].object)
			goto key;
		goto value;
	}
	if (c != (stack[depth - 1].object ? '}' : ']'))
		return simdjson::TAPE_ERROR;

close:
	{
		Frame	   &f = stack[--depth];

		if (!ValidateOnly)
		{
			tokens[f.start].end = ntokens;
			tokens[f.start].len = f.members;
		}
		add(f.object ? FQ_TOK_OBJECT_END : FQ_TOK_ARRAY_END);
	}
	goto after_value;

key:
	if (i + 1 >= n || buf[index[i]] != '"' || buf[index[i + 1]] != ':')
		return simdjson::TAPE_ERROR;
	if (!string(i, FQ_TOK_KEY))
		return simdjson::STRING_ERROR;
	i += 2;
	goto value;
}

static FqSimdStatus
status_of(simdjson::error_code code)
{
	switch (code)
	{
		case simdjson::SUCCESS:
			return FQ_SIMD_OK;
		case simdjson::MEMALLOC:
			return FQ_SIMD_NOMEM;
		default:
			return FQ_SIMD_REJECTED;
	}
}

extern "C" FqSimdStatus
fq_simd_parser_create(FqSimdParser **parser) noexcept
{
	try
	{
		*parser = new (std::nothrow) FqSimdParser();
		if (*parser == nullptr)
			return FQ_SIMD_NOMEM;
		const std::string &kernel = simdjson::get_active_implementation()->name();

		(*parser)->stage1_overreads = kernel == "fallback";
#ifdef FQ_AVX512_STAGE1
		/* where simdjson runs its AVX-512 kernel (others are fuzzed too) */
		(*parser)->avx512_stage1 = kernel == "icelake" &&
			__builtin_cpu_supports("avx512f") &&
			__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
			__builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("bmi") &&
			__builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt") &&
			__builtin_cpu_supports("pclmul");
#endif
		return FQ_SIMD_OK;
	}
	catch (...)
	{
		*parser = nullptr;
		return FQ_SIMD_INTERNAL;
	}
}

extern "C" void
fq_simd_parser_free(FqSimdParser *parser) noexcept
{
	try
	{
		delete parser;
	}
	catch (...)
	{
	}
}

/*
 * A backend keeps its parser's buffers from one document to the next, so
 * that a table of small documents costs no allocation per row.  After a
 * large document they would stay that large for the backend's life (over
 * ten bytes per byte of its text, outside PostgreSQL's memory accounting),
 * so a call whose document is far smaller first gives them back: any
 * buffer over 16 MB and over four times what this document needs of it.
 */
static void
release_large_buffers(FqSimdParser *parser, size_t len)
{
	const size_t bytes = len + 80;	/* a byte of each, an entry of others */
	auto		oversized = [bytes](size_t capacity, size_t entry_size) {
		return capacity * entry_size > std::max<size_t>(16 * 1024 * 1024,
														 4 * entry_size * bytes);
	};

	if (oversized(parser->dom.capacity(), sizeof(uint32_t)))
		parser->dom = simdjson::dom::parser();
	if (oversized(parser->ondemand.capacity(), 1))
		parser->ondemand = simdjson::ondemand::parser();
	if (oversized(parser->tokens.capacity(), sizeof(FqSimdToken)))
		std::vector<FqSimdToken>().swap(parser->tokens);
	if (oversized(parser->padded.capacity(), 1))
		std::vector<char>().swap(parser->padded);
	if (oversized(parser->unescaped.capacity(), 1))
		std::vector<char>().swap(parser->unescaped);
	if (oversized(parser->indexes.capacity, sizeof(uint32_t)))
		parser->indexes.release();
	if (oversized(parser->classes.capacity, 1))
		parser->classes.release();
}


/*
 * A stage 1 of our own, for validation and tokens, on x86-64 CPUs where
 * simdjson picks its "icelake" kernel (AVX-512 with BW and VBMI2).
 *
 * simdjson's stage 1 is built for large documents; over a FraiseQL row of
 * a few hundred bytes its fixed costs weigh: a virtual call, the copy of
 * the last partial block into a buffer of spaces (which the next load of
 * it waits for), a UTF-8 check run on every block, and our memchr for a
 * backslash after it.  This one writes the same structural indexes (so
 * the grammar above runs unchanged) in one pass of 64-byte blocks, the last
 * read with a masked load that touches no byte past the text: quotes,
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

#define FQ_AVX512 \
	__attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi2,bmi,bmi2,popcnt,pclmul")))

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
FQ_AVX512 static bool
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

/*
 * Is the scalar at index[i] true, false, null or a number?  The grammar
 * pass's own cases say the same; sharing one helper slowed that pass 5%.
 */
static inline bool
valid_scalar(const char *buf, const uint32_t *index, uint32_t i)
{
	std::string_view text = trim_token(std::string_view(buf + index[i],
														index[i + 1] - index[i]));

	switch (text[0])
	{
		case 't':
			return text == "true";
		case 'f':
			return text == "false";
		case 'n':
			return text == "null";
		default:
			return valid_number(text);
	}
}

/*
 * Validation after avx512_stage1() wrote the n indexes and classes of a
 * text with no escape it left unchecked (\u, or an invalid one).
 *
 * The grammar pass's verdict on such a text depends on nothing but the
 * sequence of its token classes (the structure, nesting depth included)
 * and on whether each scalar is true, false, null or a number: a string
 * has nothing left to check once stage 1 has accepted it.  The rows of one
 * FraiseQL table share a few shapes (the same keys; arrays of a few
 * lengths), so the parser keeps the class sequences of the last documents
 * the grammar accepted, and a document with one of those sequences only
 * has its scalars checked.  Over 10k FraiseQL rows of three shapes
 * outside the server: 61 ns a row against 79 (64 against 85 with two
 * accented words a row).  The verdict is the grammar's by construction;
 * fuzz/stage1_check.cpp also compares it with a parser that has no shapes.
 *
 * A miss costs the classes and the look, so after FQ_SHAPE_MISSES misses
 * in a row the next FQ_SHAPE_PAUSE documents are validated without
 * shapes: over 10k rows of 126 shapes (arrays of 0-20 and 0-5 items),
 * 147 ns a row against 144 without shapes.
 */
FQ_AVX512 static FqSimdStatus
validate_by_shape(FqSimdParser *parser, const char *buf, size_t len, uint32_t n)
{
	const uint32_t *index = parser->indexes.data.get();
	const char *classes = parser->classes.data.get();

	for (ValidShape &shape : parser->shapes)
		if (shape.ntokens == n && n > 0 &&
			std::memcmp(shape.classes, classes, n) == 0)
		{
			for (uint32_t from = 0; from < n; from += 64)
			{
				uint32_t	rest = n - from;
				__m512i		c = _mm512_maskz_loadu_epi8(rest >= 64 ? ~UINT64_C(0) :
														_bzhi_u64(~UINT64_C(0), rest),
														classes + from);

				for (uint64_t scalars = _mm512_cmpeq_epi8_mask(c, _mm512_set1_epi8('s'));
					 scalars != 0; scalars = _blsr_u64(scalars))
					if (!valid_scalar(buf, index, from + (uint32_t) _tzcnt_u64(scalars)))
						return FQ_SIMD_REJECTED;
			}
			parser->shape_misses = 0;
			shape.used = true;
			return FQ_SIMD_OK;
		}
	if (++parser->shape_misses == FQ_SHAPE_MISSES)
	{
		parser->shape_misses = 0;
		parser->shape_pause = FQ_SHAPE_PAUSE;
	}

	Stage1Tokenizer<true> w{buf, len, index, n, nullptr, 0, nullptr, false};

	if (w.run())
		return FQ_SIMD_REJECTED;
	/* into the next slot that has not fitted a document since last passed */
	while (n <= FQ_SHAPE_MAX_TOKENS)
	{
		ValidShape &shape = parser->shapes[parser->next_shape++ % FQ_SHAPES];

		if (shape.used)
		{
			shape.used = false;
			continue;
		}
		shape.ntokens = n;
		std::memcpy(shape.classes, classes, n);
		break;
	}
	return FQ_SIMD_OK;
}
#endif							/* FQ_AVX512_STAGE1 */

/*
 * Stage 1 and then the tokenizer over buf; with validate_only the grammar
 * is checked and no token written.  May throw std::bad_alloc.
 */
static FqSimdStatus
run_tokenizer(FqSimdParser *parser, const char *buf, size_t len,
			  bool validate_only, const FqSimdToken **tokens,
			  size_t *ntokens)
{
	simdjson::dom::parser &dom = parser->dom;
	simdjson::error_code err;

	if (len == 0)
		return FQ_SIMD_REJECTED;
	release_large_buffers(parser, len);

	const uint32_t *index = nullptr;
	uint32_t	nindex = 0;
	bool		escapes = true; /* have strings escapes to check or undo? */

#ifdef FQ_AVX512_STAGE1
	if (parser->avx512_stage1)
	{
		bool		by_shape = validate_only;
		bool		checked_escapes;
		/* room for the spare writes and the sentinel */
		uint32_t   *own_index = parser->indexes.reserve(len + 80);

		if (by_shape && parser->shape_pause > 0)
		{
			parser->shape_pause--;
			by_shape = false;
		}
		if (!avx512_stage1(buf, len, own_index,
						   by_shape ? parser->classes.reserve(len + 80) : nullptr,
						   &nindex, &escapes, &checked_escapes))
			return FQ_SIMD_REJECTED;
		index = own_index;

		/*
		 * Validation has nothing left to check in a string whose escapes
		 * stage 1 checked; tokens need every escape undone.
		 */
		if (validate_only && checked_escapes)
			escapes = false;
		if (by_shape && !escapes)
			return validate_by_shape(parser, buf, len, nindex);
	}
#endif

	if (index == nullptr)
	{
		/*
		 * The SIMD kernels' stage 1 reads nothing past buf[len - 1], but the
		 * scalar "fallback" one (CPUs without SSE4.2, platforms simdjson has
		 * no SIMD kernel for) checks a UTF-8 sequence's bounds one byte
		 * short in 3.0.1 and reads buf[len] when the text ends inside one.
		 * With it, stage 1 reads a copy followed by padding; the tokens then
		 * point into the copy, which lives as long as they do.
		 */
		if (parser->stage1_overreads)
		{
			if (parser->padded.size() < len + simdjson::SIMDJSON_PADDING)
				parser->padded.resize(len + simdjson::SIMDJSON_PADDING);
			std::memcpy(parser->padded.data(), buf, len);
			std::memset(parser->padded.data() + len, ' ', simdjson::SIMDJSON_PADDING);
			buf = parser->padded.data();
		}
		if (dom.capacity() < len &&
			(err = dom.allocate(std::max(len, 2 * dom.capacity()))))
			return status_of(err);
		if ((err = dom.implementation->stage1(reinterpret_cast<const uint8_t *>(buf),
											  len, simdjson::stage1_mode::regular)))
			return status_of(err);
		index = dom.implementation->structural_indexes.get();
		nindex = dom.implementation->n_structural_indexes;

		/*
		 * Most documents hold no backslash: one memchr over the whole text
		 * then spares every string its own look for escapes, and the
		 * document the room for unescaped strings.
		 */
		escapes = std::memchr(buf, '\\', len) != nullptr;
	}

	/* a token per index at most; grown, never shrunk */
	if (!validate_only && parser->tokens.size() < nindex)
		parser->tokens.resize(nindex);
	if (escapes && parser->unescaped.size() < len)
		parser->unescaped.resize(len);

	if (validate_only)
	{
		Stage1Tokenizer<true> w{buf, len, index, nindex, nullptr, 0,
								parser->unescaped.data(), escapes};

		if ((err = w.run()))
			return status_of(err);
		return FQ_SIMD_OK;
	}

	Stage1Tokenizer<false> w{buf, len, index, nindex, parser->tokens.data(), 0,
							 parser->unescaped.data(), escapes};

	if ((err = w.run()))
		return w.unsupported ? FQ_SIMD_UNSUPPORTED : status_of(err);
	*tokens = w.tokens;
	*ntokens = w.ntokens;
	return FQ_SIMD_OK;
}

/*
 * Validation is the tokenizer's grammar check with no token written (when
 * it was first written, over 1M documents 200 ms against 223 ms for
 * simdjson's own two stages, which build a DOM, copying every string and
 * converting every number, and need a padded copy of the document), or,
 * after avx512_stage1(), validate_by_shape().
 */
extern "C" FqSimdStatus
fq_simd_validate(FqSimdParser *parser, const char *buf, size_t len) noexcept
{
	try
	{
		return run_tokenizer(parser, buf, len, true, nullptr, nullptr);
	}
	catch (const std::bad_alloc &)
	{
		return FQ_SIMD_NOMEM;
	}
	catch (...)
	{
		return FQ_SIMD_INTERNAL;
	}
}

extern "C" FqSimdStatus
fq_simd_tokenize(FqSimdParser *parser, const char *buf, size_t len,
				 const FqSimdToken **tokens,
				 size_t *ntokens) noexcept
{
	try
	{
		return run_tokenizer(parser, buf, len, false, tokens, ntokens);
	}
	catch (const std::bad_alloc &)
	{
		return FQ_SIMD_NOMEM;
	}
	catch (...)
	{
		return FQ_SIMD_INTERNAL;
	}
}

/* Strips the whitespace raw_json() and raw_json_token() leave on either side */
static std::string_view
trim_value(std::string_view s)
{
	while (!s.empty() && is_json_space(s.front()))
		s.remove_prefix(1);
	return trim_token(s);
}

/*
 * Does the field's key equal "key" once unescaped?  Most keys hold no
 * escape, and then the raw bytes between the quotes are the key: compare
 * them in place instead of unescaping a copy of every key we pass.
 */
template <typename F>
static bool
key_matches(F &field, std::string_view key, std::string_view &name,
			simdjson::error_code &err)
{
	simdjson::ondemand::raw_json_string raw_key;
	const char *raw;
	size_t		i = 0;

	if ((err = field.key().get(raw_key)))
		return false;
	raw = raw_key.raw();
	while (raw[i] != '"' && raw[i] != '\\')
		i++;
	if (raw[i] == '"')
		return i == key.size() && std::memcmp(raw, key.data(), i) == 0;
	if ((err = field.unescaped_key().get(name)))
		return false;
	return name == key;
}

/*
 * Might the bytes [p, stop) hold a later field named "key"?  It would show
 * as the key written out between quotes, or written with an escape, so the
 * answer is yes when they hold a backslash or '"' key '"'.  One pass, 16
 * bytes at a time: a backslash anywhere, or a quote followed by the key's
 * first byte (rare in FraiseQL documents, unlike the byte alone) is looked
 * at; everything else is passed over.  At least 16 bytes past stop must be
 * readable (the parser's padding is).
 */
static bool
may_hold_key(const char *p, const char *stop, std::string_view key)
{
	/* the bytes of '"' key '"' */
	char		second = key.empty() ? '"' : key[0];
	auto		quoted_key_at = [&](const char *at) {
		return (size_t) (stop - at) >= key.size() + 2 &&
			std::memcmp(at + 1, key.data(), key.size()) == 0 &&
			at[key.size() + 1] == '"';
	};

#ifdef __SSE2__
	const __m128i backslash = _mm_set1_epi8('\\');
	const __m128i quote = _mm_set1_epi8('"');
	const __m128i next = _mm_set1_epi8(second);

	for (; p < stop; p += 16)
	{
		__m128i		bytes = _mm_loadu_si128((const __m128i *) p);
		__m128i		after = _mm_loadu_si128((const __m128i *) (p + 1));
		unsigned	escapes = (unsigned) _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, backslash));
		unsigned	starts = (unsigned) _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(bytes, quote),
																		_mm_cmpeq_epi8(after, next)));
		unsigned	live = stop - p >= 16 ? 0xFFFF : (1u << (stop - p)) - 1;

		if (escapes & live)
			return true;
		for (starts &= live; starts != 0; starts &= starts - 1)
			if (quoted_key_at(p + __builtin_ctz(starts)))
				return true;
	}
	return false;
#else
	for (; p < stop; p++)
		if (*p == '\\' || (*p == '"' && p + 1 < stop && p[1] == second && quoted_key_at(p)))
			return true;
	return false;
#endif
}

/*
 * Is the field whose value is "text" the last one named "key" in the object
 * "span" holds?  When the rest of the span cannot hold another (see
 * may_hold_key), the remaining fields need not be walked: skipping them,
 * a large array of objects above all, is most of a lookup's work.  May
 * answer false when it is the last; never true when it is not.
 */
static bool
last_occurrence(std::string_view span, std::string_view text, std::string_view key)
{
	const char *rest = text.data() + text.size();

	for (char c : key)
		if (c == '"' || c == '\\' || (unsigned char) c < 0x20)
		{
			/* it would need an escape: only a backslash can announce it */
			return std::memchr(rest, '\\', span.data() + span.size() - rest) == nullptr;
		}
	return !may_hold_key(rest, span.data() + span.size(), key);
}

/*
 * The text of the value of the last field named "key" in the object that
 * "span" holds; found = false when span is not an object or lacks the key.
 * The returned text points into the document.
 */
static simdjson::error_code
find_field(simdjson::ondemand::parser &parser, std::string_view span,
		   const char *end, std::string_view key, bool &found,
		   std::string_view &text)
{
	simdjson::ondemand::document doc;
	simdjson::ondemand::object object;
	simdjson::error_code err;
	json_type	type;

	found = false;
	if ((err = parser.iterate(span.data(), span.size(), end - span.data()).get(doc)))
		return err;
	if ((err = doc.type().get(type)))
		return err;
	if (type != json_type::object)
		return simdjson::SUCCESS;
	if ((err = doc.get_object().get(object)))
		return err;
	for (auto field : object)
	{
		std::string_view name;
		simdjson::ondemand::value member;
		json_type	member_type;

		if ((err = field.error()))
			return err;
		if (!key_matches(field, key, name, err))
		{
			if (err)
				return err;
			continue;			/* the loop skips the value */
		}
		if ((err = field.value().get(member)))
			return err;
		if ((err = member.type().get(member_type)))
			return err;
		found = true;
		if (member_type == json_type::object)
		{
			simdjson::ondemand::object inner;

			if ((err = member.get_object().get(inner)) ||
				(err = inner.raw_json().get(text)))
				return err;
		}
		else if (member_type == json_type::array)
		{
			simdjson::ondemand::array inner;

			if ((err = member.get_array().get(inner)) ||
				(err = inner.raw_json().get(text)))
				return err;
		}
		else
			text = member.raw_json_token();
		text = trim_value(text);
		if (last_occurrence(span, text, key))
			break;
	}
	return simdjson::SUCCESS;
}

/* Classifies the final value's text and unescapes a string */
static simdjson::error_code
read_value(simdjson::ondemand::parser &parser, std::string_view text,
		   const char *end, FqSimdValue *value)
{
	value->text = text.data();
	value->len = text.size();
	if (text.empty())
		return simdjson::TAPE_ERROR;
	switch (text.front())
	{
		case '{':
			value->type = FQ_VAL_OBJECT;
			return simdjson::SUCCESS;
		case '[':
			value->type = FQ_VAL_ARRAY;
			return simdjson::SUCCESS;
		case '"':
			/*
			 * Without an escape the string is the bytes between its quotes
			 * (the document's first iterate validated them as UTF-8 without
			 * control characters)
			 */
			if (text.size() >= 2 && text.back() == '"' &&
				std::memchr(text.data() + 1, '\\', text.size() - 2) == nullptr)
			{
				value->type = FQ_VAL_STRING;
				value->text = text.data() + 1;
				value->len = text.size() - 2;
				return simdjson::SUCCESS;
			}
			{
				simdjson::ondemand::document doc;
				std::string_view s;
				simdjson::error_code err;

				if ((err = parser.iterate(text.data(), text.size(), end - text.data()).get(doc)) ||
					(err = doc.get_string().get(s)))
					return err;
				value->type = FQ_VAL_STRING;
				value->text = s.data();
				value->len = s.size();
				return simdjson::SUCCESS;
			}
		default:
			break;
	}
	if (text == "true")
		value->type = FQ_VAL_TRUE;
	else if (text == "false")
		value->type = FQ_VAL_FALSE;
	else if (text == "null")
		value->type = FQ_VAL_NULL;
	else if (valid_number(text))
		value->type = FQ_VAL_NUMBER;
	else
		return simdjson::NUMBER_ERROR;
	return simdjson::SUCCESS;
}

extern "C" FqSimdStatus
fq_simd_find_path(FqSimdParser *parser, const char *buf, size_t len,
				  size_t capacity, const char *const *keys,
				  const size_t *key_lens, int nkeys,
				  FqSimdValue *value) noexcept
{
	try
	{
		std::string_view span;
		const char *end;
		simdjson::error_code err;

		/* an empty path would return the document unread, unchecked */
		if (nkeys < 1)
			return FQ_SIMD_REJECTED;
		release_large_buffers(parser, len);
		capacity = readable_capacity(buf, len, capacity);
		if (capacity < len + simdjson::SIMDJSON_PADDING)
		{
			parser->padded.resize(len + simdjson::SIMDJSON_PADDING);
			std::memcpy(parser->padded.data(), buf, len);
			buf = parser->padded.data();
			capacity = parser->padded.size();
		}
		/* every value on the path lies inside buf, so its padding follows */
		end = buf + capacity;
		span = trim_value(std::string_view(buf, len));
		value->type = FQ_VAL_MISSING;
		value->text = nullptr;
		value->len = 0;
		for (int i = 0; i < nkeys; i++)
		{
			bool		found;
			std::string_view text;

			err = find_field(parser->ondemand, span, end,
							 std::string_view(keys[i], key_lens[i]), found, text);
			if (err)
				return status_of(err);
			if (!found)
				return FQ_SIMD_OK;
			span = text;
		}
		return status_of(read_value(parser->ondemand, span, end, value));
	}
	catch (const std::bad_alloc &)
	{
		return FQ_SIMD_NOMEM;
	}
	catch (...)
	{
		return FQ_SIMD_INTERNAL;
	}
}

extern "C" const char *
fq_simd_implementation(void) noexcept
{
	try
	{
		return simdjson::get_active_implementation()->name().c_str();
	}
	catch (...)
	{
		return "unknown";
	}
}

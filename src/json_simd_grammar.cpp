/*-------------------------------------------------------------------------
 *
 * json_simd_grammar.cpp
 *	  The grammar pass over a stage 1's structural indexes (simdjson's or
 *	  json_simd_stage1.cpp's): tokens for fq_simd_tokenize, the grammar
 *	  check alone for fq_simd_validate, and the shapes memo that spares
 *	  that check to documents shaped like recent ones.
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

#ifdef FQ_AVX512_STAGE1

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

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
#include <cstring>
#include <new>
#include <string_view>
#include <vector>

#include <simdjson.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "json_simd.h"

static_assert(FQ_SIMD_PADDING == simdjson::SIMDJSON_PADDING,
			  "FQ_SIMD_PADDING must match simdjson's padding");

struct FqSimdParser
{
	simdjson::dom::parser dom;
	simdjson::ondemand::parser ondemand;
	std::vector<FqSimdToken> tokens;
	std::vector<char> padded;	/* a copy of a document without padding */
};

using simdjson::ondemand::json_type;

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

/* raw_json_token() includes the whitespace up to the next token */
static std::string_view
trim_token(std::string_view s)
{
	while (!s.empty() && (s.back() == ' ' || s.back() == '\t' ||
						  s.back() == '\n' || s.back() == '\r'))
		s.remove_suffix(1);
	return s;
}

/*
 * The numbers of a document as written, in document order.  The DOM keeps
 * only a number's value (a double loses digits that jsonb keeps), so the
 * text comes from stage 1's structural indexes: every value that is not a
 * string, container or literal starts at one of them, and ends where the
 * next one starts (less whitespace).
 */
struct NumberTexts
{
	const char *buf;
	size_t		len;
	const uint32_t *index;
	size_t		n;
	size_t		k = 0;

	bool		next(std::string_view &text)
	{
		for (; k < n; k++)
		{
			char		c = buf[index[k]];

			if (c == '-' || (c >= '0' && c <= '9'))
			{
				size_t		end = k + 1 < n ? index[k + 1] : len;

				text = trim_token(std::string_view(buf + index[k], end - index[k]));
				k++;
				return valid_number(text);
			}
		}
		return false;
	}
};

/*
 * Where walk() puts tokens: straight into the parser's token array, sized
 * before the walk.  Every token stands on a structural character of its own
 * ('{', '}', '[', ']', the opening quote of a key or string, the first byte
 * of any other scalar), so a document has no more tokens than stage 1 found
 * structural indexes.  (Building each token in a temporary and
 * push_back()ing it stalled on store forwarding: perf put a quarter of
 * parse()'s time on that copy.)
 */
struct TokenWriter
{
	FqSimdToken *tokens;
	uint32_t	n;
	uint32_t	capacity;
	NumberTexts numbers;
	bool		wide_number = false;	/* one numeric might not hold */

	bool		add(FqSimdTokenType type, const char *text = nullptr, size_t len = 0)
	{
		FqSimdToken *t;

		if (n == capacity)
			return false;
		t = &tokens[n];
		t->type = type;
		t->end = n;
		t->text = text;
		t->len = len;
		n++;
		return true;
	}
};

/*
 * Walks a DOM element into tokens.  Recursion is bounded by the parser's
 * max_depth (simdjson's default, 1024), which the DOM parser enforces.
 *
 * A whole document is tokenized from the DOM: parse() over 1M documents
 * took 975 ms walking them with On-Demand and 812 ms parsing to a DOM and
 * walking that.  Reading the tape words in one loop instead of the element
 * API measured no faster (twice), so the public API stays.  On-Demand
 * remains the tool for a key lookup, which looks at a fraction of the
 * document.
 */
static simdjson::error_code
walk(simdjson::dom::element e, TokenWriter &w)
{
	simdjson::error_code err;
	uint32_t	start = w.n;
	size_t		members = 0;

	switch (e.type())
	{
		case simdjson::dom::element_type::OBJECT:
			if (!w.add(FQ_TOK_OBJECT_BEGIN))
				return simdjson::CAPACITY;
			for (simdjson::dom::key_value_pair field : simdjson::dom::object(e))
			{
				if (!w.add(FQ_TOK_KEY, field.key.data(), field.key.size()))
					return simdjson::CAPACITY;
				if ((err = walk(field.value, w)))
					return err;
				members++;
			}
			if (!w.add(FQ_TOK_OBJECT_END))
				return simdjson::CAPACITY;
			w.tokens[start].end = w.n - 1;
			w.tokens[start].len = members;
			return simdjson::SUCCESS;
		case simdjson::dom::element_type::ARRAY:
			if (!w.add(FQ_TOK_ARRAY_BEGIN))
				return simdjson::CAPACITY;
			for (simdjson::dom::element item : simdjson::dom::array(e))
			{
				if ((err = walk(item, w)))
					return err;
				members++;
			}
			if (!w.add(FQ_TOK_ARRAY_END))
				return simdjson::CAPACITY;
			w.tokens[start].end = w.n - 1;
			w.tokens[start].len = members;
			return simdjson::SUCCESS;
		case simdjson::dom::element_type::STRING:
			{
				std::string_view text(e);

				return w.add(FQ_TOK_STRING, text.data(), text.size()) ?
					simdjson::SUCCESS : simdjson::CAPACITY;
			}
		case simdjson::dom::element_type::INT64:
		case simdjson::dom::element_type::UINT64:
		case simdjson::dom::element_type::DOUBLE:
			{
				std::string_view text;

				if (!w.numbers.next(text))
					return simdjson::NUMBER_ERROR;
				if (wide_number(text))
				{
					w.wide_number = true;
					return simdjson::NUMBER_OUT_OF_RANGE;
				}
				return w.add(FQ_TOK_NUMBER, text.data(), text.size()) ?
					simdjson::SUCCESS : simdjson::CAPACITY;
			}
		case simdjson::dom::element_type::BOOL:
			return w.add(bool(e) ? FQ_TOK_TRUE : FQ_TOK_FALSE) ?
				simdjson::SUCCESS : simdjson::CAPACITY;
		case simdjson::dom::element_type::NULL_VALUE:
			return w.add(FQ_TOK_NULL) ? simdjson::SUCCESS : simdjson::CAPACITY;
	}
	return simdjson::TAPE_ERROR;
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
		return *parser ? FQ_SIMD_OK : FQ_SIMD_NOMEM;
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

extern "C" FqSimdStatus
fq_simd_validate(FqSimdParser *parser, const char *buf, size_t len,
				 size_t capacity, const char **detail) noexcept
{
	try
	{
		bool		padded = capacity >= len + simdjson::SIMDJSON_PADDING;
		simdjson::dom::element root;
		simdjson::error_code code;

		code = parser->dom.parse(buf, len, !padded).get(root);
		if (detail)
			*detail = code ? simdjson::error_message(code) : nullptr;
		return status_of(code);
	}
	catch (...)
	{
		return FQ_SIMD_INTERNAL;
	}
}

extern "C" FqSimdStatus
fq_simd_tokenize(FqSimdParser *parser, const char *buf, size_t len,
				 size_t capacity, const FqSimdToken **tokens,
				 size_t *ntokens) noexcept
{
	try
	{
		simdjson::dom::element root;
		simdjson::error_code err;

		/* numbers are read from buf: keep it, padded, for the tokens' lifetime */
		if (capacity < len + simdjson::SIMDJSON_PADDING)
		{
			parser->padded.resize(len + simdjson::SIMDJSON_PADDING);
			std::memcpy(parser->padded.data(), buf, len);
			buf = parser->padded.data();
		}
		err = parser->dom.parse(buf, len, false).get(root);
		if (err)
			return status_of(err);

		const uint32_t *index = parser->dom.implementation->structural_indexes.get();
		uint32_t	nindex = parser->dom.implementation->n_structural_indexes;

		/* grown, never shrunk: a resize of the same size is free */
		if (parser->tokens.size() < nindex)
			parser->tokens.resize(nindex);

		TokenWriter w{parser->tokens.data(), 0, nindex, NumberTexts{buf, len, index, nindex}};

		if ((err = walk(root, w)))
			return w.wide_number ? FQ_SIMD_UNSUPPORTED : status_of(err);
		*tokens = w.tokens;
		*ntokens = w.n;
		return FQ_SIMD_OK;
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
	while (!s.empty() && (s.front() == ' ' || s.front() == '\t' ||
						  s.front() == '\n' || s.front() == '\r'))
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

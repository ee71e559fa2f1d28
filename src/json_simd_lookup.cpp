/*-------------------------------------------------------------------------
 *
 * json_simd_lookup.cpp
 *	  Key lookups in a document with simdjson's On-Demand parser: the value
 *	  at a key path (fq_simd_find_path), read in place where the page the
 *	  document ends in allows.
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

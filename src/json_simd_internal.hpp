/*-------------------------------------------------------------------------
 *
 * json_simd_internal.hpp
 *	  What the C++ files behind json_simd.h share: the parser's state
 *	  (FqSimdParser), the shapes memo's slots, small helpers every pass
 *	  uses (defined here, so that each file's passes inline them as they
 *	  did when all was one file), and the functions one file calls in
 *	  another (out of line, as they were).
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
#ifndef FQ_JSON_SIMD_INTERNAL_HPP
#define FQ_JSON_SIMD_INTERNAL_HPP

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

#define FQ_SIMD_HIDDEN __attribute__((visibility("hidden")))

#ifdef FQ_AVX512_STAGE1
#define FQ_AVX512 \
	__attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi2,bmi,bmi2,popcnt,pclmul")))
#endif

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

/* JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
[[maybe_unused]] static bool
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
[[maybe_unused]] static std::string_view
trim_token(std::string_view s)
{
	while (!s.empty() && is_json_space(s.back()))
		s.remove_suffix(1);
	return s;
}

static inline FqSimdStatus
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

/* json_simd.cpp */
FQ_SIMD_HIDDEN void release_large_buffers(FqSimdParser *parser, size_t len);

#ifdef FQ_AVX512_STAGE1
/* json_simd_stage1.cpp */
FQ_SIMD_HIDDEN FQ_AVX512 bool avx512_stage1(const char *buf, size_t len,
											uint32_t *index, char *classes,
											uint32_t *n, bool *backslash,
											bool *checked_escapes);
#endif

#endif							/* FQ_JSON_SIMD_INTERNAL_HPP */

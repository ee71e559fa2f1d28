/*-------------------------------------------------------------------------
 *
 * json_simd.cpp
 *	  The simdjson side of json_simd.h: the parser's life (create, free, the
 *	  buffers it keeps between documents) and the implementation's name.
 *	  The passes over a document live beside it: json_simd_stage1.cpp (our
 *	  AVX-512 stage 1), json_simd_grammar.cpp (the grammar pass, tokens,
 *	  validation and the shapes memo), json_simd_lookup.cpp (key lookups).
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

static_assert(FQ_SIMD_PADDING == simdjson::SIMDJSON_PADDING,
			  "FQ_SIMD_PADDING must match simdjson's padding");

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
FQ_SIMD_HIDDEN void
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

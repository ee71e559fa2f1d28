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
#include <new>

#include <simdjson.h>

#include "json_simd.h"

static_assert(FQ_SIMD_PADDING == simdjson::SIMDJSON_PADDING,
			  "FQ_SIMD_PADDING must match simdjson's padding");

struct FqSimdParser
{
	simdjson::dom::parser dom;
};

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

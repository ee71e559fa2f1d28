/*-------------------------------------------------------------------------
 *
 * fuzz_json_simd.cpp
 *	  libFuzzer harness over the C API of src/json_simd*.cpp, built with
 *	  AddressSanitizer and UndefinedBehaviorSanitizer (`make fuzz`; a short
 *	  smoke run is part of `make test`).
 *
 * Every input goes through fq_simd_validate, fq_simd_tokenize and
 * fq_simd_find_path (a few key paths, with and without padding), with one
 * reused parser per simdjson kernel the CPU runs, as in a backend, both as
 * libFuzzer hands it over and copied to end against an unreadable page
 * (a read past the document faults).  Besides the sanitizers' checks, the
 * harness aborts if validation or the tokenizer disagrees with a reference
 * parser written here (plain recursive descent, no simdjson) on a verdict,
 * or the tokenizer on a token; if a token stream breaks the contract the C
 * side relies on (balanced containers, keys exactly where objects expect
 * them, numbers that match JSON's grammar, token text inside live memory);
 * or if a path lookup on a document the tokenizer accepts differs from the
 * answer read off its tokens.
 *
 *-------------------------------------------------------------------------
 */
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

#include <simdjson.h>

#include "json_simd.h"

/* The parser the checks below use: each of parsers[] in turn */
static FqSimdParser *parser = nullptr;

/*
 * One parser per simdjson kernel this CPU can run (icelake, haswell,
 * westmere, fallback, ...): a backend uses only the best one, but another
 * CPU picks another, and they differ (the fallback kernel's stage 1 reads
 * a byte past a text that ends inside a UTF-8 sequence).  A parser binds
 * to the kernel active when it first allocates.  The icelake one runs
 * json_simd_stage1.cpp's own AVX-512 stage 1 instead of simdjson's, and for
 * validation its remembered shapes (stage1_check.cpp compares the two
 * stage 1s directly).
 */
static FqSimdParser *parsers[16];
static int	nparsers = 0;

static void
create_parsers(void)
{
	const simdjson::implementation *best = simdjson::get_active_implementation();

	for (const simdjson::implementation *impl : simdjson::get_available_implementations())
	{
		FqSimdParser *p;
		const FqSimdToken *tokens;
		size_t		ntokens;
		const char *key = "a";
		size_t		key_len = 1;
		FqSimdValue value;

		if (!impl->supported_by_runtime_system() || nparsers == 16)
			continue;
		simdjson::get_active_implementation() = impl;
		if (fq_simd_parser_create(&p) != FQ_SIMD_OK ||
			fq_simd_tokenize(p, "[1]", 3, &tokens, &ntokens) != FQ_SIMD_OK ||
			fq_simd_find_path(p, "{\"a\": 1}", 8, 8, &key, &key_len, 1, &value) != FQ_SIMD_OK)
			abort();
		parsers[nparsers++] = p;
		fprintf(stderr, "fuzz_json_simd: simdjson kernel %s\n", impl->name().c_str());
	}
	simdjson::get_active_implementation() = best;
	if (nparsers == 0)
		abort();
}

/*
 * A copy of the input whose last byte is the last one before an
 * unreadable page, so that any read past the document faults (the system's
 * libsimdjson is not built with AddressSanitizer, which therefore cannot
 * see its reads).  NULL for inputs over two pages.
 */
static const char *
at_page_end(const uint8_t *data, size_t size)
{
	static char *region = nullptr;
	static size_t page = 0;

	if (region == nullptr)
	{
		void	   *r;

		page = (size_t) sysconf(_SC_PAGESIZE);
		r = mmap(nullptr, 3 * page, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r == MAP_FAILED || mprotect((char *) r + 2 * page, page, PROT_NONE) != 0)
			abort();
		region = (char *) r;
	}
	if (size > 2 * page)
		return nullptr;
	std::memcpy(region + 2 * page - size, data, size);
	return region + 2 * page - size;
}

static bool
number_ok(const char *s, size_t n)
{
	size_t		i = 0;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return false;
	if (i < n && s[i] == '.')
	{
		size_t		start = ++i;

		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start)
			return false;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E'))
	{
		size_t		start;

		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		start = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start)
			return false;
	}
	return i == n;
}

static void
check_tokens(const FqSimdToken *tokens, size_t ntokens)
{
	std::vector<bool> in_object;	/* the open containers */
	std::vector<size_t> starts;	/* their start tokens */
	std::vector<size_t> members;	/* members seen in each */
	bool		expect_key = false;
	size_t		roots = 0;

	for (size_t i = 0; i < ntokens; i++)
	{
		const FqSimdToken &t = tokens[i];

		if (in_object.empty() && t.type != FQ_TOK_OBJECT_END && t.type != FQ_TOK_ARRAY_END)
			roots++;
		/* a value starts here: one more member of the open container */
		if (!members.empty() && t.type != FQ_TOK_KEY &&
			t.type != FQ_TOK_OBJECT_END && t.type != FQ_TOK_ARRAY_END)
			members.back()++;
		if (expect_key && t.type != FQ_TOK_KEY && t.type != FQ_TOK_OBJECT_END)
			abort();
		switch (t.type)
		{
			case FQ_TOK_OBJECT_BEGIN:
				in_object.push_back(true);
				starts.push_back(i);
				members.push_back(0);
				expect_key = true;
				continue;
			case FQ_TOK_ARRAY_BEGIN:
				in_object.push_back(false);
				starts.push_back(i);
				members.push_back(0);
				expect_key = false;
				continue;
			case FQ_TOK_OBJECT_END:
			case FQ_TOK_ARRAY_END:
				if (in_object.empty() || in_object.back() != (t.type == FQ_TOK_OBJECT_END))
					abort();
				/* a start token names its end; an end token itself */
				if (tokens[starts.back()].end != i || t.end != i)
					abort();
				if (tokens[starts.back()].len != members.back())
					abort();
				members.pop_back();
				in_object.pop_back();
				starts.pop_back();
				expect_key = !in_object.empty() && in_object.back();
				continue;
			case FQ_TOK_KEY:
				if (!expect_key)
					abort();
				expect_key = false;
				break;
			case FQ_TOK_NUMBER:
				if (!number_ok(t.text, t.len))
					abort();
				break;
			default:
				break;
		}
		if (t.end != i)
			abort();
		if (t.len > 0 && t.text == nullptr)
			abort();
		if (t.len > 0)
		{
			/* touch every byte: ASan reports text outside live memory */
			volatile char sink = 0;

			for (size_t j = 0; j < t.len; j++)
				sink ^= t.text[j];
			(void) sink;
		}
		if (t.type != FQ_TOK_KEY)
			expect_key = !in_object.empty() && in_object.back();
	}
	if (!in_object.empty() || roots != 1)
		abort();
}

/* Key paths tried on every input: short, nested, escaped-looking, empty */
static const char *const path_keys[] = {"a", "b", "name", "a\\b", ""};
static const size_t path_lens[] = {1, 1, 4, 3, 0};

/* What a path lookup found, copied out of the parser */
struct Found
{
	FqSimdValueType type;
	std::string text;			/* strings and numbers only */
};

/* Index of the token after the value that starts at tokens[i] */
static size_t
skip_value(const FqSimdToken *tokens, size_t i)
{
	int			depth = 0;

	do
	{
		if (tokens[i].type == FQ_TOK_OBJECT_BEGIN || tokens[i].type == FQ_TOK_ARRAY_BEGIN)
			depth++;
		else if (tokens[i].type == FQ_TOK_OBJECT_END || tokens[i].type == FQ_TOK_ARRAY_END)
			depth--;
		i++;
	} while (depth > 0);
	return i;
}

/*
 * The reference answer from the document's whole token stream: at each
 * step the value must be an object, the last member with the key counts.
 */
static Found
lookup_in_tokens(const FqSimdToken *tokens, const char *const *keys,
				 const size_t *key_lens, int nkeys)
{
	size_t		at = 0;
	Found		found = {FQ_VAL_MISSING, ""};

	for (int k = 0; k < nkeys; k++)
	{
		size_t		i = at + 1;
		size_t		match = 0;

		if (tokens[at].type != FQ_TOK_OBJECT_BEGIN)
			return found;
		while (tokens[i].type == FQ_TOK_KEY)
		{
			if (tokens[i].len == key_lens[k] &&
				std::memcmp(tokens[i].text, keys[k], key_lens[k]) == 0)
				match = i + 1;
			i = skip_value(tokens, i + 1);
		}
		if (match == 0)
			return found;
		at = match;
	}
	switch (tokens[at].type)
	{
		case FQ_TOK_OBJECT_BEGIN:
			found.type = FQ_VAL_OBJECT;
			break;
		case FQ_TOK_ARRAY_BEGIN:
			found.type = FQ_VAL_ARRAY;
			break;
		case FQ_TOK_STRING:
			found.type = FQ_VAL_STRING;
			found.text.assign(tokens[at].text, tokens[at].len);
			break;
		case FQ_TOK_NUMBER:
			found.type = FQ_VAL_NUMBER;
			found.text.assign(tokens[at].text, tokens[at].len);
			break;
		case FQ_TOK_TRUE:
			found.type = FQ_VAL_TRUE;
			break;
		case FQ_TOK_FALSE:
			found.type = FQ_VAL_FALSE;
			break;
		default:
			found.type = FQ_VAL_NULL;
			break;
	}
	return found;
}

/*
 * Every lookup stays inside live memory and returns well-formed values; on a
 * document the tokenizer accepts, it also equals the answer read off the
 * token stream (last duplicate wins, however far apart or escaped).
 */
static void
check_paths(const char *buf, size_t len, size_t capacity)
{
	for (int start = 0; start < 5; start++)
		for (int n = 0; n <= 2 && start + n <= 5; n++)
		{
			FqSimdValue v;
			const FqSimdToken *tokens;
			size_t		ntokens;
			bool		have_reference = false;
			Found		reference;

			if (n > 0 && fq_simd_tokenize(parser, buf, len, &tokens, &ntokens) == FQ_SIMD_OK)
			{
				reference = lookup_in_tokens(tokens, path_keys + start, path_lens + start, n);
				have_reference = true;
			}
			if (fq_simd_find_path(parser, buf, len, capacity, path_keys + start,
								  path_lens + start, n, &v) != FQ_SIMD_OK)
				continue;
			if (have_reference &&
				(v.type != reference.type ||
				 ((v.type == FQ_VAL_STRING || v.type == FQ_VAL_NUMBER) &&
				  std::string(v.text, v.len) != reference.text)))
				abort();
			if (v.type == FQ_VAL_MISSING || v.type == FQ_VAL_TRUE ||
				v.type == FQ_VAL_FALSE || v.type == FQ_VAL_NULL)
				continue;
			if (v.text == nullptr && v.len > 0)
				abort();
			if (v.type == FQ_VAL_NUMBER && !number_ok(v.text, v.len))
				abort();
			/* On-Demand skips containers by depth, so on invalid JSON only the opening is certain */
			if ((v.type == FQ_VAL_OBJECT && (v.len < 1 || v.text[0] != '{')) ||
				(v.type == FQ_VAL_ARRAY && (v.len < 1 || v.text[0] != '[')))
				abort();
			/* touch every byte: ASan reports text outside live memory */
			volatile char sink = 0;

			for (size_t j = 0; j < v.len; j++)
				sink ^= v.text[j];
			(void) sink;
		}
}

/*
 * A reference JSON parser, independent of simdjson and of json_simd.cpp:
 * plain recursive descent over RFC 8259, UTF-8 checked byte by byte.  It
 * makes the tokens fq_simd_tokenize should make (strings unescaped,
 * numbers as written), so that the tokenizer's grammar, which works from
 * simdjson's structural indexes, is checked against a second one both
 * ways: what the reference refuses the tokenizer must refuse, what it
 * accepts the tokenizer must accept, token for token.
 */
struct RefToken
{
	FqSimdTokenType type;
	std::string text;
	size_t		members;		/* containers */
};

struct Reference
{
	const unsigned char *p;
	const unsigned char *end;
	std::vector<RefToken> tokens;
	int			depth = 0;
	bool		too_deep = false;	/* beyond the tokenizer's 1024 levels */
	bool		unsupported = false;	/* a wide number, a string holding \u0000 */

	void		ws()
	{
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
			p++;
	}

	/* One UTF-8 character at p (not ASCII), appended to out */
	bool		utf8(std::string &out)
	{
		unsigned char c = *p;
		int			n;
		uint32_t	cp;

		if (c >= 0xC2 && c <= 0xDF)
			n = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3, cp = c & 0x07;
		else
			return false;
		if (end - p < n + 1)
			return false;
		for (int k = 1; k <= n; k++)
		{
			if ((p[k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[k] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
			(cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		out.append(reinterpret_cast<const char *>(p), n + 1);
		p += n + 1;
		return true;
	}

	bool		hex4(uint32_t &v)
	{
		v = 0;
		if (end - p < 4)
			return false;
		for (int k = 0; k < 4; k++)
		{
			unsigned char c = p[k];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= c - '0';
			else if (c >= 'a' && c <= 'f')
				v |= c - 'a' + 10;
			else if (c >= 'A' && c <= 'F')
				v |= c - 'A' + 10;
			else
				return false;
		}
		p += 4;
		return true;
	}

	static void put_utf8(std::string &out, uint32_t cp)
	{
		if (cp < 0x80)
			out += (char) cp;
		else if (cp < 0x800)
		{
			out += (char) (0xC0 | (cp >> 6));
			out += (char) (0x80 | (cp & 0x3F));
		}
		else if (cp < 0x10000)
		{
			out += (char) (0xE0 | (cp >> 12));
			out += (char) (0x80 | ((cp >> 6) & 0x3F));
			out += (char) (0x80 | (cp & 0x3F));
		}
		else
		{
			out += (char) (0xF0 | (cp >> 18));
			out += (char) (0x80 | ((cp >> 12) & 0x3F));
			out += (char) (0x80 | ((cp >> 6) & 0x3F));
			out += (char) (0x80 | (cp & 0x3F));
		}
	}

	bool		string(std::string &out)
	{
		p++;					/* the opening quote */
		while (p < end && *p != '"')
		{
			if (*p < 0x20)
				return false;
			if (*p >= 0x80)
			{
				if (!utf8(out))
					return false;
				continue;
			}
			if (*p != '\\')
			{
				out += (char) *p++;
				continue;
			}
			if (++p == end)
				return false;
			switch (*p++)
			{
				case '"': out += '"'; continue;
				case '\\': out += '\\'; continue;
				case '/': out += '/'; continue;
				case 'b': out += '\b'; continue;
				case 'f': out += '\f'; continue;
				case 'n': out += '\n'; continue;
				case 'r': out += '\r'; continue;
				case 't': out += '\t'; continue;
				case 'u': break;
				default: return false;
			}
			uint32_t	cp;
			uint32_t	lo;

			if (!hex4(cp) || (cp >= 0xDC00 && cp <= 0xDFFF))
				return false;
			if (cp >= 0xD800 && cp <= 0xDBFF)
			{
				if (end - p < 2 || p[0] != '\\' || p[1] != 'u')
					return false;
				p += 2;
				if (!hex4(lo) || lo < 0xDC00 || lo > 0xDFFF)
					return false;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			if (cp == 0)
				unsupported = true;
			put_utf8(out, cp);
		}
		if (p == end)
			return false;
		p++;					/* the closing quote */
		return true;
	}

	bool		number()
	{
		const unsigned char *start = p;
		auto		digits = [&]() {
			const unsigned char *d = p;

			while (p < end && *p >= '0' && *p <= '9')
				p++;
			return p > d;
		};

		if (p < end && *p == '-')
			p++;
		if (p < end && *p == '0')
			p++;
		else if (!digits())
			return false;
		if (p < end && *p == '.')
		{
			p++;
			if (!digits())
				return false;
		}
		if (p < end && (*p == 'e' || *p == 'E'))
		{
			const unsigned char *e = ++p;

			if (p < end && (*p == '+' || *p == '-'))
				p++, e++;
			if (!digits())
				return false;
			if (p - e > 3)
				unsupported = true;
		}
		if (p - start > 1000)
			unsupported = true;
		tokens.push_back({FQ_TOK_NUMBER, std::string(reinterpret_cast<const char *>(start), p - start), 0});
		return true;
	}

	bool		literal(const char *word, FqSimdTokenType type)
	{
		size_t		n = std::strlen(word);

		if ((size_t) (end - p) < n || std::memcmp(p, word, n) != 0)
			return false;
		p += n;
		tokens.push_back({type, "", 0});
		return true;
	}

	bool		value()
	{
		ws();
		if (p == end)
			return false;
		switch (*p)
		{
			case '{':
			case '[':
				{
					bool		object = *p == '{';
					size_t		start = tokens.size();
					size_t		members = 0;

					if (++depth > 1024)
						too_deep = true;
					p++;
					tokens.push_back({object ? FQ_TOK_OBJECT_BEGIN : FQ_TOK_ARRAY_BEGIN, "", 0});
					ws();
					if (p < end && *p == (object ? '}' : ']'))
						p++;
					else
						for (;;)
						{
							if (object)
							{
								std::string key;

								ws();
								if (p == end || *p != '"' || !string(key))
									return false;
								tokens.push_back({FQ_TOK_KEY, key, 0});
								ws();
								if (p == end || *p++ != ':')
									return false;
							}
							if (!value())
								return false;
							members++;
							ws();
							if (p == end)
								return false;
							if (*p == ',')
							{
								p++;
								continue;
							}
							if (*p++ != (object ? '}' : ']'))
								return false;
							break;
						}
					tokens[start].members = members;
					tokens.push_back({object ? FQ_TOK_OBJECT_END : FQ_TOK_ARRAY_END, "", 0});
					depth--;
					return true;
				}
			case '"':
				{
					std::string text;

					if (!string(text))
						return false;
					tokens.push_back({FQ_TOK_STRING, text, 0});
					return true;
				}
			case 't':
				return literal("true", FQ_TOK_TRUE);
			case 'f':
				return literal("false", FQ_TOK_FALSE);
			case 'n':
				return literal("null", FQ_TOK_NULL);
			default:
				return number();
		}
	}

	/* Is the whole text one JSON value? */
	bool		document()
	{
		if (!value())
			return false;
		ws();
		return p == end;
	}
};

/*
 * The tokenizer against the reference: refused by the reference, refused
 * by the tokenizer; accepted, the same tokens (or UNSUPPORTED for a wide
 * number or \u0000, or REJECTED beyond 1024 levels).  Validation (is_json)
 * gives the reference's verdict.
 */
static void
check_against_reference(const char *data, size_t size)
{
	Reference	ref{reinterpret_cast<const unsigned char *>(data),
		reinterpret_cast<const unsigned char *>(data) + size};
	bool		valid = ref.document();
	const FqSimdToken *tokens;
	size_t		ntokens;
	FqSimdStatus status;

	/* validation: exactly the reference's verdict, but for nesting beyond 1024 */
	if ((fq_simd_validate(parser, data, size) == FQ_SIMD_OK) != (valid && !ref.too_deep))
		abort();
	status = fq_simd_tokenize(parser, data, size, &tokens, &ntokens);
	if (!valid || ref.too_deep || ref.unsupported)
	{
		if (status == FQ_SIMD_OK)
			abort();
		if (valid && !ref.too_deep && status != FQ_SIMD_UNSUPPORTED)
			abort();
		return;
	}
	if (status != FQ_SIMD_OK || ntokens != ref.tokens.size())
		abort();
	for (size_t i = 0; i < ntokens; i++)
	{
		const FqSimdToken &t = tokens[i];
		const RefToken &r = ref.tokens[i];

		if (t.type != r.type)
			abort();
		if (t.type == FQ_TOK_OBJECT_BEGIN || t.type == FQ_TOK_ARRAY_BEGIN)
		{
			if (t.len != r.members)
				abort();
		}
		else if (t.len != r.text.size() ||
				 (t.len > 0 && std::memcmp(t.text, r.text.data(), t.len) != 0))
			abort();
	}
}

/* Every check on one copy of the input */
static void
check_all(const char *data, size_t size)
{
	const FqSimdToken *tokens;
	size_t		ntokens;
	std::vector<char> padded(size + FQ_SIMD_PADDING);

	check_against_reference(data, size);
	if (fq_simd_tokenize(parser, data, size, &tokens, &ntokens) == FQ_SIMD_OK)
		check_tokens(tokens, ntokens);

	/* lookups unpadded (the wrapper must copy) and padded (read in place) */
	check_paths(data, size, size);
	if (size > 0)
		std::memcpy(padded.data(), data, size);
	check_paths(padded.data(), size, padded.size());
}

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *guarded;

	if (nparsers == 0)
		create_parsers();
	guarded = at_page_end(data, size);
	for (int i = 0; i < nparsers; i++)
	{
		parser = parsers[i];
		check_all((const char *) data, size);
		if (guarded)
			check_all(guarded, size);
	}
	return 0;
}

/*-------------------------------------------------------------------------
 *
 * fuzz_json_simd.cpp
 *	  libFuzzer harness over the C API of src/json_simd.cpp, built with
 *	  AddressSanitizer and UndefinedBehaviorSanitizer (`make fuzz`; a short
 *	  smoke run is part of `make test`).
 *
 * Every input goes through fq_simd_validate, fq_simd_tokenize and
 * fq_simd_find_path (a few key paths) with one reused parser, as in a
 * backend, both with a buffer that has padding and one that has not.
 * Besides the sanitizers' checks, the harness aborts if a token stream
 * breaks the contract the C side relies on (balanced containers, keys
 * exactly where objects expect them, numbers that match JSON's grammar,
 * token text inside the parser's or the input's memory), or if a path
 * lookup on a document the tokenizer accepts differs from the answer read
 * off its tokens.
 *
 *-------------------------------------------------------------------------
 */
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "json_simd.h"

static FqSimdParser *parser = nullptr;

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

			if (n > 0 && fq_simd_tokenize(parser, buf, len, capacity, &tokens, &ntokens) == FQ_SIMD_OK)
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

/* Is the root a number or literal?  (The tokenizer refuses some; parse() then asks PostgreSQL) */
static bool
root_is_atom(const char *buf, size_t len)
{
	size_t		i = 0;

	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
		i++;
	return i < len && (buf[i] == '-' || (buf[i] >= '0' && buf[i] <= '9') ||
					   buf[i] == 't' || buf[i] == 'f' || buf[i] == 'n');
}

/*
 * fq_simd_validate gives the same verdict with and without padding, and
 * accepts nothing the tokenizer (a full walk of the DOM that checks every
 * value) refuses, but for a number or literal as the root, which the
 * tokenizer sometimes refuses, and a number numeric might not hold, which
 * the tokenizer leaves to PostgreSQL.  (The converse does not hold: validation
 * refuses numbers beyond double range, which PostgreSQL then judges.)
 */
static void
check_validate(const char *data, size_t size)
{
	std::vector<char> padded(size + FQ_SIMD_PADDING);
	const FqSimdToken *tokens;
	size_t		ntokens;
	FqSimdStatus unpadded_status = fq_simd_validate(parser, data, size, size, nullptr);
	FqSimdStatus padded_status;
	FqSimdStatus token_status;

	if (size > 0)
		std::memcpy(padded.data(), data, size);
	padded_status = fq_simd_validate(parser, padded.data(), size, padded.size(), nullptr);
	token_status = fq_simd_tokenize(parser, data, size, size, &tokens, &ntokens);
	if (unpadded_status != padded_status)
		abort();
	if (unpadded_status == FQ_SIMD_OK && token_status != FQ_SIMD_OK &&
		token_status != FQ_SIMD_UNSUPPORTED && !root_is_atom(data, size))
		abort();
}

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const FqSimdToken *tokens;
	size_t		ntokens;
	std::vector<char> padded(size + FQ_SIMD_PADDING);

	if (parser == nullptr && fq_simd_parser_create(&parser) != FQ_SIMD_OK)
		abort();

	/* unpadded: the wrapper must copy; padded: parsed in place */
	check_validate((const char *) data, size);
	if (fq_simd_tokenize(parser, (const char *) data, size, size, &tokens, &ntokens) == FQ_SIMD_OK)
		check_tokens(tokens, ntokens);
	check_paths((const char *) data, size, size);

	if (size > 0)
		std::memcpy(padded.data(), data, size);
	if (fq_simd_tokenize(parser, padded.data(), size, padded.size(), &tokens, &ntokens) == FQ_SIMD_OK)
		check_tokens(tokens, ntokens);
	check_paths(padded.data(), size, padded.size());
	return 0;
}

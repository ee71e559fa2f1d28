/*-------------------------------------------------------------------------
 *
 * stage1_check.cpp
 *	  Holds json_simd_stage1.cpp's own AVX-512 stage 1 to simdjson's, index
 *	  for index (`make stage1-check`, part of `make test`).
 *
 * The grammar pass of json_simd_grammar.cpp runs over structural indexes
 * that either simdjson's stage 1 or avx512_stage1() wrote, and is only
 * right over the latter if both write the same ones.  This program
 * includes json_simd_stage1.cpp itself (sparse_utf8 is static there), is
 * linked with the other json_simd*.cpp files, and, over
 * random texts built to hit the cases that matter (operators, quotes,
 * whitespace, control bytes, scalars right after strings and strings
 * right after scalars, UTF-8 sequences valid and not, every tail length,
 * strings running across 64-byte blocks), checks that:
 *	- avx512_stage1() accepts exactly what simdjson's stage 1 accepts and
 *	  then writes the same indexes and sentinel, and each token's class,
 *	  and says whether the text holds a backslash and whether every escape
 *	  in its strings is one it checks (not \u nor an invalid one);
 *	- sparse_utf8() judges every span as simdjson's validate_utf8 does;
 *	- validation by shapes (validate_by_shape) gives the verdict of a
 *	  parser on simdjson's "haswell" kernel, which has no shapes, over
 *	  documents of a few structures with scalars, strings and whitespace
 *	  varied, good and bad.
 * Each text ends right before an unreadable page, so a load past its end
 * faults.  On a CPU where simdjson does not pick its "icelake" kernel the
 * own stage 1 is never used, and the program says so and passes.
 *
 *-------------------------------------------------------------------------
 */
#include "../src/json_simd_stage1.cpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include <sys/mman.h>
#include <unistd.h>

#ifndef FQ_AVX512_STAGE1
int
main(void)
{
	printf("stage1_check: no AVX-512 stage 1 on this platform, nothing to check\n");
	return 0;
}
#else

/* Pieces a text is made of */
static const char *const json_pieces[] = {
	"{", "}", "[", "]", ":", ",", "\"", "\"", " ", " ", "true", "1", "-0.5e3", "a", "\x7f",
	"\"key\":", "\"x\"1", "1\"x\"",
};
static const char *const control_pieces[] = {"\n", "\t", "\r", "\x01", "\x1f", "\x0b", "\x0c", "\x1a"};
static const char *const escape_pieces[] = {"\\", "\\\\", "\\\\\\", "\\\"", "\\\\\"", "\\n", "\\u00e9"};
static const char *const utf8_pieces[] = {
	"\xc2\x80", "\xdf\xbf", "\xc3\xa9", "\xe0\xa0\x80", "\xe1\x80\x80", "\xed\x9f\xbf",
	"\xef\xbf\xbf", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf",
};
static const char *const bad_utf8_pieces[] = {
	"\xc0\x80", "\xc1\xbf", "\xc2", "\x80", "\xbf", "\xe0\x9f\xbf", "\xed\xa0\x80",
	"\xe0\xa0", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff",
	"\xf0\x90\x80",
};
#define PICK(pieces) (pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))])

/*
 * Documents of a few structures, each '%' a scalar and each '$' a string
 * drawn from pools of good and bad ones, validated in a row by the parser
 * that remembers shapes and by one on the haswell kernel that does not.
 * Besides four fixed structures: arrays of 80 scalars (a bad one past the
 * 64th token), of 150 (more tokens than a shape holds), and objects with
 * an array of 0-40 strings, whose many shapes make the parser replace
 * remembered ones and pause.
 */
static long
check_shapes(FqSimdParser *parser, long documents)
{
	static const char *const structures[] = {
		"{\"id\": %, \"name\": $, \"tags\": [$, $], \"p\": {\"x\": %, \"y\": [%, %]}}",
		"[%, $, %]",
		"{\"a\": [{\"b\": %}, {\"b\": %}], \"c\": $}",
		"%",
	};
	static const char *const scalars[] = {
		"1", "-0", "2.5e-3", "1E+9", "true", "false", "null", "123456789012345678901234",
		"01", "1.", "-", "+1", ".5", "1e", "tru", "truex", "nul", "NaN", "0x1", "1\x01",
		"\xc3\xa9", "t", "",
	};
	static const char *const strings[] = {
		"\"\"", "\"abc\"", "\"\xc3\xa9\xe6\x97\xa5\"", "\"say \\\"hi\\\"\\\\\\n\"", "\"a\\u00e9\"",
		"\"a b\"", "\"a\tb\"", "\"\xff\"", "\"x\" ", "\"unclosed", "\"a\"x", "\"\\x\"",
		"\"\\ud800\"", "\"\\\"", "\"\\u12\"",
	};
	const simdjson::implementation *haswell =
		simdjson::get_available_implementations()["haswell"];
	const simdjson::implementation *best = simdjson::get_active_implementation();
	FqSimdParser *plain;
	std::mt19937_64 rng(4);
	long		agreed = 0,
				accepted = 0,
				failures = 0;

	if (haswell == nullptr || !haswell->supported_by_runtime_system())
		return 1;
	simdjson::get_active_implementation() = haswell;
	/* a parser binds to the kernel active when it first allocates */
	if (fq_simd_parser_create(&plain) != FQ_SIMD_OK || plain->avx512_stage1 ||
		fq_simd_validate(plain, "[1]", 3) != FQ_SIMD_OK)
		return 1;
	simdjson::get_active_implementation() = best;

	for (long d = 0; d < documents && failures < 10; d++)
	{
		int			kind = (int) (rng() % 7);
		std::string structure;
		bool		good = rng() % 8 != 0;	/* most documents valid */
		std::string text;

		if (kind < 4)
			structure = structures[kind];
		else if (kind < 6)
		{
			structure = "[%";
			for (int k = 1; k < (kind == 4 ? 80 : 150); k++)
				structure += ", %";
			structure += "]";
		}
		else
		{
			structure = "{\"tags\": [";
			for (int k = (int) (rng() % 41); k > 0; k--)
				structure += k > 1 ? "$, " : "$";
			structure += "], \"n\": %}";
		}
		/* a bad document may draw bad pieces from some point on */
		size_t		bad_at = good ? SIZE_MAX : rng() % structure.size();

		for (size_t at = 0; at < structure.size(); at++)
		{
			char		c = structure[at];
			bool		bad = at >= bad_at && rng() % 3 == 0;

			if (c == '%')
				text += scalars[rng() % (bad ? sizeof(scalars) / sizeof(scalars[0]) : 8)];
			else if (c == '$')
				text += strings[rng() % (bad ? sizeof(strings) / sizeof(strings[0]) : 5)];
			else if (c == ' ')
				text += " \n"[rng() % 2];
			else
				text += c;
		}

		FqSimdStatus by_shape = fq_simd_validate(parser, text.data(), text.size());
		FqSimdStatus reference = fq_simd_validate(plain, text.data(), text.size());

		if (by_shape != reference)
		{
			failures++;
			printf("stage1_check: by shape %d, without %d: %s\n",
				   (int) by_shape, (int) reference, text.c_str());
			continue;
		}
		agreed++;
		accepted += by_shape == FQ_SIMD_OK;
	}
	printf("stage1_check: %ld documents judged alike with and without shapes "
		   "(%ld valid); %ld failures\n",
		   agreed, accepted, failures);
	fq_simd_parser_free(plain);
	return failures;
}

int
main(int argc, char **argv)
{
	long		iterations = argc > 1 ? atol(argv[1]) : 1000000;
	const simdjson::implementation *icelake =
		simdjson::get_available_implementations()["icelake"];
	FqSimdParser *parser;

	if (icelake == nullptr || !icelake->supported_by_runtime_system())
	{
		printf("stage1_check: simdjson's icelake kernel does not run here, "
			   "so neither does the own stage 1: nothing to check\n");
		return 0;
	}
	simdjson::get_active_implementation() = icelake;
	if (fq_simd_parser_create(&parser) != FQ_SIMD_OK || !parser->avx512_stage1)
	{
		printf("stage1_check: the parser did not choose the own stage 1\n");
		return 1;
	}

	simdjson::dom::parser dom;
	const size_t page = (size_t) sysconf(_SC_PAGESIZE);
	const size_t max_len = 3 * page;
	char	   *area = (char *) mmap(nullptr, max_len + page, PROT_READ | PROT_WRITE,
									 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	std::vector<uint32_t> index(max_len + 80);
	std::vector<char> classes(max_len + 80);
	std::mt19937_64 rng(20261201);
	long		same = 0,
				both_refused = 0,
				escapes = 0,
				utf8_spans = 0,
				failures = 0;

	if (area == MAP_FAILED || mprotect(area + max_len, page, PROT_NONE) != 0 ||
		dom.allocate(max_len))
		return 1;

	for (long it = 0; it < iterations && failures < 10; it++)
	{
		std::string text;
		int			kind = (int) (rng() % 4);
		int			count = (int) (rng() % (kind == 3 ? 400 : 60));

		/* 0: ASCII JSON pieces; 1: with UTF-8; 2: a string of both; 3: long */
		if (kind == 2)
			text += '"';
		/* a clean text has no control byte and no bad UTF-8 */
		bool		clean = rng() % 2 == 0;
		bool		with_escapes = rng() % 3 == 0;

		for (int k = 0; k < count && text.size() < max_len - 8; k++)
		{
			int			r = (int) (rng() % 100);

			if (with_escapes && r < 15)
				text += r < 2 ? std::string(rng() % 130, '\\') : PICK(escape_pieces);
			else if (kind == 0 || r < 40)
				text += PICK(json_pieces);
			else if (r < 45 && !clean)
				text += PICK(control_pieces);
			else if (r < 60 && !clean)
				text += PICK(bad_utf8_pieces);
			else if (r < 75)
				text += PICK(utf8_pieces);
			else
				text += std::string(rng() % 70, "ab 0"[rng() % 4]);
		}
		if (kind == 2)
			text += '"';
		/* mostly close the last string, or nearly every text is refused */
		if (rng() % 4 != 0 && std::count(text.begin(), text.end(), '"') % 2 != 0)
			text += '"';
		if (rng() % 50 == 0)
			text += '\\';		/* a backslash escaping nothing */

		/* the text ends at the unreadable page */
		size_t		len = text.size();
		char	   *buf = area + max_len - len;

		memcpy(buf, text.data(), len);

		/* UTF-8: the span between the first and the last non-ASCII byte */
		size_t		first = SIZE_MAX,
					last = 0;

		for (size_t k = 0; k < len; k++)
			if ((unsigned char) buf[k] >= 0x80)
			{
				if (first == SIZE_MAX)
					first = k;
				last = k;
			}
		if (first != SIZE_MAX)
		{
			bool		own = sparse_utf8(buf, first, last + 1);

			utf8_spans++;
			if (own != simdjson::validate_utf8(buf + first, last + 1 - first))
			{
				failures++;
				printf("stage1_check: sparse_utf8 says %d, validate_utf8 not, for %zu bytes\n",
					   (int) own, last + 1 - first);
			}
		}

		if (len == 0)
			continue;

		uint32_t	n = 0;
		bool		backslash = false;
		bool		checked_escapes = false;
		bool		own = avx512_stage1(buf, len, index.data(), classes.data(), &n,
										&backslash, &checked_escapes);
		simdjson::error_code theirs =
			dom.implementation->stage1((const uint8_t *) buf, len,
									   simdjson::stage1_mode::regular);

		/* simdjson refuses a text of whitespace alone; the grammar refuses
		 * the own stage 1's empty index list */
		if (own && n == 0 && theirs == simdjson::EMPTY)
		{
			both_refused++;
			continue;
		}
		if (own != (theirs == simdjson::SUCCESS))
		{
			failures++;
			printf("stage1_check: verdicts differ (own %d, simdjson %s) on %zu bytes\n",
				   (int) own, simdjson::error_message(theirs), len);
			continue;
		}
		if (!own)
		{
			both_refused++;
			continue;
		}
		if (backslash != (memchr(buf, '\\', len) != nullptr))
		{
			failures++;
			printf("stage1_check: backslash said %d for %zu bytes\n", (int) backslash, len);
			continue;
		}
		escapes += backslash;

		/*
		 * Are all escapes in strings \" \\ \/ \b \f \n \r \t?  Read byte by
		 * byte; as in stage 1, a backslash escapes the next byte wherever
		 * it stands, and an escaped quote neither opens nor closes.
		 */
		bool		in_string = false,
					escape_next = false,
					simple = true;

		for (size_t k = 0; k < len; k++)
		{
			char		c = buf[k];

			if (escape_next)
			{
				escape_next = false;
				if (in_string && memchr("\"\\/bfnrt", c, 8) == nullptr)
					simple = false;
			}
			else if (c == '\\')
				escape_next = true;
			else if (c == '"')
				in_string = !in_string;
		}
		if (checked_escapes != simple)
		{
			failures++;
			printf("stage1_check: escapes said checked %d for %zu bytes\n",
				   (int) checked_escapes, len);
			continue;
		}
		if (n != dom.implementation->n_structural_indexes ||
			memcmp(index.data(), dom.implementation->structural_indexes.get(),
				   sizeof(uint32_t) * (n + 1)) != 0)
		{
			failures++;
			printf("stage1_check: indexes differ (%u own, %u simdjson) on %zu bytes\n",
				   n, dom.implementation->n_structural_indexes, len);
			continue;
		}
		for (uint32_t i = 0; i < n; i++)
		{
			char		c = buf[index[i]];
			/* an operator's class is its byte, 0x0C and 0x1A included */
			bool		op = (c != '\0' && strchr("{}[]:,\"", c) != nullptr) ||
				c == 0x0C || c == 0x1A;

			if (classes[i] != (op ? c : 's'))
			{
				failures++;
				printf("stage1_check: token %u of %zu bytes has class %c, byte %c\n",
					   i, len, classes[i], c);
				break;
			}
		}
		same++;
	}
	printf("stage1_check: %ld texts with the same indexes, %ld refused by both, "
		   "%ld of them with a backslash, %ld UTF-8 spans; %ld failures\n",
		   same, both_refused, escapes, utf8_spans, failures);
	failures += check_shapes(parser, iterations / 4);
	fq_simd_parser_free(parser);
	return failures == 0 ? 0 : 1;
}
#endif							/* FQ_AVX512_STAGE1 */

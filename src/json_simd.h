/*-------------------------------------------------------------------------
 *
 * json_simd.h
 *	  C API over simdjson, implemented in json_simd.cpp.
 *
 * This is the only door between PostgreSQL's C and simdjson's C++.  Nothing
 * behind it calls PostgreSQL, throws, or longjmps: every function is
 * noexcept and reports failure with a status code, and the caller raises
 * any ERROR in C.  A backend keeps one parser, reused for every document
 * and freed explicitly at exit.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_JSON_SIMD_H
#define FQ_JSON_SIMD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define FQ_SIMD_NOEXCEPT noexcept
extern "C"
{
#else
#define FQ_SIMD_NOEXCEPT
#endif

/* Status codes: FQ_SIMD_OK, or why the document was not accepted */
typedef enum FqSimdStatus
{
	FQ_SIMD_OK = 0,
	FQ_SIMD_REJECTED,			/* not accepted; also said of some documents
								 * PostgreSQL accepts (lone surrogates, deep
								 * nesting, and for a lookup what simdjson's
								 * On-Demand refuses), so the caller asks
								 * PostgreSQL for the verdict */
	FQ_SIMD_UNSUPPORTED,		/* JSON the tokens cannot carry faithfully
								 * (a number numeric might not hold, a
								 * string holding \u0000), met before any
								 * error; the caller asks PostgreSQL */
	FQ_SIMD_NOMEM,				/* allocation failed */
	FQ_SIMD_INTERNAL			/* anything else, including a C++ exception */
} FqSimdStatus;

typedef struct FqSimdParser FqSimdParser;

/*
 * Bytes of readable memory a lookup (fq_simd_find_path) needs past the end
 * of a document; validation and tokens need none
 */
#define FQ_SIMD_PADDING 64

extern FqSimdStatus fq_simd_parser_create(FqSimdParser **parser) FQ_SIMD_NOEXCEPT;
extern void fq_simd_parser_free(FqSimdParser *parser) FQ_SIMD_NOEXCEPT;

/*
 * Is buf[0..len) exactly one JSON value (RFC 8259)?  The grammar check of
 * fq_simd_tokenize, with no token written; any number and \u0000 are
 * fine, as for PostgreSQL's json.  REJECTED also for nesting deeper than
 * 1024 and for lone surrogates, which the caller asks PostgreSQL about.
 * Reads no byte past buf[len - 1].  The parser may remember the structure
 * of the last documents it accepted, to check only the scalars of a next
 * one built alike: that changes the time a call takes, never its answer.
 */
extern FqSimdStatus fq_simd_validate(FqSimdParser *parser, const char *buf,
									 size_t len) FQ_SIMD_NOEXCEPT;

/* One token of a document walked by fq_simd_tokenize */
typedef enum FqSimdTokenType
{
	FQ_TOK_OBJECT_BEGIN,
	FQ_TOK_OBJECT_END,
	FQ_TOK_ARRAY_BEGIN,
	FQ_TOK_ARRAY_END,
	FQ_TOK_KEY,					/* text: the unescaped key */
	FQ_TOK_STRING,				/* text: the unescaped string */
	FQ_TOK_NUMBER,				/* text: the number as written */
	FQ_TOK_TRUE,
	FQ_TOK_FALSE,
	FQ_TOK_NULL
} FqSimdTokenType;

typedef struct FqSimdToken
{
	FqSimdTokenType type;
	uint32_t	end;			/* index of the token that closes the
								 * container this one opens; for any other
								 * token its own index */
	const char *text;			/* in the parser or in the document: valid
								 * until the parser's next call, while the
								 * document lives */
	size_t		len;			/* of text; for a container's start token,
								 * how many members (pairs or elements) */
} FqSimdToken;

/*
 * Walks one document as a flat token sequence, in document order, reading
 * no byte past buf[len - 1] (no padding needed).  Numbers are not
 * converted: their text is checked against JSON's grammar and handed over
 * as written, so the caller can keep full precision.  Strings are
 * unescaped; one without an escape is handed over in place, so buf must
 * outlive the tokens.  A container's start token knows where the container
 * ends, so a reader steps over a value without looking into it.  Anything
 * that is not exactly one JSON value (RFC 8259), trailing content
 * included, or that nests deeper than 1024, is REJECTED.  UNSUPPORTED
 * stops the walk at what PostgreSQL must judge, valid or not what
 * follows: a number longer than 1000 characters or with an exponent of
 * more than three digits (jsonb_in converts every number, even one a later
 * duplicate key replaces, and numeric refuses some of those, 1e-400000),
 * and a string or key holding \u0000 (jsonb refuses it with 22P05).  The tokens live in the parser
 * until its next call.
 */
extern FqSimdStatus fq_simd_tokenize(FqSimdParser *parser, const char *buf,
									 size_t len, const FqSimdToken **tokens,
									 size_t *ntokens) FQ_SIMD_NOEXCEPT;

/* What fq_simd_find_path found */
typedef enum FqSimdValueType
{
	FQ_VAL_MISSING,				/* no such key, or a step into a non-object */
	FQ_VAL_OBJECT,				/* text: the object as written */
	FQ_VAL_ARRAY,				/* text: the array as written */
	FQ_VAL_STRING,				/* text: the unescaped string (may hold NUL) */
	FQ_VAL_NUMBER,				/* text: the number as written */
	FQ_VAL_TRUE,
	FQ_VAL_FALSE,
	FQ_VAL_NULL
} FqSimdValueType;

typedef struct FqSimdValue
{
	FqSimdValueType type;
	const char *text;			/* valid until the parser's next call */
	size_t		len;
} FqSimdValue;

/*
 * Follows a path of object keys through one document, as a chain of
 * PostgreSQL's json "->" operators does: at each step the value must be an
 * object, and when a key occurs more than once the last occurrence counts.
 * Containers come back as their text in the document (without surrounding
 * whitespace), numbers as written, strings unescaped.  Only the values on
 * the path are examined; a document simdjson cannot read, or a path
 * through one, is REJECTED and the caller asks PostgreSQL, as is an empty
 * path (nkeys < 1).  Containers are skipped by depth, not validated: on
 * text that is not JSON (which a json column cannot hold) a container's
 * text may be malformed, though it always lies inside the document.
 * "capacity" is how many bytes of buf may be read: with room for
 * FQ_SIMD_PADDING (or that room in the same memory page) the document is
 * read in place, else copied first.
 */
extern FqSimdStatus fq_simd_find_path(FqSimdParser *parser, const char *buf,
									  size_t len, size_t capacity,
									  const char *const *keys,
									  const size_t *key_lens, int nkeys,
									  FqSimdValue *value) FQ_SIMD_NOEXCEPT;

/* Name of the kernel simdjson selected for this CPU ("haswell", ...) */
extern const char *fq_simd_implementation(void) FQ_SIMD_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif							/* FQ_JSON_SIMD_H */

/*-------------------------------------------------------------------------
 *
 * parse.c
 *	  SQL functions that read JSON text with simdjson: fraiseql.parse and
 *	  fraiseql.is_json, and the backend's one simdjson parser.
 *
 * is_json must answer exactly as text::json would.  fq_simd_validate
 * (simdjson's SIMD stage 1 and our grammar check over its structural
 * indexes) accepts nothing PostgreSQL refuses.  It also refuses a few
 * documents that PostgreSQL accepts (lone surrogates, deep nesting), so
 * whenever it says no, and in databases whose encoding is not UTF-8,
 * PostgreSQL's own JSON parser gives the verdict: a rejection costs two
 * parses, an acceptance one.  fraiseql.enable_simd = off always asks
 * PostgreSQL.
 *
 * parse must agree with text::jsonb on every input.  json_simd.cpp turns
 * the document into tokens from simdjson's structural indexes (numbers as
 * written, strings unescaped); we encode jsonb's binary format from them
 * directly, byte for byte what jsonb_in makes (see "Encoding tokens"
 * below): duplicate keys keep the last value, numbers keep full precision.
 * Whatever the tokenizer does not accept, and any string holding \u0000
 * (which jsonb refuses with 22P05), goes to jsonb_in itself: its verdict
 * and its error message are then PostgreSQL's own.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/jsonapi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "fraiseql.h"
#include "json_simd.h"
#include "parse.h"

PG_FUNCTION_INFO_V1(fraiseql_is_json);
PG_FUNCTION_INFO_V1(fraiseql_parse);
PG_FUNCTION_INFO_V1(fraiseql_simd_implementation);

static FqSimdParser *backend_parser = NULL;

bool		fq_enable_simd = true;

/* Defines fraiseql.enable_simd (SPEC sections 6 and 9) */
void
fq_parse_init(void)
{
	DefineCustomBoolVariable("fraiseql.enable_simd",
							 "Uses simdjson for JSON text; off routes every path through PostgreSQL's own parser.",
							 NULL,
							 &fq_enable_simd,
							 true,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);
}

static void
free_backend_parser(int code, Datum arg)
{
	fq_simd_parser_free(backend_parser);
	backend_parser = NULL;
}

/*
 * The backend's simdjson parser, created on first use.
 */
FqSimdParser *
fq_simd_backend_parser(void)
{
	if (backend_parser == NULL)
	{
		if (fq_simd_parser_create(&backend_parser) != FQ_SIMD_OK)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory"),
					 errdetail("Could not create the simdjson parser.")));
		on_proc_exit(free_backend_parser, (Datum) 0);
	}
	return backend_parser;
}

void
fq_simd_out_of_memory(size_t len)
{
	ereport(ERROR,
			(errcode(ERRCODE_OUT_OF_MEMORY),
			 errmsg("out of memory"),
			 errdetail("simdjson could not allocate memory for a document of %zu bytes.",
					   len)));
}

/*
 * PostgreSQL's own verdict: does text::json succeed?
 *
 * Its parser descends once per nesting level and calls check_stack_depth,
 * so text::json of a deep enough document (100k brackets) raises "stack
 * depth limit exceeded" (54001): that text is not one text::json accepts,
 * so the answer is false, not an error.  The parser holds nothing but
 * memory in the current context when it raises, so the error can be
 * caught here without a subtransaction; any other error (a cancel, out of
 * memory) goes on.
 */
static bool
pg_is_json(text *t)
{
	MemoryContext context = CurrentMemoryContext;
	bool		valid = false;

	PG_TRY();
	{
		JsonLexContext *lex = makeJsonLexContextCstringLen(VARDATA_ANY(t),
														   VARSIZE_ANY_EXHDR(t),
														   GetDatabaseEncoding(),
														   false);

		valid = pg_parse_json(lex, &nullSemAction) == JSON_SUCCESS;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(context);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_STATEMENT_TOO_COMPLEX)
			PG_RE_THROW();
		FlushErrorState();
		FreeErrorData(edata);
		valid = false;
	}
	PG_END_TRY();
	return valid;
}

/*
 * fraiseql.is_json(text) RETURNS boolean: true iff text::json succeeds.
 */
Datum
fraiseql_is_json(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	FqSimdStatus status;

	fq_prefetch_next_row(t, VARSIZE_ANY(t));
	if (!fq_enable_simd || GetDatabaseEncoding() != PG_UTF8)
		PG_RETURN_BOOL(pg_is_json(t));

	status = fq_simd_validate(fq_simd_backend_parser(), VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	if (status == FQ_SIMD_OK)
		PG_RETURN_BOOL(true);
	if (status == FQ_SIMD_NOMEM)
		fq_simd_out_of_memory(VARSIZE_ANY_EXHDR(t));
	PG_RETURN_BOOL(pg_is_json(t));
}

/* PostgreSQL's own text::jsonb, with its errors */
static Datum
pg_parse(const char *buf, size_t len)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(pnstrdup(buf, len)));
}

/*
 * Encoding tokens straight into jsonb's binary format.
 *
 * jsonb_in builds a tree of JsonbValues with pushJsonbValue (sorting and
 * de-duplicating each object's keys when it closes) and then serialises the
 * tree (convertToJsonb).  With the whole document already in tokens, and the
 * end of every container known, we write the binary format in one pass,
 * byte for byte what convertToJsonb writes: a container is its header, its
 * JEntries (keys first, then values, for an object) and its children's
 * data; every JB_OFFSET_STRIDE'th JEntry holds an end offset instead of a
 * length; containers and numerics are aligned to 4 bytes, the padding
 * counted in their length; an object's keys are sorted by length, then
 * bytes, and of equal keys the last one wins.  Integers that fit in 18
 * digits become numerics through int64_to_numeric, which gives the same
 * value and representation as numeric_in without parsing text twice.
 */
typedef struct TokenEncoder
{
	const FqSimdToken *tokens;
	StringInfoData buf;
	int			pairs_used;	/* of pair_stack, by the objects open */
} TokenEncoder;

/* One key/value pair of an object being encoded */
typedef struct TokenPair
{
	const char *key;
	int			key_len;
	int			order;			/* position in the document */
	int			value;			/* token index of the value */
} TokenPair;

/*
 * The pairs of the objects being encoded, innermost last: one stack for the
 * whole recursion rather than an array in each frame, so that a deep
 * document needs no more C stack than jsonb_in would.  Kept for the
 * backend's life (grown, never shrunk), so a document costs no allocation.
 */
static TokenPair *pair_stack = NULL;
static int	pair_stack_size = 0;

static void encode_value(TokenEncoder *enc, int at, JEntry *header);

/* jsonb_util.c's limits (not exported), so that errors match pushJsonbValue's */
#define JSONB_MAX_ELEMS (Min(MaxAllocSize / sizeof(JsonbValue), JB_CMASK))
#define JSONB_MAX_PAIRS (Min(MaxAllocSize / sizeof(JsonbPair), JB_CMASK))

/*
 * The jsonb is built in a StringInfo for its growth policy only: it is
 * binary, never read as a C string, so these do not keep a terminating NUL.
 * Inline, since they run once or twice per token.
 */
static inline void
make_room(StringInfo buf, int n)
{
	if (buf->len + n >= buf->maxlen)
		enlargeStringInfo(buf, n);
}

static inline void
pad_to_int(StringInfo buf, int *padlen)
{
	int			n = INTALIGN(buf->len) - buf->len;

	if (n > 0)
	{
		make_room(buf, n);
		memset(buf->data + buf->len, 0, n);
		buf->len += n;
	}
	if (padlen)
		*padlen = n;
}

/* Appends n bytes; separate from any use of buf->data, which may move */
static inline void
append_bytes(StringInfo buf, const void *data, int n)
{
	make_room(buf, n);
	memcpy(buf->data + buf->len, data, n);
	buf->len += n;
}

/*
 * Copies n bytes, width <= n <= 2 * width, as two copies of width bytes
 * that overlap; with width a constant, each is a fixed-size move.
 */
static pg_attribute_always_inline void
copy_overlapping(char *dst, const char *src, int n, int width)
{
	uint64		head[2],
				tail[2];

	memcpy(head, src, width);
	memcpy(tail, src + n - width, width);
	memcpy(dst, head, width);
	memcpy(dst + n - width, tail, width);
}

/*
 * Appends a key's or string's bytes.  Most are short (keys, uuids, names),
 * and for those a call into the C library's memcpy costs more than the
 * copy: up to 32 bytes are moved inline, neither reading nor writing
 * outside the n bytes.
 */
static pg_attribute_always_inline void
append_text(StringInfo buf, const char *src, int n)
{
	char	   *dst;

	make_room(buf, n);
	dst = buf->data + buf->len;
	buf->len += n;
	if (n >= 16 && n <= 32)
		copy_overlapping(dst, src, n, 16);
	else if (n >= 8 && n < 16)
		copy_overlapping(dst, src, n, 8);
	else if (n >= 4 && n < 8)
		copy_overlapping(dst, src, n, 4);
	else if (n < 4)
	{
		for (int i = 0; i < n; i++)
			dst[i] = src[i];
	}
	else
		memcpy(dst, src, n);
}

static inline int
reserve_bytes(StringInfo buf, int n)
{
	int			offset;

	make_room(buf, n);
	offset = buf->len;
	buf->len += n;
	return offset;
}

/* A JSON number as numeric_in would make it */
static Numeric
token_numeric(const FqSimdToken *tok)
{
	const char *p = tok->text;
	int			n = (int) tok->len;
	bool		negative = n > 0 && p[0] == '-';
	int			digits = n - (negative ? 1 : 0);

	/* plain integers of up to 18 digits ("-0" left to numeric_in) */
	if (digits > 0 && digits <= 18 && !(negative && p[1] == '0'))
	{
		int64		v = 0;
		int			i;

		for (i = negative ? 1 : 0; i < n; i++)
		{
			if (p[i] < '0' || p[i] > '9')
				break;
			v = v * 10 + (p[i] - '0');
		}
		if (i == n)
			return int64_to_numeric(negative ? -v : v);
	}
	return DatumGetNumeric(DirectFunctionCall3(numeric_in,
											   CStringGetDatum(pnstrdup(p, n)),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
}

static void
check_total(int totallen, bool object)
{
	if (totallen > JENTRY_OFFLENMASK)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("total size of jsonb %s elements exceeds the maximum of %u bytes",
						object ? "object" : "array", JENTRY_OFFLENMASK)));
}

static void
check_string(size_t len)
{
	if (len > JENTRY_OFFLENMASK)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("string too long to represent as jsonb string"),
				 errdetail("Due to an implementation restriction, jsonb strings cannot exceed %d bytes.",
						   JENTRY_OFFLENMASK)));
}

static void
encode_array(TokenEncoder *enc, int at, JEntry *header, bool raw_scalar)
{
	int			base = enc->buf.len;
	int			n;
	int			i;
	int			jentries;
	int			totallen = 0;
	uint32		head;

	check_stack_depth();
	if (!raw_scalar && enc->tokens[at].len > JSONB_MAX_ELEMS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("number of jsonb array elements exceeds the maximum allowed (%zu)",
						JSONB_MAX_ELEMS)));
	n = raw_scalar ? 1 : (int) enc->tokens[at].len;

	pad_to_int(&enc->buf, NULL);
	head = n | JB_FARRAY | (raw_scalar ? JB_FSCALAR : 0);
	append_bytes(&enc->buf, &head, sizeof(uint32));
	jentries = reserve_bytes(&enc->buf, sizeof(JEntry) * n);

	i = raw_scalar ? at : at + 1;
	for (int k = 0; k < n; k++)
	{
		JEntry		meta;

		encode_value(enc, i, &meta);
		totallen += JBE_OFFLENFLD(meta);
		check_total(totallen, false);
		if (k % JB_OFFSET_STRIDE == 0)
			meta = (meta & JENTRY_TYPEMASK) | totallen | JENTRY_HAS_OFF;
		memcpy(enc->buf.data + jentries + k * sizeof(JEntry), &meta, sizeof(JEntry));
		i = enc->tokens[i].end + 1;
	}
	totallen = enc->buf.len - base;
	check_total(totallen, false);
	*header = JENTRY_ISCONTAINER | totallen;
}

/* jsonb's key order: shorter first, then bytewise; of equal keys, the later first */
static inline int
pair_cmp(const void *a, const void *b, void *arg)
{
	const TokenPair *pa = a;
	const TokenPair *pb = b;

	if (pa->key_len != pb->key_len)
		return pa->key_len > pb->key_len ? 1 : -1;
	if (pa->key_len > 0)
	{
		int			res = memcmp(pa->key, pb->key, pa->key_len);

		if (res != 0)
			return res;
	}
	return pa->order > pb->order ? -1 : 1;
}

/*
 * Sorts an object's pairs into jsonb's key order.  Most objects have a
 * handful of keys, for which an insertion sort with the comparison inlined
 * beats qsort_arg's calls through a pointer.
 */
static void
sort_pairs(TokenPair *pairs, int n)
{
	if (n > 16)
	{
		qsort_arg(pairs, n, sizeof(TokenPair), pair_cmp, NULL);
		return;
	}
	for (int k = 1; k < n; k++)
	{
		TokenPair	pair = pairs[k];
		int			j = k;

		while (j > 0 && pair_cmp(&pairs[j - 1], &pair, NULL) > 0)
		{
			pairs[j] = pairs[j - 1];
			j--;
		}
		pairs[j] = pair;
	}
}

static void
encode_object(TokenEncoder *enc, int at, JEntry *header)
{
	int			base = enc->buf.len;
	int			first = enc->pairs_used;
	TokenPair  *pairs;
	int			n;
	int			unique;
	int			i;
	int			k;
	int			jentries;
	int			totallen = 0;
	uint32		head;
	bool		ordered = true;

	check_stack_depth();
	if (enc->tokens[at].len > JSONB_MAX_PAIRS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("number of jsonb object pairs exceeds the maximum allowed (%zu)",
						JSONB_MAX_PAIRS)));
	n = (int) enc->tokens[at].len;
	if (first + n > pair_stack_size)
	{
		int			size = Max(first + n, Max(64, pair_stack_size * 2));

		pair_stack = pair_stack ?
			repalloc(pair_stack, sizeof(TokenPair) * size) :
			MemoryContextAlloc(TopMemoryContext, sizeof(TokenPair) * size);
		pair_stack_size = size;
	}
	pairs = pair_stack + first;
	for (i = at + 1, k = 0; k < n; i = enc->tokens[i + 1].end + 1, k++)
	{
		check_string(enc->tokens[i].len);
		pairs[k].key = enc->tokens[i].text;
		pairs[k].key_len = (int) enc->tokens[i].len;
		pairs[k].order = k;
		pairs[k].value = i + 1;
		if (ordered && k > 0)
			ordered = pairs[k - 1].key_len < pairs[k].key_len ||
				(pairs[k - 1].key_len == pairs[k].key_len &&
				 memcmp(pairs[k - 1].key, pairs[k].key, pairs[k].key_len) < 0);
	}

	/*
	 * A document that was itself written from a jsonb (as FraiseQL's are)
	 * has its keys in jsonb's order already, each once: nothing to sort or
	 * remove then.
	 */
	if (ordered)
		unique = n;
	else
	{
		sort_pairs(pairs, n);
		/* keep the first of each run of equal keys: the last in the document */
		unique = n > 0 ? 1 : 0;
		for (k = 1; k < n; k++)
			if (pairs[k].key_len != pairs[unique - 1].key_len ||
				memcmp(pairs[k].key, pairs[unique - 1].key, pairs[k].key_len) != 0)
				pairs[unique++] = pairs[k];
	}
	enc->pairs_used = first + unique;

	pad_to_int(&enc->buf, NULL);
	head = unique | JB_FOBJECT;
	append_bytes(&enc->buf, &head, sizeof(uint32));
	jentries = reserve_bytes(&enc->buf, sizeof(JEntry) * unique * 2);

	for (k = 0; k < unique; k++)
	{
		JEntry		meta = (JEntry) pairs[k].key_len;

		append_text(&enc->buf, pairs[k].key, pairs[k].key_len);
		totallen += pairs[k].key_len;
		check_total(totallen, true);
		if (k % JB_OFFSET_STRIDE == 0)
			meta = (meta & JENTRY_TYPEMASK) | totallen | JENTRY_HAS_OFF;
		memcpy(enc->buf.data + jentries + k * sizeof(JEntry), &meta, sizeof(JEntry));
	}
	for (k = 0; k < unique; k++)
	{
		JEntry		meta;

		/* the stack may move while a nested object grows it */
		encode_value(enc, pair_stack[first + k].value, &meta);
		totallen += JBE_OFFLENFLD(meta);
		check_total(totallen, true);
		if ((k + unique) % JB_OFFSET_STRIDE == 0)
			meta = (meta & JENTRY_TYPEMASK) | totallen | JENTRY_HAS_OFF;
		memcpy(enc->buf.data + jentries + (k + unique) * sizeof(JEntry), &meta, sizeof(JEntry));
	}
	enc->pairs_used = first;
	totallen = enc->buf.len - base;
	check_total(totallen, true);
	*header = JENTRY_ISCONTAINER | totallen;
}

static void
encode_value(TokenEncoder *enc, int at, JEntry *header)
{
	const FqSimdToken *tok = &enc->tokens[at];

	switch (tok->type)
	{
		case FQ_TOK_OBJECT_BEGIN:
			encode_object(enc, at, header);
			return;
		case FQ_TOK_ARRAY_BEGIN:
			encode_array(enc, at, header, false);
			return;
		case FQ_TOK_STRING:
			check_string(tok->len);
			append_text(&enc->buf, tok->text, (int) tok->len);
			*header = JENTRY_ISSTRING | (JEntry) tok->len;
			return;
		case FQ_TOK_NUMBER:
			{
				Numeric		num = token_numeric(tok);
				int			numlen = VARSIZE_ANY(num);
				int			padlen;

				pad_to_int(&enc->buf, &padlen);
				append_bytes(&enc->buf, num, numlen);
				*header = JENTRY_ISNUMERIC | (padlen + numlen);
				pfree(num);
				return;
			}
		case FQ_TOK_TRUE:
			*header = JENTRY_ISBOOL_TRUE;
			return;
		case FQ_TOK_FALSE:
			*header = JENTRY_ISBOOL_FALSE;
			return;
		case FQ_TOK_NULL:
			*header = JENTRY_ISNULL;
			return;
		default:
			elog(ERROR, "fraiseql: unexpected JSON token %d", (int) tok->type);
	}
}

/*
 * The jsonb of the value whose first token is tokens[at].
 */
Jsonb *
fq_tokens_value_to_jsonb(const FqSimdToken *tokens, int at)
{
	TokenEncoder enc;
	JEntry		header;

	enc.tokens = tokens;
	enc.pairs_used = 0;
	initStringInfo(&enc.buf);
	reserve_bytes(&enc.buf, VARHDRSZ);
	if (tokens[at].type != FQ_TOK_OBJECT_BEGIN && tokens[at].type != FQ_TOK_ARRAY_BEGIN)
		encode_array(&enc, at, &header, true);	/* a raw scalar */
	else
		encode_value(&enc, at, &header);
	SET_VARSIZE(enc.buf.data, enc.buf.len);
	return (Jsonb *) enc.buf.data;
}

/*
 * JSON text to jsonb, exactly as jsonb_in would make it: simdjson when it
 * can, jsonb_in itself otherwise.
 */
Datum
fq_json_text_to_jsonb(const char *buf, size_t len)
{
	const FqSimdToken *tokens;
	size_t		ntokens;
	FqSimdStatus status;

	if (!fq_enable_simd || GetDatabaseEncoding() != PG_UTF8)
		return pg_parse(buf, len);

	status = fq_simd_tokenize(fq_simd_backend_parser(), buf, len, &tokens, &ntokens);
	if (status == FQ_SIMD_NOMEM)
		fq_simd_out_of_memory(len);
	if (status != FQ_SIMD_OK)
		return pg_parse(buf, len);

	return JsonbPGetDatum(fq_tokens_value_to_jsonb(tokens, 0));
}

/*
 * fraiseql.parse(text) RETURNS jsonb: the same as text::jsonb.
 */
Datum
fraiseql_parse(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	fq_prefetch_next_row(t, VARSIZE_ANY(t));
	PG_RETURN_DATUM(fq_json_text_to_jsonb(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)));
}

/*
 * fraiseql.simd_implementation(): which kernel simdjson picked at run time,
 * so benchmark figures can say what they measured.
 */
Datum
fraiseql_simd_implementation(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(fq_simd_implementation()));
}

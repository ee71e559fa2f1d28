/*-------------------------------------------------------------------------
 *
 * selection.c
 *	  Parses a GraphQL selection set: "id email firstName profile { rank }
 *	  mail: email __typename".  Outer braces are optional, commas and
 *	  # comments are ignored, aliases are "alias: field".  Arguments,
 *	  directives and fragments are not part of the FraiseQL read path and
 *	  are syntax errors (42601, with the position).
 *
 * Fields with the same response name (alias, or name) are merged as GraphQL
 * merges them (its "field selection merging"): "id id" selects id once,
 * "vendor { name } vendor { country }" selects vendor { name country }, at
 * the position of the first.  Two fields of one response name that select
 * different fields ("x: title x: sku"), or a field with a selection beside
 * one without, cannot be merged: 42601 at the second one's position.
 * Without this the output would hold the key twice, and JSON parsers keep
 * the last value, losing the first's fields.
 *
 * A selection is parsed once per backend and kept, by its text, in a small
 * cache under CacheMemoryContext, so a hot query pays for the parse once.
 * Each field carries what the projection needs precomputed: its output key
 * already JSON-escaped, and the snake_case storage key to look up first.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

#include "jsonwrite.h"
#include "sqlbuild.h"
#include "selection.h"

typedef struct SelParser
{
	const char *text;
	int			len;
	int			pos;
} SelParser;

typedef struct SelCacheEntry
{
	uint64		hash;			/* key */
	char	   *text;
	FqSelection *selection;
} SelCacheEntry;

#define SEL_CACHE_MAX 256

static HTAB *sel_cache = NULL;
static MemoryContext sel_context = NULL;

static FqSelection *parse_set(SelParser *p, int depth, bool braced);

static void
syntax_error(SelParser *p, const char *what)
{
	int			shown = Min(p->len - p->pos, 20);

	ereport(ERROR,
			(errcode(ERRCODE_SYNTAX_ERROR),
			 errmsg("syntax error in selection at position %d: %s", p->pos + 1, what),
			 p->pos < p->len ?
			 errdetail("Near \"%.*s\".", shown, p->text + p->pos) :
			 errdetail("At the end of the selection.")));
}

/* Skips whitespace, commas and # comments */
static void
skip_ignored(SelParser *p)
{
	while (p->pos < p->len)
	{
		char		c = p->text[p->pos];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',')
			p->pos++;
		else if (c == '#')
		{
			while (p->pos < p->len && p->text[p->pos] != '\n' && p->text[p->pos] != '\r')
				p->pos++;
		}
		else
			break;
	}
}

static bool
name_start(char c)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool
name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

/* Reads a name; returns its length (0 if there is none) */
static int
read_name(SelParser *p, const char **start)
{
	int			begin = p->pos;

	if (p->pos >= p->len || !name_start(p->text[p->pos]))
		return 0;
	while (p->pos < p->len && name_char(p->text[p->pos]))
		p->pos++;
	*start = p->text + begin;
	return p->pos - begin;
}

static void
parse_field(SelParser *p, FqSelField *f, int depth)
{
	const char *name;
	int			len;
	const char *alias = NULL;
	int			alias_len = 0;
	StringInfoData key;

	f->pos = p->pos + 1;
	len = read_name(p, &name);
	if (len == 0)
		syntax_error(p, p->pos < p->len && p->text[p->pos] == '.' ?
					 "fragments are not supported" : "expected a field name");
	skip_ignored(p);
	if (p->pos < p->len && p->text[p->pos] == ':')
	{
		p->pos++;
		skip_ignored(p);
		alias = name;
		alias_len = len;
		len = read_name(p, &name);
		if (len == 0)
			syntax_error(p, "expected a field name after the alias");
		skip_ignored(p);
	}
	if (p->pos < p->len && p->text[p->pos] == '(')
		syntax_error(p, "arguments are not supported");
	if (p->pos < p->len && p->text[p->pos] == '@')
		syntax_error(p, "directives are not supported");

	f->name = pnstrdup(name, len);
	f->name_len = len;
	f->is_typename = len == 10 && memcmp(name, "__typename", 10) == 0;
	f->snake = fq_storage_key(name, len);
	f->snake_len = strlen(f->snake);
	if (f->snake_len == len && memcmp(f->snake, name, len) == 0)
	{
		f->snake = NULL;
		f->snake_len = 0;
	}

	initStringInfo(&key);
	if (alias)
		fq_write_string(&key, alias, alias_len);
	else
		fq_write_string(&key, name, len);
	appendBinaryStringInfo(&key, ": ", 2);
	f->out_key = key.data;
	f->out_key_len = key.len;
	f->response = alias ? f->out_key + 1 : f->name;
	f->response_len = alias ? alias_len : len;

	f->sub = NULL;
	if (p->pos < p->len && p->text[p->pos] == '{')
	{
		if (f->is_typename)
			syntax_error(p, "__typename has no fields");
		p->pos++;
		f->sub = parse_set(p, depth + 1, true);
	}
}

static void add_field(FqSelection *set, int *allocated, const FqSelField *f);

/* The fields of "from" into "into", each merged with its namesake there */
static void
merge_sets(FqSelection *into, const FqSelection *from)
{
	int			allocated = into->nfields;

	for (int i = 0; i < from->nfields; i++)
		add_field(into, &allocated, &from->fields[i]);
}

/*
 * Adds a field to a set, or merges it into the field of the same response
 * name already there.  Names of fields are compared as written: GraphQL
 * merges only the same field, and firstName and first_name are two.
 */
static void
add_field(FqSelection *set, int *allocated, const FqSelField *f)
{
	for (int i = 0; i < set->nfields; i++)
	{
		FqSelField *prev = &set->fields[i];

		check_stack_depth();
		if (prev->response_len != f->response_len ||
			memcmp(prev->response, f->response, f->response_len) != 0)
			continue;
		if (prev->name_len != f->name_len ||
			memcmp(prev->name, f->name, f->name_len) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_SYNTAX_ERROR),
					 errmsg("fields \"%.*s\" conflict in selection at position %d",
							f->response_len, f->response, f->pos),
					 errdetail("\"%.*s\" selects \"%.*s\" here and \"%.*s\" at position %d; fields of one response name must select the same field.",
							   f->response_len, f->response, f->name_len, f->name,
							   prev->name_len, prev->name, prev->pos),
					 errhint("Give one of them another alias.")));
		if ((prev->sub == NULL) != (f->sub == NULL))
			ereport(ERROR,
					(errcode(ERRCODE_SYNTAX_ERROR),
					 errmsg("fields \"%.*s\" conflict in selection at position %d",
							f->response_len, f->response, f->pos),
					 errdetail("One selects fields of \"%.*s\" and the other (at position %d) does not.",
							   f->name_len, f->name, prev->pos),
					 errhint("Select the same fields in both, or give one of them another alias.")));
		if (f->sub)
			merge_sets(prev->sub, f->sub);
		return;
	}
	if (set->nfields == *allocated)
	{
		*allocated = Max(*allocated * 2, 8);
		set->fields = repalloc(set->fields, sizeof(FqSelField) * *allocated);
	}
	set->fields[set->nfields++] = *f;
}

/*
 * Fields up to the closing brace (braced) or the end of the text.
 */
static FqSelection *
parse_set(SelParser *p, int depth, bool braced)
{
	FqSelection *set = palloc0(sizeof(FqSelection));
	int			allocated = 8;
	FqSelField	field;

	if (depth > FQ_MAX_SELECTION_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("selection is nested too deeply"),
				 errdetail("Selections may nest at most %d levels.", FQ_MAX_SELECTION_DEPTH)));

	set->fields = palloc(sizeof(FqSelField) * allocated);
	for (;;)
	{
		skip_ignored(p);
		if (p->pos >= p->len)
		{
			if (braced)
				syntax_error(p, "expected \"}\"");
			break;
		}
		if (p->text[p->pos] == '}')
		{
			if (!braced)
				syntax_error(p, "unexpected \"}\"");
			p->pos++;
			break;
		}
		parse_field(p, &field, depth);
		add_field(set, &allocated, &field);
	}
	if (set->nfields == 0)
		syntax_error(p, "a selection needs at least one field");
	return set;
}

static FqSelection *
parse_selection(const char *text, int len)
{
	SelParser	p = {text, len, 0};
	FqSelection *sel;

	skip_ignored(&p);
	if (p.pos < p.len && p.text[p.pos] == '{')
	{
		/* "{ ... }" with nothing after the closing brace */
		p.pos++;
		sel = parse_set(&p, 1, true);
		skip_ignored(&p);
		if (p.pos < p.len)
			syntax_error(&p, "unexpected text after the selection");
	}
	else
		sel = parse_set(&p, 1, false);
	return sel;
}

const FqSelection *
fq_selection_get(const char *text, int len)
{
	/* the parse depends on snake_case_keys: keep one entry per setting */
	uint64		hash = hash_bytes_extended((const unsigned char *) text, len,
										   fq_snake_case_keys ? 1 : 0);
	SelCacheEntry *entry;
	bool		found;
	MemoryContext parse_context;
	MemoryContext oldcontext;
	FqSelection *sel;

	if (sel_cache == NULL)
	{
		HASHCTL		info;

		sel_context = AllocSetContextCreate(CacheMemoryContext, "fraiseql selections",
											ALLOCSET_SMALL_SIZES);
		memset(&info, 0, sizeof(info));
		info.keysize = sizeof(uint64);
		info.entrysize = sizeof(SelCacheEntry);
		info.hcxt = sel_context;
		sel_cache = hash_create("fraiseql selections", 64, &info,
								HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}

	entry = hash_search(sel_cache, &hash, HASH_FIND, NULL);
	if (entry)
	{
		if (strlen(entry->text) == (size_t) len && memcmp(entry->text, text, len) == 0)
			return entry->selection;
		/* a 64-bit hash collision: parse without caching */
		return parse_selection(text, len);
	}

	/*
	 * Cached selections are never freed, since a running stream may hold
	 * one; past SEL_CACHE_MAX a selection is parsed into the caller's
	 * memory and lives as long as its stream.
	 */
	if (hash_get_num_entries(sel_cache) >= SEL_CACHE_MAX)
		return parse_selection(text, len);

	/* parse in a scratch context, so an error leaves no half-built entry */
	parse_context = AllocSetContextCreate(sel_context, "fraiseql selection",
										  ALLOCSET_SMALL_SIZES);
	oldcontext = MemoryContextSwitchTo(parse_context);
	PG_TRY();
	{
		sel = parse_selection(text, len);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(oldcontext);
		MemoryContextDelete(parse_context);
		PG_RE_THROW();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(oldcontext);

	entry = hash_search(sel_cache, &hash, HASH_ENTER, &found);
	entry->text = MemoryContextAlloc(parse_context, len + 1);
	memcpy(entry->text, text, len);
	entry->text[len] = '\0';
	entry->selection = sel;
	return sel;
}

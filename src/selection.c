/*-------------------------------------------------------------------------
 *
 * selection.c
 *	  Parses a GraphQL selection set: "id email firstName profile { rank }
 *	  mail: email __typename".  Outer braces are optional, commas and
 *	  # comments are ignored, aliases are "alias: field".  Arguments,
 *	  directives and fragments are not part of the FraiseQL read path and
 *	  are syntax errors (42601, with the position).
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
#include "utils/hsearch.h"
#include "utils/memutils.h"

#include "fraiseql.h"
#include "jsonwrite.h"
#include "query.h"
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

	f->sub = NULL;
	if (p->pos < p->len && p->text[p->pos] == '{')
	{
		if (f->is_typename)
			syntax_error(p, "__typename has no fields");
		p->pos++;
		f->sub = parse_set(p, depth + 1, true);
	}
}

/*
 * Fields up to the closing brace (braced) or the end of the text.
 */
static FqSelection *
parse_set(SelParser *p, int depth, bool braced)
{
	FqSelection *set = palloc0(sizeof(FqSelection));
	int			allocated = 8;

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
		if (set->nfields == allocated)
		{
			allocated *= 2;
			set->fields = repalloc(set->fields, sizeof(FqSelField) * allocated);
		}
		parse_field(p, &set->fields[set->nfields++], depth);
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

/*-------------------------------------------------------------------------
 *
 * selection.h
 *	  A parsed GraphQL selection set (SPEC section 5).
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_SELECTION_H
#define FQ_SELECTION_H

#include "postgres.h"

typedef struct FqSelection FqSelection;

typedef struct FqSelField
{
	char	   *out_key;		/* "alias": , JSON-escaped, ready to append */
	int			out_key_len;
	char	   *name;			/* the field as written */
	int			name_len;
	char	   *snake;			/* its snake_case form, NULL when the same */
	int			snake_len;
	bool		is_typename;	/* __typename */
	FqSelection *sub;			/* nested selection, or NULL */
	int			response_len;	/* alias, or name: the key in the output */
	const char *response;
	int			pos;			/* where the field starts in the text, from 1 */
} FqSelField;

struct FqSelection
{
	int			nfields;
	FqSelField *fields;
};

#define FQ_MAX_SELECTION_DEPTH 64

/* Parsed once per backend per selection text; the result is read-only */
extern const FqSelection *fq_selection_get(const char *text, int len);

#endif							/* FQ_SELECTION_H */

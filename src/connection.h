/*-------------------------------------------------------------------------
 *
 * connection.h
 *	  fraiseql.connection(): Relay connections with keyset pagination
 *	  (SPEC section 15), and its GUC fraiseql.max_page_size.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_CONNECTION_H
#define FQ_CONNECTION_H

#include "postgres.h"

extern int	fq_max_page_size;

extern void fq_connection_init(void);

#endif							/* FQ_CONNECTION_H */

/*-------------------------------------------------------------------------
 *
 * scan.h
 *	  The FraiseQLStream custom scan: streaming fraiseql.stream() in FROM.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FQ_SCAN_H
#define FQ_SCAN_H

extern bool fq_enable_custom_scan;

extern void fq_scan_init(void);

#endif							/* FQ_SCAN_H */

/*
 * The speaker's log: one formatted line at a time, handed to the log
 * callback of its configuration (struct bgp_speaker_config); nothing when
 * there is none.
 */
#ifndef ANYCASTLAB_BGP_LOG_H
#define ANYCASTLAB_BGP_LOG_H

struct bgp_speaker;

#define BGP_LOG_ERR	0
#define BGP_LOG_WARN	1
#define BGP_LOG_INFO	2
#define BGP_LOG_DEBUG	3

void bgp_log(const struct bgp_speaker *sp, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif

/*
 * Logging for the processes (router daemon, orchestrator).  Library code in
 * bgp/, topo/, http/ and net/ never logs: it returns -errno or an error
 * record and the caller logs once, with context.
 */
#ifndef ANYCASTLAB_UTIL_LOG_H
#define ANYCASTLAB_UTIL_LOG_H

enum log_level {
	LOG_LVL_ERR,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

/* ident prefixes every line; fd is where lines go (stderr by default). */
void log_open(const char *ident, int fd, enum log_level level);
void log_msg(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif

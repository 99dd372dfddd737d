/*
 * log: one line per event on stderr, in the manner of OpenBSD's log.c.
 *
 * Every line carries the program name, the pid and, while a request is being
 * served, its X-Request-ID, so a line can be matched to the gateway's log.
 */
#ifndef LOG_H
#define LOG_H

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

void log_init(const char *progname, enum log_level level);
/* Parses "error", "warn", "info" or "debug"; returns -1 for anything else. */
int log_level_parse(const char *s);
/* The request id shown in every later line; NULL clears it.  Not copied. */
void log_set_request_id(const char *id);
/*
 * The caller shown in every later line (a user id, "admin"); NULL clears
 * it.  Not copied.  Never a token or anything derived from one.
 */
void log_set_caller(const char *who);

/* A warning with ": " and strerror(errno) after it, as OpenBSD's log_warn. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A warning as it is (OpenBSD's log_warnx). */
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Logs and exits with status 1. */
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Logs and aborts: for what cannot go on, like an allocation that failed. */
void log_abort(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif

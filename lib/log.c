#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *log_prog = "?";
static enum log_level log_max = LOG_LEVEL_INFO;
static const char *log_reqid;
static const char *log_caller;

void
log_init(const char *progname, enum log_level level)
{
	log_prog = progname;
	log_max = level;
}

int
log_level_parse(const char *s)
{
	static const char *names[] = { "error", "warn", "info", "debug" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

void
log_set_request_id(const char *id)
{
	log_reqid = id;
}

void
log_set_caller(const char *who)
{
	log_caller = who;
}

static void vlog(enum log_level, int, const char *, va_list)
    __attribute__((format(printf, 3, 0)));

/* One line; with errnum not 0, ": strerror(errnum)" after the message. */
static void
vlog(enum log_level level, int errnum, const char *fmt, va_list ap)
{
	static const char *tags[] = { "error", "warn", "info", "debug" };
	char line[2048];
	int n;

	if (level > log_max)
		return;
	n = snprintf(line, sizeof(line), "%s[%d] %s%s%s%s%s: ", log_prog,
	    (int)getpid(), tags[level], log_reqid ? " req=" : "",
	    log_reqid ? log_reqid : "", log_caller ? " caller=" : "",
	    log_caller ? log_caller : "");
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (errnum != 0) {
		size_t len = strlen(line);

		snprintf(line + len, sizeof(line) - len, ": %s",
		    strerror(errnum));
	}
	/* One write per line keeps lines of different workers apart. */
	fprintf(stderr, "%s\n", line);
}

#define LOG_FN(name, level)                   \
	void name(const char *fmt, ...)       \
	{                                     \
		va_list ap;                   \
		va_start(ap, fmt);            \
		vlog(level, 0, fmt, ap);      \
		va_end(ap);                   \
	}

LOG_FN(log_error, LOG_LEVEL_ERROR)
LOG_FN(log_warnx, LOG_LEVEL_WARN)
LOG_FN(log_info, LOG_LEVEL_INFO)
LOG_FN(log_debug, LOG_LEVEL_DEBUG)

void
log_warn(const char *fmt, ...)
{
	int errnum = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_WARN, errnum, fmt, ap);
	va_end(ap);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

void
log_abort(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_ERROR, 0, fmt, ap);
	va_end(ap);
	abort();
}

/*
 * config: configuration from the environment, declared as a table and read
 * once at start-up.
 *
 * Each row names a variable, its type, its default and its bounds.  A value
 * that is missing (with no default), not a number, out of range or rejected
 * by the row's validator stops the load with a message that names the
 * variable.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>

enum cfg_type { CFG_INT, CFG_STR };

struct cfg_var {
	const char *name;
	enum cfg_type type;
	const char *def;        /* default; NULL means the variable is required */
	long min, max;          /* CFG_INT: bounds; CFG_STR: length bounds */
	void *dst;              /* int * or const char ** */
	/* Optional extra check of a string: returns NULL or a reason. */
	const char *(*check)(const char *value);
};

/* Looks a name up; getenv is the usual one. */
typedef const char *(*cfg_lookup_fn)(const char *name);

/*
 * Fills every row's dst.  Returns 0, or -1 with a message naming the
 * variable in err.  Strings point into the environment (or the default) and
 * are not copied.
 */
int config_load(const struct cfg_var *vars, size_t n, cfg_lookup_fn lookup,
    char *err, size_t errlen);

/* Validators for CFG_STR rows. */
const char *config_check_http_base(const char *value);
const char *config_check_log_level(const char *value);
/* A comma-separated list of host:port (REDIS_SENTINELS); "" is allowed. */
const char *config_check_host_ports(const char *value);

/*
 * Reads the next host:port of such a list at *cursor, advancing it.
 * Returns 1 with host (NUL-terminated, hostlen bytes at most) and port, 0 at
 * the end of the list, -1 on an entry that is not host:port with a port in
 * 1..65535 or a host longer than hostlen - 1.
 */
int config_next_host_port(const char **cursor, char *host, size_t hostlen,
    int *port);

#endif

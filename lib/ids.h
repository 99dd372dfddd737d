/* ids: resource identifiers (lowercase UUID version 4). */
#ifndef IDS_H
#define IDS_H

#define ID_LEN 36

/* Writes a new random UUID v4, lowercase, NUL-terminated. */
void id_new(char out[ID_LEN + 1]);

/*
 * 1 if s is a UUID in its 8-4-4-4-12 hex form (either case); with out set,
 * writes its lowercase form there.
 */
int id_parse(const char *s, char out[ID_LEN + 1]);

#endif

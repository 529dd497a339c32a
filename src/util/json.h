/*
 * A small JSON reader (RFC 8259) for what FRR's vtysh commands print with
 * `json`: the whole text becomes a flat array of nodes, objects and
 * arrays linking their children by index.  Pure and bounded: it is fed
 * whatever a daemon wrote, so malformed input, deep nesting and huge
 * numbers fail cleanly instead of misreading.
 */
#ifndef ANYCASTLAB_UTIL_JSON_H
#define ANYCASTLAB_UTIL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH	64

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_node {
	enum json_type type;
	const char *key;	/* member name inside an object, else NULL */
	const char *str;	/* JSON_STRING: the unescaped text */
	double num;		/* JSON_NUMBER */
	bool b;			/* JSON_BOOL */
	long child;		/* first member or element, -1: none */
	long next;		/* next sibling, -1: none */
};

struct json_doc {
	struct json_node *v;
	size_t n, cap;
	char *text;		/* our copy; keys and strings point into it */
};

/* Parse len bytes; 0, -EINVAL (not one JSON value), or -ENOMEM.  The
 * document is empty (and needs no json_free) on failure. */
int json_parse(const char *text, size_t len, struct json_doc *d);
void json_free(struct json_doc *d);

/* The top-level value, or NULL for an empty document. */
const struct json_node *json_root(const struct json_doc *d);
/* Member key of an object, or NULL (also when o is NULL or no object). */
const struct json_node *json_get(const struct json_doc *d,
				 const struct json_node *o, const char *key);
/* First child of an object or array, and the sibling after n; NULL at
 * the end. */
const struct json_node *json_first(const struct json_doc *d,
				   const struct json_node *n);
const struct json_node *json_next(const struct json_doc *d,
				  const struct json_node *n);
/* Typed values with a default for absent or mistyped nodes. */
const char *json_str(const struct json_node *n, const char *def);
uint64_t json_u64(const struct json_node *n, uint64_t def);
bool json_bool(const struct json_node *n, bool def);

#endif

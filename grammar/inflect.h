/* inflect.h: word forms for `verb(...)` and `noun(...)` items of word classes. */
#ifndef STG_INFLECT_H
#define STG_INFLECT_H

#include <glib.h>

/* Appends the verb and its inflections (3rd person singular, past, past participle, -ing),
 * each once, as g_malloc()ed strings: oppose -> oppose opposes opposed opposing. `out` must
 * free its elements with g_free. */
void stg_inflect_verb(const char *verb, GPtrArray *out);

/* Appends the noun and its plural: criticism -> criticism criticisms. */
void stg_inflect_noun(const char *noun, GPtrArray *out);

#endif

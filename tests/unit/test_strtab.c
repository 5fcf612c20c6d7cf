/* test_strtab: the one string interner: ids in order of first sight, equal
 * bytes one id, pointers that survive growth, and a reindexed table (as the
 * pprof reader leaves it) that finds what it holds. */
#include <stdio.h>
#include <string.h>

#include "strtab.h"
#include "../tap.h"

enum { MANY = 100000 };

int main(void)
{
	struct strtab t;
	strtab_init(&t);
	TAP_EQ_INT(t.n, 1, "a new table holds one string");
	TAP_EQ_STR(strtab_get(&t, 0), "", "id 0");
	TAP_EQ_INT(strtab_intern(&t, "", 0), 0, "\"\" is id 0");
	TAP_EQ_INT(strtab_intern_cstr(&t, NULL), 0, "NULL is id 0");

	uint32_t a = strtab_intern_cstr(&t, "malloc");
	uint32_t b = strtab_intern(&t, "main(int)", 4); /* "main", not NUL-terminated */
	TAP_EQ_INT(a, 1, "first string");
	TAP_EQ_INT(b, 2, "second string");
	TAP_EQ_STR(strtab_get(&t, b), "main", "a prefix is copied and terminated");
	TAP_EQ_INT(t.lens[b], 4, "its length");
	TAP_EQ_INT(strtab_intern_cstr(&t, "main"), b, "equal bytes, same id");
	TAP_EQ_INT(strtab_intern(&t, "malloc", 3), 3, "a prefix is another string");

	const char *kept = strtab_get(&t, a);
	char name[32];
	int same = 1, ordered = 1;
	for (int i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "fn%d", i);
		ordered &= strtab_intern_cstr(&t, name) == (uint32_t)(4 + i);
	}
	for (int i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "fn%d", i);
		same &= strtab_intern_cstr(&t, name) == (uint32_t)(4 + i);
	}
	TAP_OK(ordered, "%d new strings get ids in order", MANY);
	TAP_OK(same, "and are found again");
	TAP_OK(kept == strtab_get(&t, a) && !strcmp(kept, "malloc"), "pointers stay valid while the table grows");
	TAP_OK(!t.failed, "no failure");
	strtab_release(&t);

	/* a file's table as read: duplicates appended as they are */
	strtab_init(&t);
	t.n = 0;
	strtab_append(&t, "", 0);
	strtab_append(&t, "x", 1);
	strtab_append(&t, "y", 1);
	strtab_append(&t, "x", 1);
	TAP_EQ_INT(t.n, 4, "append keeps duplicates");
	TAP_EQ_INT(strtab_reindex(&t), 0, "reindex");
	TAP_EQ_INT(strtab_intern_cstr(&t, "x"), 1, "after reindex the first copy is found");
	TAP_EQ_INT(strtab_intern_cstr(&t, "y"), 2, "and every other string");
	TAP_EQ_INT(strtab_intern_cstr(&t, "z"), 4, "a new one comes after the file's");
	strtab_release(&t);
	return tap_done();
}

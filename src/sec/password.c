/* password: see password.h. */
#include "sec/password.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* build/gen/common_passwords.c, from src/sec/common-passwords.txt: sorted
 * in byte order, lower-case. */
extern const char *const common_passwords[];
extern const size_t common_passwords_count;

enum { MIN_LEN = 8, MAX_LEN = 128, MAX_GROUP = 4 };

/* Rows, columns and diagonals of a keyboard that people type as a run. */
static const char *const runs[] = {"qwertyuiop", "asdfghjkl", "zxcvbnm", "qwertyuiopasdfghjklzxcvbnm",
                                   "1234567890", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "qazwsxedcrfvtgbyhnujmikolp",
                                   NULL};

static int cmp(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

static bool common(const char *lower)
{
    return bsearch(lower, common_passwords, common_passwords_count, sizeof common_passwords[0], cmp) != NULL;
}

/* The same word with trailing digits and symbols taken away ("sunshine1!"). */
static bool common_variant(char *lower, size_t n)
{
    if (common(lower))
        return true;
    while (n > 0 && !(lower[n - 1] >= 'a' && lower[n - 1] <= 'z') && (unsigned char)lower[n - 1] < 0x80)
        n--;
    lower[n] = '\0';
    return n >= MIN_LEN && common(lower);
}

/* One character or a group of up to MAX_GROUP repeated ("aaaaaaaa", "abcabcab"). */
static bool repeated(const char *p, size_t n)
{
    for (size_t g = 1; g <= MAX_GROUP && 2 * g <= n; g++) {
        size_t i = g;
        while (i < n && p[i] == p[i % g])
            i++;
        if (i == n)
            return true;
    }
    return false;
}

/* ASCII letters of s[0..n) in lower case into out, and a NUL. */
static void lower_into(const char *s, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
    out[n] = '\0';
}

static void reverse_into(const char *s, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = s[n - 1 - i];
    out[n] = '\0';
}

/* Each character one up or one down from the last, or a run of keys either way. */
static bool sequence(const char *p, size_t n)
{
    int step = (unsigned char)p[1] - (unsigned char)p[0];
    size_t i = 1;
    while ((step == 1 || step == -1) && i < n && (unsigned char)p[i] - (unsigned char)p[i - 1] == step)
        i++;
    if (i == n)
        return true;
    char rev[MAX_LEN + 1];
    reverse_into(p, n, rev);
    for (const char *const *r = runs; *r; r++)
        if (strstr(*r, p) || strstr(*r, rev))
            return true;
    return false;
}

/* The name or its reverse inside the password (names of three or more). */
static bool has_name(const char *lower, const char *username)
{
    size_t n = username ? strlen(username) : 0;
    if (n < 3 || n > MAX_LEN)
        return false;
    char name[MAX_LEN + 1], rev[MAX_LEN + 1];
    lower_into(username, n, name);
    reverse_into(name, n, rev);
    return strstr(lower, name) || strstr(lower, rev);
}

int password_ok(const char *password, const char *username, const char **why)
{
    size_t n = strlen(password);
    char lower[MAX_LEN + 1];
    if (n < MIN_LEN) {
        *why = "密码至少 8 位 (at least 8 characters)";
        return -1;
    }
    if (n > MAX_LEN) {
        *why = "密码不能超过 128 位 (at most 128 characters)";
        return -1;
    }
    lower_into(password, n, lower);
    if (repeated(lower, n)) {
        *why = "密码不能由同一个字符或同一组字符重复组成 (must not be one character or a short group repeated)";
        return -1;
    }
    if (sequence(lower, n)) {
        *why = "密码不能是连续的字母、数字或键位，如 abcdefgh、12345678、qwertyui (must not be a simple run of "
               "letters, digits or keys such as abcdefgh, 12345678, qwertyui)";
        return -1;
    }
    if (has_name(lower, username)) {
        *why = "密码不能包含用户名 (must not contain the user name)";
        return -1;
    }
    if (common_variant(lower, n)) {
        *why = "密码过于常见，容易被猜中，请换一个 (too common: it is among the passwords guessed first)";
        return -1;
    }
    return 0;
}

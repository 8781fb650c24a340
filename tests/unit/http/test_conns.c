/*
 * Unit tests for http/conns: the per-address limit (trusted proxies exempt,
 * a v4-mapped IPv6 peer counted as its IPv4 address, a count freed with its
 * last connection) and the deadlines, whose expiry shuts a socket down —
 * seen from the other end of a socket pair as end of file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/conns.h"

static struct sockaddr_in v4(const char *text)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    inet_pton(AF_INET, text, &sa.sin_addr);
    return sa;
}

#define SA(x) ((const struct sockaddr *)&(x)), (socklen_t)sizeof(x)

static void test_per_address_limit(void **state)
{
    (void)state;
    conns *r = conns_new(2, "10.0.0.9, 10.0.0.10");
    struct sockaddr_in a = v4("192.0.2.1"), b = v4("192.0.2.2"), proxy = v4("10.0.0.10");
    conn *c[3];
    assert_true(conns_admit(r, SA(a)));
    c[0] = conns_add(r, -1, SA(a), 0);
    assert_true(conns_admit(r, SA(a)));
    c[1] = conns_add(r, -1, SA(a), 0);
    assert_false(conns_admit(r, SA(a)));
    /* Other addresses have their own count. */
    assert_true(conns_admit(r, SA(b)));
    c[2] = conns_add(r, -1, SA(b), 0);
    assert_int_equal(conns_from(r, SA(a)), 2);
    assert_int_equal(conns_open(r), 3);
    /* A trusted proxy is never refused, nor counted. */
    conn *p[5];
    for (int i = 0; i < 5; i++) {
        assert_true(conns_admit(r, SA(proxy)));
        p[i] = conns_add(r, -1, SA(proxy), 0);
    }
    assert_int_equal(conns_from(r, SA(proxy)), 0);
    assert_int_equal(conns_open(r), 8);
    /* A connection that ends makes room. */
    conns_remove(r, c[0]);
    assert_true(conns_admit(r, SA(a)));
    conns_remove(r, c[1]);
    assert_int_equal(conns_from(r, SA(a)), 0);
    conns_remove(r, c[2]);
    for (int i = 0; i < 5; i++)
        conns_remove(r, p[i]);
    assert_int_equal(conns_open(r), 0);
    conns_free(r);
}

static void test_v4_mapped_counts_as_v4(void **state)
{
    (void)state;
    conns *r = conns_new(1, NULL);
    struct sockaddr_in a = v4("192.0.2.1");
    struct sockaddr_in6 m = {.sin6_family = AF_INET6};
    inet_pton(AF_INET6, "::ffff:192.0.2.1", &m.sin6_addr);
    conn *c = conns_add(r, -1, SA(m), 0);
    assert_false(conns_admit(r, SA(a)));
    assert_int_equal(conns_from(r, SA(a)), 1);
    conns_remove(r, c);
    assert_true(conns_admit(r, SA(a)));
    conns_free(r);
}

static void test_no_limit(void **state)
{
    (void)state;
    conns *r = conns_new(0, NULL);
    struct sockaddr_in a = v4("192.0.2.1");
    conn *c[100];
    for (int i = 0; i < 100; i++) {
        assert_true(conns_admit(r, SA(a)));
        c[i] = conns_add(r, -1, SA(a), 0);
    }
    for (int i = 0; i < 100; i++)
        conns_remove(r, c[i]);
    conns_free(r);
}

/* Whether the peer of fd sees end of file now. */
static bool sees_eof(int fd)
{
    char ch;
    return recv(fd, &ch, 1, MSG_DONTWAIT) == 0;
}

static void test_deadlines(void **state)
{
    (void)state;
    conns *r = conns_new(0, NULL);
    struct sockaddr_in a = v4("192.0.2.1");
    int due[2], later[2], none[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, due), 0);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, later), 0);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, none), 0);
    conn *c1 = conns_add(r, due[0], SA(a), 1000);
    conn *c2 = conns_add(r, later[0], SA(a), 5000);
    conn *c3 = conns_add(r, none[0], SA(a), 0);
    assert_int_equal(conns_expire(r, 999), 0);
    assert_int_equal(conns_expire(r, 1000), 1);
    assert_true(sees_eof(due[1]));
    assert_false(sees_eof(later[1]));
    /* An expired deadline is cleared: the socket is shut down once. */
    assert_int_equal(conns_expire(r, 2000), 0);
    /* A deadline moved on (the request advanced) is the one that counts. */
    conns_set_deadline(c2, 9000);
    assert_int_equal(conns_expire(r, 6000), 0);
    assert_false(sees_eof(later[1]));
    conns_set_deadline(c2, 0);
    assert_int_equal(conns_expire(r, 1000000), 0);
    assert_false(sees_eof(none[1]));
    conns_remove(r, c1);
    conns_remove(r, c2);
    conns_remove(r, c3);
    for (int i = 0; i < 2; i++) {
        close(due[i]);
        close(later[i]);
        close(none[i]);
    }
    conns_free(r);
}

/* Many due at once are all shut down, in however many rounds it takes. */
static void test_many_due(void **state)
{
    (void)state;
    conns *r = conns_new(0, NULL);
    struct sockaddr_in a = v4("192.0.2.1");
    enum { N = 1000 };
    static conn *c[N];
    for (int i = 0; i < N; i++)
        c[i] = conns_add(r, -1, SA(a), i % 2 ? 10 : 0);
    assert_int_equal(conns_expire(r, 10), N / 2);
    assert_int_equal(conns_expire(r, 10), 0);
    for (int i = 0; i < N; i++)
        conns_remove(r, c[i]);
    conns_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_per_address_limit),
        cmocka_unit_test(test_v4_mapped_counts_as_v4),
        cmocka_unit_test(test_no_limit),
        cmocka_unit_test(test_deadlines),
        cmocka_unit_test(test_many_due),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

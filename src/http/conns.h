/*
 * conns: the server's register of open connections — how many there are,
 * how many come from each client address, and the deadline each must meet.
 * Internal to http/ (server.c and its unit test); nothing here knows
 * libmicrohttpd: a connection is its socket and its peer's address.
 *
 * A connection is registered when it opens and removed before its socket is
 * closed. Its deadline is when its current request's headers, or its body,
 * must be complete (0: none, e.g. while its request is being handled or its
 * reply written). conns_expire, called a few times a second, shuts down the
 * socket of each connection past its deadline; the server then sees the
 * connection end and closes it as usual. The socket is shut down under the
 * register's mutex, which conns_remove also takes, so a socket number is
 * never shut down after its connection was removed (and the number perhaps
 * reused).
 *
 * The per-address limit counts connections by peer address (IPv4, or IPv6
 * with v4-mapped addresses counted as IPv4). Trusted reverse proxies are
 * exempt: every client behind one shares its address, and the proxy holds
 * slow clients itself.
 */
#ifndef REDRESS_HTTP_CONNS_H
#define REDRESS_HTTP_CONNS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

typedef struct conns conns;

/* One open connection; owned by the register from conns_add to conns_remove. */
typedef struct conn {
    struct conn *prev, *next; /* in the register's list, under its mutex */
    int fd;
    _Atomic int64_t deadline; /* ms of time_mono_ms(); 0 = none */
    unsigned char addr[16];   /* the peer, as counted: 4 or 16 bytes */
    int addr_len;
    bool counted;   /* counted against its address's limit */
    bool nul_in_url; /* the current request's URL decoded a %00 (its own thread only) */
} conn;

/*
 * A register that admits at most per_address connections from one address
 * (0 = no limit), except from the comma-separated trusted proxies (borrowed,
 * may be NULL).
 */
conns *conns_new(unsigned per_address, const char *trusted);
/* Frees r; every connection must have been removed. */
void conns_free(conns *r);

/* Whether a connection from sa may open now (the limit of its address). */
bool conns_admit(conns *r, const struct sockaddr *sa, socklen_t len);
/* Registers a connection on fd from sa with a first deadline; the entry is
 * the register's until conns_remove. */
conn *conns_add(conns *r, int fd, const struct sockaddr *sa, socklen_t len, int64_t deadline);
/* Unregisters and frees c; its socket is not touched. */
void conns_remove(conns *r, conn *c);

/* Sets c's deadline (ms of time_mono_ms(), 0 = none); any thread. */
void conns_set_deadline(conn *c, int64_t deadline);
/* Shuts down the socket of each connection whose deadline is at or before
 * now and clears that deadline; returns how many. */
unsigned conns_expire(conns *r, int64_t now);

/* Whether addr (text) is one of the comma-separated addresses of list. */
bool conns_listed(const char *list, const char *addr);

/* Open connections (read without waiting), and those from the address of sa. */
unsigned conns_open(conns *r);
unsigned conns_from(conns *r, const struct sockaddr *sa, socklen_t len);

#endif

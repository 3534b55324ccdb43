/* netlink_reply.h — the reply a netlink request gets, as netlink.c's answerers
 * build it: whole messages (header, body, attributes) in one growing buffer. */
#ifndef LXRUN_NETLINK_REPLY_H
#define LXRUN_NETLINK_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "../abi/linux_netlink.h"
#include "dispatch.h"

struct reply { unsigned char *buf; size_t len, cap, msg; uint32_t port; int diag; };

/* A message of type to the request's sender (the seq it asked with): its body of
 * body bytes, zeroed, or NULL without memory.  nl_msg_end sets its length. */
void *nl_msg_start(struct reply *r, const struct linux_nlmsghdr *req, uint16_t type, uint16_t flags, size_t body);
void nl_msg_end(struct reply *r);
void nl_attr(struct reply *r, uint16_t type, const void *data, size_t n);
void nl_attr_u32(struct reply *r, uint16_t type, uint32_t v);
void nl_attr_u8(struct reply *r, uint16_t type, uint8_t v);
/* NLMSG_ERROR carrying err (negative) and the request's header; NLMSG_DONE. */
void nl_error(struct reply *r, const struct linux_nlmsghdr *req, int err);
void nl_done(struct reply *r, const struct linux_nlmsghdr *req);

/* NETLINK_ROUTE (netlink_route.c) and NETLINK_SOCK_DIAG (netlink_diag.c): the
 * answer to one request of body blen bytes. */
void nl_route_answer(struct lx_call *c, struct reply *r, const struct linux_nlmsghdr *h, const unsigned char *body, size_t blen);
void nl_diag_answer(struct lx_call *c, struct reply *r, const struct linux_nlmsghdr *h, const unsigned char *body, size_t blen);

#endif

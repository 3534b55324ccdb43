/* netlink_reply.c — building netlink replies: messages addressed to the asking
 * socket, their attributes, the error and done messages (netlink_reply.h). */
#include <stdlib.h>

#include "handler.h"
#include "netlink_reply.h"

static void *grow(struct reply *r, size_t n)
{
    n = LINUX_NLMSG_ALIGN(n);
    if (r->len + n > r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8192;
        while (cap < r->len + n) cap *= 2;
        unsigned char *b = realloc(r->buf, cap);
        if (!b) return NULL;
        r->buf = b, r->cap = cap;
    }
    void *p = r->buf + r->len;
    memset(p, 0, n);
    r->len += n;
    return p;
}

void *nl_msg_start(struct reply *r, const struct linux_nlmsghdr *req, uint16_t type, uint16_t flags, size_t body)
{
    r->msg = r->len;
    struct linux_nlmsghdr *h = grow(r, sizeof *h);
    if (!h) return NULL;
    *h = (struct linux_nlmsghdr){ 0, type, flags, req->seq, r->port }; /* to the asking socket, as the kernel addresses it */
    return grow(r, body);
}

void nl_msg_end(struct reply *r)
{
    if (r->buf) ((struct linux_nlmsghdr *)(r->buf + r->msg))->len = (uint32_t)(r->len - r->msg);
}

void nl_attr(struct reply *r, uint16_t type, const void *data, size_t n)
{
    struct linux_rtattr *a = grow(r, sizeof *a + n);
    if (!a) return;
    a->len = (uint16_t)(sizeof *a + n), a->type = type;
    memcpy(a + 1, data, n);
}

void nl_attr_u32(struct reply *r, uint16_t type, uint32_t v) { nl_attr(r, type, &v, sizeof v); }
void nl_attr_u8(struct reply *r, uint16_t type, uint8_t v) { nl_attr(r, type, &v, sizeof v); }

void nl_error(struct reply *r, const struct linux_nlmsghdr *req, int err)
{
    struct linux_nlmsgerr *e = nl_msg_start(r, req, LINUX_NLMSG_ERROR, 0, sizeof *e);
    if (e) *e = (struct linux_nlmsgerr){ err, *req };
    nl_msg_end(r);
}

void nl_done(struct reply *r, const struct linux_nlmsghdr *req)
{
    int32_t *z = nl_msg_start(r, req, LINUX_NLMSG_DONE, LINUX_NLM_F_MULTI, sizeof *z);
    if (z) *z = 0;
    nl_msg_end(r);
}

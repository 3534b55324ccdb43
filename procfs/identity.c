#include "identity.h"

#include <stdio.h>
#include <string.h>

void lx_linux_identity(const struct rx_sysfacts *sys, struct lx_linux_identity *id)
{
    int linux_host = strcmp(sys->sysname, "Linux") == 0;
    snprintf(id->release, sizeof id->release, "%s", linux_host ? sys->release : "6.1.0-lxrun");
    snprintf(id->version, sizeof id->version, "%s", linux_host ? sys->version : "#1 SMP lxrun");
    snprintf(id->nodename, sizeof id->nodename, "%s", sys->nodename[0] ? sys->nodename : "localhost");
}

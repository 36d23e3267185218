/* Arguments and environment: prints argv[1..] and the environment, which under WASI holds
 * only what the host passed (--env). */
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++) printf("argv[%d]=\"%s\"\n", i, argv[i]);
    int count = 0;
    for (char **e = environ; *e; e++) count++;
    printf("environ has %d entries\n", count);
    const char *greeting = getenv("WDB_GREETING");
    printf("WDB_GREETING=%s\n", greeting ? greeting : "(unset)");
    const char *home = getenv("HOME");
    printf("HOME is %s\n", home ? "set" : "unset");
    return 0;
}

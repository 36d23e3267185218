/* Exit status: exits with argv[1] (default 3) through exit(), i.e. proc_exit. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int code = argc > 1 ? atoi(argv[1]) : 3;
    printf("exiting with %d\n", code);
    fflush(stdout);
    exit(code);
}

/* Reads stdin to the end and echoes each line with its number, then counts. */
#include <stdio.h>
#include <string.h>

int main(void) {
    char line[4096];
    int lines = 0;
    long bytes = 0;
    while (fgets(line, sizeof line, stdin)) {
        lines++;
        bytes += (long)strlen(line);
        printf("%d: %s", lines, line);
        if (line[strlen(line) - 1] != '\n') printf("\n");
    }
    printf("lines=%d bytes=%ld\n", lines, bytes);
    return 0;
}

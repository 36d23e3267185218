/* Randomness: getentropy fills buffers, and two draws differ. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    unsigned char a[32], b[32], zero[32] = {0};
    if (getentropy(a, sizeof a) != 0 || getentropy(b, sizeof b) != 0) {
        printf("getentropy failed\n");
        return 1;
    }
    printf("first draw not all zero: %s\n", memcmp(a, zero, 32) ? "yes" : "no");
    printf("two draws differ: %s\n", memcmp(a, b, 32) ? "yes" : "no");
    return 0;
}

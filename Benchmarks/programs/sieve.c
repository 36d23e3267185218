// Integer loops over arrays: the sieve of Eratosthenes, repeated.
// Argument: the limit (default and most 2000000).
#include <stdio.h>
#include <string.h>
#include "size_argument.h"

#define N 2000000
static unsigned char composite[N + 1];

int main(int argc, char **argv) {
    int limit = (int)size_argument(argc, argv, N, 2, N);
    long long checksum = 0;
    for (int round = 0; round < 20; round++) {
        memset(composite, 0, (size_t)limit + 1);
        int count = 0;
        for (int i = 2; i <= limit; i++) {
            if (composite[i]) continue;
            count++;
            checksum += i ^ round;
            for (long long j = (long long)i * i; j <= limit; j += i) composite[j] = 1;
        }
        checksum += count;
    }
    printf("sieve checksum %lld\n", checksum);
    return 0;
}

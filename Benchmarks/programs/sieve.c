// Integer loops over arrays: the sieve of Eratosthenes, repeated.
#include <stdio.h>
#include <string.h>

#define N 2000000
static unsigned char composite[N + 1];

int main(void) {
    long long checksum = 0;
    for (int round = 0; round < 20; round++) {
        memset(composite, 0, sizeof composite);
        int count = 0;
        for (int i = 2; i <= N; i++) {
            if (composite[i]) continue;
            count++;
            checksum += i ^ round;
            for (long long j = (long long)i * i; j <= N; j += i) composite[j] = 1;
        }
        checksum += count;
    }
    printf("sieve checksum %lld\n", checksum);
    return 0;
}

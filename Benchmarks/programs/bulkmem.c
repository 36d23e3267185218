// Bulk memory: memcpy/memset/memmove over large blocks (memory.copy / memory.fill with -mbulk-memory).
// Argument: the number of rounds (default 12000).
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "size_argument.h"

#define SIZE (1 << 20)
static uint8_t src[SIZE], dst[SIZE];

int main(int argc, char **argv) {
    int rounds = (int)size_argument(argc, argv, 12000, 1, 1000000);
    for (int i = 0; i < SIZE; i++) src[i] = (uint8_t)(i * 131 + (i >> 9));
    uint32_t checksum = 0;
    for (int round = 0; round < rounds; round++) {
        size_t len = SIZE - (round * 4099) % (SIZE / 2);
        memcpy(dst, src, len);
        memset(dst + (round * 257) % 4096, round, 8192);
        memmove(dst + 1, dst, len - 1);
        checksum = checksum * 33 + dst[(round * 7919) % SIZE] + dst[len - 1];
    }
    printf("bulkmem checksum %u\n", checksum);
    return 0;
}

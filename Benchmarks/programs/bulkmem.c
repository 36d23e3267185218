// Bulk memory: memcpy/memset/memmove over large blocks (memory.copy / memory.fill with -mbulk-memory).
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SIZE (1 << 20)
static uint8_t src[SIZE], dst[SIZE];

int main(void) {
    for (int i = 0; i < SIZE; i++) src[i] = (uint8_t)(i * 131 + (i >> 9));
    uint32_t checksum = 0;
    for (int round = 0; round < 12000; round++) {
        size_t len = SIZE - (round * 4099) % (SIZE / 2);
        memcpy(dst, src, len);
        memset(dst + (round * 257) % 4096, round, 8192);
        memmove(dst + 1, dst, len - 1);
        checksum = checksum * 33 + dst[(round * 7919) % SIZE] + dst[len - 1];
    }
    printf("bulkmem checksum %u\n", checksum);
    return 0;
}

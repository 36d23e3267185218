// Bulk memory in small pieces: records of varying sizes (8..500 bytes) copied, moved,
// cleared and compared one at a time, as a serializer or a copying allocator would (each
// memcpy/memset/memmove a short memory.copy/memory.fill; memcmp a byte loop in wasi-libc).
// bulkmem.c does the same operations over megabyte blocks; here the cost per call counts.
// Argument: the number of rounds over the 64 KiB arena (default 2500).
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "size_argument.h"

#define ARENA (64 * 1024)
#define RECORDS 512
static uint8_t arena[ARENA], scratch[ARENA];
static uint16_t offsets[RECORDS], sizes[RECORDS];

int main(int argc, char **argv) {
    int rounds = (int)size_argument(argc, argv, 2500, 1, 1000000);
    uint32_t state = 5;
    size_t at = 0;
    for (int i = 0; i < RECORDS; i++) {
        state = state * 1664525u + 1013904223u;
        sizes[i] = (uint16_t)(8 + (state >> 16) % 120);
        if ((state & 0xF) == 0) sizes[i] = (uint16_t)(sizes[i] * 4);
        offsets[i] = (uint16_t)at;
        at += sizes[i];
    }
    for (size_t i = 0; i < at; i++) arena[i] = (uint8_t)(i * 7 + (i >> 8));
    uint32_t checksum = 0;
    long long equal = 0;
    for (int round = 0; round < rounds; round++) {
        // Serialize: copy every record into scratch in a rotated order, packed.
        size_t out = 0;
        for (int k = 0; k < RECORDS; k++) {
            int i = (k + round) % RECORDS;
            memcpy(scratch + out, arena + offsets[i], sizes[i]);
            out += sizes[i];
        }
        // Shift each record by a byte inside the arena (overlapping moves) and clear a tail.
        for (int i = 0; i < RECORDS; i++) {
            uint8_t *r = arena + offsets[i];
            memmove(r + 1, r, (size_t)sizes[i] - 1);
            r[0] = (uint8_t)(round + i);
            memset(r + sizes[i] - 4, (int)(i & 0xFF), 4);
        }
        // Compare records with their serialized copies (memcmp stops at the first difference).
        size_t in = 0;
        for (int k = 0; k < RECORDS; k++) {
            int i = (k + round) % RECORDS;
            int c = memcmp(scratch + in, arena + offsets[i] + 1, (size_t)sizes[i] - 5);
            equal += c == 0;
            checksum = checksum * 33 + (uint32_t)(c > 0) + scratch[in + sizes[i] / 2];
            in += sizes[i];
        }
        // Copy the packed stream back over the arena in one piece.
        memcpy(arena, scratch, out);
    }
    printf("memops checksum %08x equal %lld\n", checksum, equal);
    return 0;
}

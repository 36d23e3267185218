// Memory-bound hashing: FNV-1a and a CRC-32 over a pseudo-random buffer.
// Argument: the buffer's size in bytes (default and most 4 MiB).
#include <stdint.h>
#include <stdio.h>
#include "size_argument.h"

#define SIZE (4 << 20)
static uint8_t buffer[SIZE];
static uint32_t crc_table[256];

int main(int argc, char **argv) {
    int size = (int)size_argument(argc, argv, SIZE, 1, SIZE);
    uint32_t state = 12345;
    for (int i = 0; i < size; i++) {
        state = state * 1103515245u + 12345u;
        buffer[i] = (uint8_t)(state >> 16);
    }
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
    uint32_t fnv = 2166136261u, crc = 0xFFFFFFFFu;
    for (int round = 0; round < 16; round++) {
        for (int i = 0; i < size; i++) {
            fnv = (fnv ^ buffer[i]) * 16777619u;
            crc = crc_table[(crc ^ buffer[i]) & 0xFF] ^ (crc >> 8);
        }
    }
    printf("hash checksum %08x %08x\n", fnv, crc ^ 0xFFFFFFFFu);
    return 0;
}

// Dispatch-sequence counting for engine.c (included once, before the handlers): a measuring aid
// that is off in every committed build (Docs/performance.md, session 8).
#ifndef WDB_DISPATCH_COUNTING_H
#define WDB_DISPATCH_COUNTING_H

// With WDB_COUNT_DISPATCH_SEQUENCES set to 1, every dispatch counts the (previous, next) pair and
// (previous but one, previous, next) triple of operation numbers, and the counts are written at
// exit to the file named by the environment variable WDB_DISPATCH_COUNTS: one line per sequence,
// `count op op [op]`, each op followed by its handler's address relative to engine.c's fill_tables (so
// `nm` on the binary names it). Docs/performance.md, session 8, shows how the counts were used.
#ifndef WDB_COUNT_DISPATCH_SEQUENCES
#define WDB_COUNT_DISPATCH_SEQUENCES 0
#endif
#if WDB_COUNT_DISPATCH_SEQUENCES
#include <stdio.h>
#include <stdlib.h>
#define SEQUENCE_SLOTS (1u << 22)
typedef struct { uint64_t key, count; } sequence_count;
static sequence_count *sequenceCounts;
static uint16_t previousOp = 0xFFFF, previousOp2 = 0xFFFF;
static void count_key(uint64_t key) {
    uint64_t h = (key * 0x9E3779B97F4A7C15ull) >> 42;
    for (;; h = (h + 1) & (SEQUENCE_SLOTS - 1)) {
        sequence_count *c = &sequenceCounts[h];
        if (c->key == key) { c->count++; return; }
        if (c->key == 0) { c->key = key; c->count = 1; return; }
    }
}
static void count_sequence(uint16_t op) {
    if (sequenceCounts == NULL) sequenceCounts = calloc(SEQUENCE_SLOTS, sizeof(sequence_count));
    count_key(1ull << 62 | (uint64_t)op);
    if (previousOp != 0xFFFF) count_key(2ull << 62 | (uint64_t)previousOp << 16 | op);
    if (previousOp2 != 0xFFFF && previousOp != 0xFFFF)
        count_key(3ull << 62 | (uint64_t)previousOp2 << 32 | (uint64_t)previousOp << 16 | op);
    previousOp2 = previousOp;
    previousOp = op;
}
#define COUNT_SEQUENCE(op) count_sequence(op)
#else
#define COUNT_SEQUENCE(op) ((void)0)
#endif

#if WDB_COUNT_DISPATCH_SEQUENCES
/// What the dump names handlers by: the run table and a function to measure addresses from
/// (engine.c sets both before registering dump_sequences with atexit).
static void *const *sequenceHandlers;
static void *sequenceBase;
static void dump_sequences(void) {
    const char *path = getenv("WDB_DISPATCH_COUNTS");
    if (path == NULL || sequenceCounts == NULL) return;
    FILE *f = fopen(path, "w");
    if (f == NULL) return;
    for (uint32_t i = 0; i < SEQUENCE_SLOTS; i++) {
        sequence_count c = sequenceCounts[i];
        if (c.key == 0) continue;
        int n = (int)(c.key >> 62);
        fprintf(f, "%llu", (unsigned long long)c.count);
        for (int k = n - 1; k >= 0; k--) {
            uint16_t op = (uint16_t)(c.key >> (16 * k));
            fprintf(f, " %u:%lld", op, (long long)((intptr_t)sequenceHandlers[op & (WDB_TABLE_SIZE - 1)] - (intptr_t)sequenceBase));
        }
        fputc('\n', f);
    }
    fclose(f);
}
#endif

#endif

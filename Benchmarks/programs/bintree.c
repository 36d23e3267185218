// Pointer chasing with malloc: binary trees built, checked and freed (allocation-heavy,
// recursive walks over heap nodes), then a shuffled singly linked list walked many times
// (each step a dependent load from a node that sits far from the last).
// Argument: the depth of the largest tree (default 16).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "size_argument.h"

struct tree { struct tree *left, *right; int value; };

static struct tree *build(int depth, int value) {
    struct tree *node = malloc(sizeof *node);
    if (!node) { fprintf(stderr, "out of memory\n"); exit(1); }
    node->value = value;
    if (depth > 0) {
        node->left = build(depth - 1, 2 * value - 1);
        node->right = build(depth - 1, 2 * value);
    } else {
        node->left = node->right = NULL;
    }
    return node;
}

static long long check(const struct tree *node) {
    long long sum = node->value;
    if (node->left) sum += check(node->left) - check(node->right) + 1;
    return sum;
}

static void release(struct tree *node) {
    if (node->left) { release(node->left); release(node->right); }
    free(node);
}

struct link { struct link *next; uint32_t payload; };

int main(int argc, char **argv) {
    int max_depth = (int)size_argument(argc, argv, 16, 4, 24);
    long long total = 0;
    struct tree *long_lived = build(max_depth, 0);
    for (int depth = 4; depth <= max_depth; depth += 2) {
        int iterations = 1 << (max_depth - depth + 2);
        long long sum = 0;
        for (int i = 0; i < iterations; i++) {
            struct tree *t = build(depth, i);
            sum += check(t);
            release(t);
        }
        total += sum * depth;
    }
    total += check(long_lived);
    release(long_lived);

    // A linked list whose nodes are linked in a shuffled order of their addresses.
    int count = 1 << (max_depth + 1);
    struct link *nodes = malloc((size_t)count * sizeof *nodes);
    int *order = malloc((size_t)count * sizeof *order);
    if (!nodes || !order) { fprintf(stderr, "out of memory\n"); return 1; }
    for (int i = 0; i < count; i++) order[i] = i;
    uint32_t state = 99;
    for (int i = count - 1; i > 0; i--) {
        state = state * 1664525u + 1013904223u;
        int j = (int)((state >> 8) % (uint32_t)(i + 1));
        int t = order[i]; order[i] = order[j]; order[j] = t;
    }
    for (int i = 0; i < count; i++) {
        nodes[order[i]].next = i + 1 < count ? &nodes[order[i + 1]] : NULL;
        nodes[order[i]].payload = (uint32_t)i * 2654435761u;
    }
    uint32_t walk = 0;
    for (int pass = 0; pass < 16; pass++)
        for (struct link *l = &nodes[order[0]]; l; l = l->next) walk = (walk ^ l->payload) * 31 + (uint32_t)pass;
    free(nodes);
    free(order);
    printf("bintree checksum %lld %u\n", total, walk);
    return 0;
}

// A byte-code interpreter loop: a tiny stack VM running a counting program (switch dispatch).
// Argument: the loop count of each of the 4 runs (default 1000000).
#include <stdio.h>
#include "size_argument.h"

enum { PUSH, ADD, SUB, MUL, DUP, SWAP, JNZ, DROP, HALT, MOD, OVER };

static long long run(const int *code, long long n) {
    long long stack[64];
    int sp = 0, pc = 0;
    stack[sp++] = n;     // counter
    stack[sp++] = 0;     // accumulator
    for (;;) {
        switch (code[pc++]) {
        case PUSH: stack[sp++] = code[pc++]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case OVER: stack[sp] = stack[sp - 2]; sp++; break;
        case SWAP: { long long t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
        case DROP: sp--; break;
        case JNZ: { int target = code[pc++]; if (stack[--sp]) pc = target; break; }
        case HALT: return stack[sp - 1];
        }
    }
}

int main(int argc, char **argv) {
    long long n = size_argument(argc, argv, 1000000, 1, 1000000000);
    // loop: acc = (acc * 31 + counter) % 1000003; counter -= 1; while counter != 0
    const int program[] = {
        /*0*/ PUSH, 31, MUL, OVER, ADD, PUSH, 1000003, MOD,   // acc' on top, counter below
        /*8*/ SWAP, PUSH, 1, SUB, SWAP,                        // counter-1 below, acc on top
        /*13*/ OVER, JNZ, 0,                                   // loop while counter != 0
        /*16*/ HALT,
    };
    long long total = 0;
    for (int i = 0; i < 4; i++) total += run(program, n + i);
    printf("bytecode checksum %lld\n", total);
    return 0;
}

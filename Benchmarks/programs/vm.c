// An interpreter with a big switch: a register virtual machine with 28 operations (arithmetic,
// comparisons, branches, loads and stores to its own memory, calls with a return stack),
// running three guest programs (a prime counter, a bubble sort of its memory, a recursive
// Fibonacci through the call stack). The switch becomes one br_table; each guest operation is
// a mispredictable indirect jump plus its operands' decoding.
// Argument: the prime counter's limit (default 100000; the other two programs scale with it).
#include <stdint.h>
#include <stdio.h>
#include "size_argument.h"

enum op {
    LOADI, MOV, ADD, SUB, MUL, DIVU, REMU, AND, OR, XOR, SHL, SHR, ADDI,
    LT, LE, EQ, NE, JMP, JZ, JNZ, LOAD, STORE, CALL, RET, PUSH, POP, INC, HALT,
};

struct insn { uint8_t op, a, b, c; int32_t imm; };

#define MEMORY_WORDS 4096
#define STACK_WORDS 4096

struct machine {
    int32_t reg[16];
    int32_t memory[MEMORY_WORDS];
    int32_t stack[STACK_WORDS];
    int sp;
    long long executed;
};

static int run(struct machine *m, const struct insn *code) {
    int pc = 0;
    int32_t *r = m->reg;
    for (;;) {
        const struct insn *i = &code[pc++];
        m->executed++;
        switch (i->op) {
        case LOADI: r[i->a] = i->imm; break;
        case MOV: r[i->a] = r[i->b]; break;
        case ADD: r[i->a] = (int32_t)((uint32_t)r[i->b] + (uint32_t)r[i->c]); break;
        case SUB: r[i->a] = (int32_t)((uint32_t)r[i->b] - (uint32_t)r[i->c]); break;
        case MUL: r[i->a] = (int32_t)((uint32_t)r[i->b] * (uint32_t)r[i->c]); break;
        case DIVU: r[i->a] = r[i->c] ? (int32_t)((uint32_t)r[i->b] / (uint32_t)r[i->c]) : 0; break;
        case REMU: r[i->a] = r[i->c] ? (int32_t)((uint32_t)r[i->b] % (uint32_t)r[i->c]) : 0; break;
        case AND: r[i->a] = r[i->b] & r[i->c]; break;
        case OR: r[i->a] = r[i->b] | r[i->c]; break;
        case XOR: r[i->a] = r[i->b] ^ r[i->c]; break;
        case SHL: r[i->a] = (int32_t)((uint32_t)r[i->b] << (r[i->c] & 31)); break;
        case SHR: r[i->a] = (int32_t)((uint32_t)r[i->b] >> (r[i->c] & 31)); break;
        case ADDI: r[i->a] = (int32_t)((uint32_t)r[i->b] + (uint32_t)i->imm); break;
        case LT: r[i->a] = r[i->b] < r[i->c]; break;
        case LE: r[i->a] = r[i->b] <= r[i->c]; break;
        case EQ: r[i->a] = r[i->b] == r[i->c]; break;
        case NE: r[i->a] = r[i->b] != r[i->c]; break;
        case JMP: pc = i->imm; break;
        case JZ: if (!r[i->a]) pc = i->imm; break;
        case JNZ: if (r[i->a]) pc = i->imm; break;
        case LOAD: r[i->a] = m->memory[((uint32_t)r[i->b] + (uint32_t)i->imm) % MEMORY_WORDS]; break;
        case STORE: m->memory[((uint32_t)r[i->b] + (uint32_t)i->imm) % MEMORY_WORDS] = r[i->a]; break;
        case CALL:
            if (m->sp >= STACK_WORDS) return -1;
            m->stack[m->sp++] = pc; pc = i->imm; break;
        case RET:
            if (m->sp == 0) return -1;
            pc = m->stack[--m->sp]; break;
        case PUSH:
            if (m->sp >= STACK_WORDS) return -1;
            m->stack[m->sp++] = r[i->a]; break;
        case POP:
            if (m->sp == 0) return -1;
            r[i->a] = m->stack[--m->sp]; break;
        case INC: r[i->a] = (int32_t)((uint32_t)r[i->a] + 1); break;
        case HALT: return r[i->a];
        default: return -2;
        }
    }
}

#define I(op, a, b, c, imm) {op, a, b, c, imm}

// r1 = limit; counts primes below it by trial division; result in r0.
static const struct insn primes[] = {
    /*0*/ I(LOADI, 0, 0, 0, 0),          // count
    /*1*/ I(LOADI, 2, 0, 0, 2),          // n
    /*2*/ I(LT, 3, 2, 1, 0),             // loop: n < limit?
    /*3*/ I(JZ, 3, 0, 0, 14),
    /*4*/ I(LOADI, 4, 0, 0, 2),          // d
    /*5*/ I(MUL, 5, 4, 4, 0),            // inner: d*d <= n?
    /*6*/ I(LE, 6, 5, 2, 0),
    /*7*/ I(JZ, 6, 0, 0, 12),            //   no: n is prime
    /*8*/ I(REMU, 7, 2, 4, 0),
    /*9*/ I(JZ, 7, 0, 0, 13),            //   divides: not prime
    /*10*/ I(INC, 4, 0, 0, 0),
    /*11*/ I(JMP, 0, 0, 0, 5),
    /*12*/ I(INC, 0, 0, 0, 0),
    /*13*/ I(ADDI, 2, 2, 0, 1),
    /*14*/ I(JNZ, 3, 0, 0, 2),           // (reached from 3 with r3 == 0: falls to HALT)
    /*15*/ I(HALT, 0, 0, 0, 0),
};

// Fills memory[0..r1) with a pseudo-random sequence, bubble-sorts it, returns a checksum in r0.
static const struct insn bubble[] = {
    /*0*/ I(LOADI, 2, 0, 0, 0),          // i
    /*1*/ I(LOADI, 3, 0, 0, 12345),      // seed
    /*2*/ I(LOADI, 4, 0, 0, 1103515245),
    /*3*/ I(LOADI, 5, 0, 0, 16),
    /*4*/ I(MUL, 3, 3, 4, 0),            // fill: seed = seed * a + c
    /*5*/ I(ADDI, 3, 3, 0, 12345),
    /*6*/ I(SHR, 6, 3, 5, 0),
    /*7*/ I(STORE, 6, 2, 0, 0),
    /*8*/ I(INC, 2, 0, 0, 0),
    /*9*/ I(LT, 7, 2, 1, 0),
    /*10*/ I(JNZ, 7, 0, 0, 4),
    /*11*/ I(ADDI, 8, 1, 0, -1),         // end = n - 1
    /*12*/ I(LOADI, 2, 0, 0, 0),         // pass: i = 0
    /*13*/ I(LT, 7, 2, 8, 0),            // inner: i < end?
    /*14*/ I(JZ, 7, 0, 0, 23),
    /*15*/ I(LOAD, 9, 2, 0, 0),
    /*16*/ I(LOAD, 10, 2, 0, 1),
    /*17*/ I(LE, 11, 9, 10, 0),
    /*18*/ I(JNZ, 11, 0, 0, 21),
    /*19*/ I(STORE, 10, 2, 0, 0),
    /*20*/ I(STORE, 9, 2, 0, 1),
    /*21*/ I(INC, 2, 0, 0, 0),
    /*22*/ I(JMP, 0, 0, 0, 13),
    /*23*/ I(ADDI, 8, 8, 0, -1),         // end -= 1
    /*24*/ I(LOADI, 7, 0, 0, 0),
    /*25*/ I(LT, 7, 7, 8, 0),
    /*26*/ I(JNZ, 7, 0, 0, 12),
    /*27*/ I(LOADI, 0, 0, 0, 0),         // checksum over the sorted memory
    /*28*/ I(LOADI, 2, 0, 0, 0),
    /*29*/ I(LOAD, 9, 2, 0, 0),
    /*30*/ I(XOR, 0, 0, 9, 0),
    /*31*/ I(SHL, 12, 0, 13, 0),         // r13 = 5 set by the host
    /*32*/ I(ADD, 0, 0, 12, 0),
    /*33*/ I(INC, 2, 0, 0, 0),
    /*34*/ I(LT, 7, 2, 1, 0),
    /*35*/ I(JNZ, 7, 0, 0, 29),
    /*36*/ I(HALT, 0, 0, 0, 0),
};

// fib(r1) by the naive recursion, on the machine's own call stack; result in r0.
static const struct insn fib[] = {
    /*0*/ I(CALL, 0, 0, 0, 2),
    /*1*/ I(HALT, 0, 0, 0, 0),
    /*2*/ I(LOADI, 2, 0, 0, 2),          // fib: n in r1, result in r0
    /*3*/ I(LT, 3, 1, 2, 0),
    /*4*/ I(JZ, 3, 0, 0, 7),
    /*5*/ I(MOV, 0, 1, 0, 0),
    /*6*/ I(RET, 0, 0, 0, 0),
    /*7*/ I(PUSH, 1, 0, 0, 0),
    /*8*/ I(ADDI, 1, 1, 0, -1),
    /*9*/ I(CALL, 0, 0, 0, 2),           // fib(n - 1)
    /*10*/ I(POP, 1, 0, 0, 0),
    /*11*/ I(PUSH, 0, 0, 0, 0),
    /*12*/ I(ADDI, 1, 1, 0, -2),
    /*13*/ I(CALL, 0, 0, 0, 2),          // fib(n - 2)
    /*14*/ I(POP, 4, 0, 0, 0),
    /*15*/ I(ADD, 0, 0, 4, 0),
    /*16*/ I(ADDI, 1, 1, 0, 2),          // restore n
    /*17*/ I(RET, 0, 0, 0, 0),
};

int main(int argc, char **argv) {
    int limit = (int)size_argument(argc, argv, 100000, 10, 10000000);
    static struct machine m;
    uint64_t total = 0;

    m.reg[1] = limit;
    total += (uint32_t)run(&m, primes);

    m.reg[1] = limit / 40 < MEMORY_WORDS ? limit / 40 : MEMORY_WORDS;
    m.reg[13] = 5;
    total = total * 31 + (uint32_t)run(&m, bubble);

    int n = 20;
    for (int budget = limit; budget > 6000 && n < 30; budget /= 2) n++;
    m.reg[1] = n;
    m.sp = 0;
    total = total * 31 + (uint32_t)run(&m, fib);

    printf("vm checksum %llu executed %lld\n", (unsigned long long)total, m.executed);
    return 0;
}

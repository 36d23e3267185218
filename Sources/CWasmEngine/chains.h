// Chained operations: two non-trapping binary operations of one type where the second uses the
// first's result, run as one instruction (`op2(op1(x, y), z)`), so the intermediate result
// never goes through its stack slot and one dispatch is saved. The Swift compiler fuses them
// only when no stop point lies between the two (Compiler+Chains.swift): the intermediate value
// is then never on the operand stack at a stop point, and neither operation can trap.
//
// Each family lists its operations twice (identical lists) so that the cross product can be
// expanded by nesting one list inside the other: the C preprocessor does not re-expand a macro
// inside its own expansion. WDB_CHAINS(Y) expands Y(first, second) for every pair, in the
// order that numbers them (engine.c counts them the same way in wdb_chain_index).
#ifndef WDB_CHAINS_H
#define WDB_CHAINS_H

#define WDB_I32_CHAIN_OPS(X, P) \
    X(P, I32_ADD) X(P, I32_SUB) X(P, I32_MUL) X(P, I32_AND) X(P, I32_OR) X(P, I32_XOR) \
    X(P, I32_SHL) X(P, I32_SHR_S) X(P, I32_SHR_U)
#define WDB_I32_CHAIN_OPS_2(X, P) \
    X(P, I32_ADD) X(P, I32_SUB) X(P, I32_MUL) X(P, I32_AND) X(P, I32_OR) X(P, I32_XOR) \
    X(P, I32_SHL) X(P, I32_SHR_S) X(P, I32_SHR_U)
#define WDB_I64_CHAIN_OPS(X, P) \
    X(P, I64_ADD) X(P, I64_SUB) X(P, I64_MUL) X(P, I64_AND) X(P, I64_OR) X(P, I64_XOR) \
    X(P, I64_SHL) X(P, I64_SHR_S) X(P, I64_SHR_U)
#define WDB_I64_CHAIN_OPS_2(X, P) \
    X(P, I64_ADD) X(P, I64_SUB) X(P, I64_MUL) X(P, I64_AND) X(P, I64_OR) X(P, I64_XOR) \
    X(P, I64_SHL) X(P, I64_SHR_S) X(P, I64_SHR_U)
#define WDB_F32_CHAIN_OPS(X, P) X(P, F32_ADD) X(P, F32_SUB) X(P, F32_MUL) X(P, F32_DIV)
#define WDB_F32_CHAIN_OPS_2(X, P) X(P, F32_ADD) X(P, F32_SUB) X(P, F32_MUL) X(P, F32_DIV)
#define WDB_F64_CHAIN_OPS(X, P) X(P, F64_ADD) X(P, F64_SUB) X(P, F64_MUL) X(P, F64_DIV)
#define WDB_F64_CHAIN_OPS_2(X, P) X(P, F64_ADD) X(P, F64_SUB) X(P, F64_MUL) X(P, F64_DIV)

#define WDB_I32_CHAIN_ROW(Y, first) WDB_I32_CHAIN_OPS_2(Y, first)
#define WDB_I64_CHAIN_ROW(Y, first) WDB_I64_CHAIN_OPS_2(Y, first)
#define WDB_F32_CHAIN_ROW(Y, first) WDB_F32_CHAIN_OPS_2(Y, first)
#define WDB_F64_CHAIN_ROW(Y, first) WDB_F64_CHAIN_OPS_2(Y, first)

#define WDB_CHAINS(Y) \
    WDB_I32_CHAIN_OPS(WDB_I32_CHAIN_ROW, Y) WDB_I64_CHAIN_OPS(WDB_I64_CHAIN_ROW, Y) \
    WDB_F32_CHAIN_OPS(WDB_F32_CHAIN_ROW, Y) WDB_F64_CHAIN_OPS(WDB_F64_CHAIN_ROW, Y)

#endif

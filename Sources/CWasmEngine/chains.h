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

// Load-and-operate: a load whose value a following binary operation of its type uses right
// away, as one instruction: `op(load(address), z)`, `op(z, load(address))` or
// `op(load(address), K)`. The load keeps its word layout (offset and addend in word 1, address
// slot in the low half of word 2), so watchpoints and trap sites treat it as the load it starts
// with; z's slot goes in the high half of word 2, K in word 3. WDB_LOAD_CHAINS(Y) expands
// Y(load, type of the loaded value, widening, operation) in numbering order.
#define WDB_I32_LOAD_CHAIN_ROW(Y, load, T, widen) \
    Y(load, T, widen, I32_ADD) Y(load, T, widen, I32_SUB) Y(load, T, widen, I32_MUL) \
    Y(load, T, widen, I32_AND) Y(load, T, widen, I32_OR) Y(load, T, widen, I32_XOR) \
    Y(load, T, widen, I32_SHL) Y(load, T, widen, I32_SHR_S) Y(load, T, widen, I32_SHR_U)
#define WDB_LOAD_CHAINS(Y) \
    WDB_I32_LOAD_CHAIN_ROW(Y, I32_LOAD, u32, v) \
    WDB_I32_LOAD_CHAIN_ROW(Y, I32_LOAD8_U, uint8_t, v) WDB_I32_LOAD_CHAIN_ROW(Y, I32_LOAD8_S, int8_t, (u32)(i32)v) \
    WDB_I32_LOAD_CHAIN_ROW(Y, I32_LOAD16_U, uint16_t, v) WDB_I32_LOAD_CHAIN_ROW(Y, I32_LOAD16_S, int16_t, (u32)(i32)v) \
    Y(I64_LOAD, u64, v, I64_ADD) Y(I64_LOAD, u64, v, I64_SUB) Y(I64_LOAD, u64, v, I64_MUL) \
    Y(I64_LOAD, u64, v, I64_AND) Y(I64_LOAD, u64, v, I64_OR) Y(I64_LOAD, u64, v, I64_XOR) \
    Y(I64_LOAD, u64, v, I64_SHL) Y(I64_LOAD, u64, v, I64_SHR_S) Y(I64_LOAD, u64, v, I64_SHR_U) \
    Y(F32_LOAD, u32, v, F32_ADD) Y(F32_LOAD, u32, v, F32_SUB) Y(F32_LOAD, u32, v, F32_MUL) Y(F32_LOAD, u32, v, F32_DIV) \
    Y(F64_LOAD, u64, v, F64_ADD) Y(F64_LOAD, u64, v, F64_SUB) Y(F64_LOAD, u64, v, F64_MUL) Y(F64_LOAD, u64, v, F64_DIV)

#endif

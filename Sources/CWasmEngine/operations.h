// The register-form operations of the C core, as X-macro lists: engine.c expands each list once
// to define the handlers and once to register them in the dispatch table. The Swift compiler
// (Sources/WasmVM/Compiler+Operands.swift) emits these forms for exactly these Wasm operations;
// a test checks the two agree (wdb_core_handles).
//
// In each expression, x and y are the operands as raw 64-bit slots (i32 and f32 values in the
// low 32 bits); results are stored the same way (i32 results zero-extended).
#ifndef WDB_OPERATIONS_H
#define WDB_OPERATIONS_H

#define U32(v) ((u32)(v))
#define S32(v) ((i32)(u32)(v))
#define S64(v) ((i64)(v))
#define F32(v) f32_of(v)
#define F64(v) f64_of(v)

/// Comparisons: also fused with a following br_if (BR) or if (BRNOT).
#define WDB_COMPARE_OPS(X) WDB_I32_COMPARE_OPS(X) WDB_I64_COMPARE_OPS(X) WDB_FLOAT_COMPARE_OPS(X)

/// The i32 and i64 comparisons, each in opcode order (eq first): also fused with an increment
/// (increment-and-branch, wdb_engine.h).
#define WDB_I32_COMPARE_OPS(X) \
    X(I32_EQ, U32(x) == U32(y)) X(I32_NE, U32(x) != U32(y)) \
    X(I32_LT_S, S32(x) < S32(y)) X(I32_LT_U, U32(x) < U32(y)) \
    X(I32_GT_S, S32(x) > S32(y)) X(I32_GT_U, U32(x) > U32(y)) \
    X(I32_LE_S, S32(x) <= S32(y)) X(I32_LE_U, U32(x) <= U32(y)) \
    X(I32_GE_S, S32(x) >= S32(y)) X(I32_GE_U, U32(x) >= U32(y))

#define WDB_I64_COMPARE_OPS(X) \
    X(I64_EQ, x == y) X(I64_NE, x != y) \
    X(I64_LT_S, S64(x) < S64(y)) X(I64_LT_U, x < y) \
    X(I64_GT_S, S64(x) > S64(y)) X(I64_GT_U, x > y) \
    X(I64_LE_S, S64(x) <= S64(y)) X(I64_LE_U, x <= y) \
    X(I64_GE_S, S64(x) >= S64(y)) X(I64_GE_U, x >= y)

#define WDB_FLOAT_COMPARE_OPS(X) \
    X(F32_EQ, F32(x) == F32(y)) X(F32_NE, F32(x) != F32(y)) \
    X(F32_LT, F32(x) < F32(y)) X(F32_GT, F32(x) > F32(y)) \
    X(F32_LE, F32(x) <= F32(y)) X(F32_GE, F32(x) >= F32(y)) \
    X(F64_EQ, F64(x) == F64(y)) X(F64_NE, F64(x) != F64(y)) \
    X(F64_LT, F64(x) < F64(y)) X(F64_GT, F64(x) > F64(y)) \
    X(F64_LE, F64(x) <= F64(y)) X(F64_GE, F64(x) >= F64(y))

/// Binary operations that cannot trap. Sign operations on floats work on the bits, so NaN
/// payloads pass unchanged as Wasm requires.
#define WDB_BINARY_OPS(X) \
    X(I32_ADD, (u32)(U32(x) + U32(y))) X(I32_SUB, (u32)(U32(x) - U32(y))) \
    X(I32_MUL, (u32)(U32(x) * U32(y))) \
    X(I32_AND, U32(x) & U32(y)) X(I32_OR, U32(x) | U32(y)) X(I32_XOR, U32(x) ^ U32(y)) \
    X(I32_SHL, (u32)(U32(x) << (U32(y) & 31))) X(I32_SHR_S, (u32)(S32(x) >> (U32(y) & 31))) \
    X(I32_SHR_U, U32(x) >> (U32(y) & 31)) \
    X(I32_ROTL, rotl32(U32(x), U32(y))) X(I32_ROTR, rotr32(U32(x), U32(y))) \
    X(I64_ADD, x + y) X(I64_SUB, x - y) X(I64_MUL, x * y) \
    X(I64_AND, x & y) X(I64_OR, x | y) X(I64_XOR, x ^ y) \
    X(I64_SHL, x << (y & 63)) X(I64_SHR_S, (u64)(S64(x) >> (y & 63))) X(I64_SHR_U, x >> (y & 63)) \
    X(I64_ROTL, rotl64(x, y)) X(I64_ROTR, rotr64(x, y)) \
    X(F32_ADD, slot_f32(F32(x) + F32(y))) X(F32_SUB, slot_f32(F32(x) - F32(y))) \
    X(F32_MUL, slot_f32(F32(x) * F32(y))) X(F32_DIV, slot_f32(F32(x) / F32(y))) \
    X(F32_MIN, slot_f32(fmin32(F32(x), F32(y)))) X(F32_MAX, slot_f32(fmax32(F32(x), F32(y)))) \
    X(F32_COPYSIGN, (U32(x) & 0x7FFFFFFFu) | (U32(y) & 0x80000000u)) \
    X(F64_ADD, slot_f64(F64(x) + F64(y))) X(F64_SUB, slot_f64(F64(x) - F64(y))) \
    X(F64_MUL, slot_f64(F64(x) * F64(y))) X(F64_DIV, slot_f64(F64(x) / F64(y))) \
    X(F64_MIN, slot_f64(fmin64(F64(x), F64(y)))) X(F64_MAX, slot_f64(fmax64(F64(x), F64(y)))) \
    X(F64_COPYSIGN, (x & 0x7FFFFFFFFFFFFFFFull) | (y & 0x8000000000000000ull))

/// Integer division and remainder: the check traps before the expression runs. (INT_MIN % -1 is
/// 0 in Wasm but undefined in C, hence the explicit case.)
#define WDB_DIVISION_OPS(X) \
    X(I32_DIV_S, if (U32(y) == 0) TRAP(WDB_TRAP_DIVIDE_BY_ZERO); \
                 if (S32(x) == INT32_MIN && S32(y) == -1) TRAP(WDB_TRAP_INTEGER_OVERFLOW), \
      (u32)(S32(x) / S32(y))) \
    X(I32_DIV_U, if (U32(y) == 0) TRAP(WDB_TRAP_DIVIDE_BY_ZERO), U32(x) / U32(y)) \
    X(I32_REM_S, if (U32(y) == 0) TRAP(WDB_TRAP_DIVIDE_BY_ZERO), S32(y) == -1 ? 0 : (u32)(S32(x) % S32(y))) \
    X(I32_REM_U, if (U32(y) == 0) TRAP(WDB_TRAP_DIVIDE_BY_ZERO), U32(x) % U32(y)) \
    X(I64_DIV_S, if (y == 0) TRAP(WDB_TRAP_DIVIDE_BY_ZERO); \
                 if (S64(x) == INT64_MIN && S64(y) == -1) TRAP(WDB_TRAP_INTEGER_OVERFLOW), \
      (u64)(S64(x) / S64(y))) \
    X(I64_DIV_U, if (y == 0) TRAP(WDB_TRAP_DIVIDE_BY_ZERO), x / y) \
    X(I64_REM_S, if (y == 0) TRAP(WDB_TRAP_DIVIDE_BY_ZERO), S64(y) == -1 ? 0 : (u64)(S64(x) % S64(y))) \
    X(I64_REM_U, if (y == 0) TRAP(WDB_TRAP_DIVIDE_BY_ZERO), x % y)

/// The float-to-int truncations that trap: NaN is an invalid conversion, a value whose integer
/// part is outside the result's range an overflow. The bounds are exclusive and exact in
/// double (every f32 converts exactly), so one comparison pair decides.
#define TRUNC_CHECK(v, low, high) \
    if ((v) != (v)) TRAP(WDB_TRAP_INVALID_CONVERSION); \
    if (!((v) > (low) && (v) < (high))) TRAP(WDB_TRAP_INTEGER_OVERFLOW)
#define WDB_TRUNCATION_OPS(X) \
    X(I32_TRUNC_F32_S, TRUNC_CHECK((double)F32(x), -2147483649.0, 2147483648.0), (u32)(i32)F32(x)) \
    X(I32_TRUNC_F32_U, TRUNC_CHECK((double)F32(x), -1.0, 4294967296.0), (u32)F32(x)) \
    X(I32_TRUNC_F64_S, TRUNC_CHECK(F64(x), -2147483649.0, 2147483648.0), (u32)(i32)F64(x)) \
    X(I32_TRUNC_F64_U, TRUNC_CHECK(F64(x), -1.0, 4294967296.0), (u32)F64(x)) \
    X(I64_TRUNC_F32_S, TRUNC_CHECK((double)F32(x), -9223373136366403584.0, 9223372036854775808.0), (u64)(i64)F32(x)) \
    X(I64_TRUNC_F32_U, TRUNC_CHECK((double)F32(x), -1.0, 18446744073709551616.0), (u64)F32(x)) \
    X(I64_TRUNC_F64_S, TRUNC_CHECK(F64(x), -9223372036854777856.0, 9223372036854775808.0), (u64)(i64)F64(x)) \
    X(I64_TRUNC_F64_U, TRUNC_CHECK(F64(x), -1.0, 18446744073709551616.0), (u64)F64(x))

/// Unary operations that cannot trap.
/// Slots hold raw bits, so reinterpretations only keep the value.
#define WDB_UNARY_OPS(X) \
    X(I32_EQZ, U32(x) == 0) X(I64_EQZ, x == 0) \
    X(I32_CLZ, U32(x) ? (u64)__builtin_clz(U32(x)) : 32) \
    X(I32_CTZ, U32(x) ? (u64)__builtin_ctz(U32(x)) : 32) \
    X(I32_POPCNT, (u64)__builtin_popcount(U32(x))) \
    X(I64_CLZ, x ? (u64)__builtin_clzll(x) : 64) \
    X(I64_CTZ, x ? (u64)__builtin_ctzll(x) : 64) \
    X(I64_POPCNT, (u64)__builtin_popcountll(x)) \
    X(F32_ABS, U32(x) & 0x7FFFFFFFu) X(F32_NEG, U32(x) ^ 0x80000000u) \
    X(F32_CEIL, slot_f32(ceilf(F32(x)))) X(F32_FLOOR, slot_f32(floorf(F32(x)))) \
    X(F32_TRUNC, slot_f32(truncf(F32(x)))) X(F32_NEAREST, slot_f32(nearbyintf(F32(x)))) \
    X(F32_SQRT, slot_f32(__builtin_sqrtf(F32(x)))) \
    X(F64_ABS, x & 0x7FFFFFFFFFFFFFFFull) X(F64_NEG, x ^ 0x8000000000000000ull) \
    X(F64_CEIL, slot_f64(ceil(F64(x)))) X(F64_FLOOR, slot_f64(floor(F64(x)))) \
    X(F64_TRUNC, slot_f64(trunc(F64(x)))) X(F64_NEAREST, slot_f64(nearbyint(F64(x)))) \
    X(F64_SQRT, slot_f64(__builtin_sqrt(F64(x)))) \
    X(I32_WRAP_I64, U32(x)) X(I64_EXTEND_I32_S, (u64)(i64)S32(x)) X(I64_EXTEND_I32_U, U32(x)) \
    X(F32_CONVERT_I32_S, slot_f32((float)S32(x))) X(F32_CONVERT_I32_U, slot_f32((float)U32(x))) \
    X(F32_CONVERT_I64_S, slot_f32((float)S64(x))) X(F32_CONVERT_I64_U, slot_f32((float)x)) \
    X(F32_DEMOTE_F64, slot_f32((float)F64(x))) \
    X(F64_CONVERT_I32_S, slot_f64((double)S32(x))) X(F64_CONVERT_I32_U, slot_f64((double)U32(x))) \
    X(F64_CONVERT_I64_S, slot_f64((double)S64(x))) X(F64_CONVERT_I64_U, slot_f64((double)x)) \
    X(F64_PROMOTE_F32, slot_f64((double)F32(x))) \
    X(I32_REINTERPRET_F32, U32(x)) X(I64_REINTERPRET_F64, x) \
    X(F32_REINTERPRET_I32, U32(x)) X(F64_REINTERPRET_I64, x) \
    X(I32_EXTEND8_S, (u32)(i32)(int8_t)x) X(I32_EXTEND16_S, (u32)(i32)(int16_t)x) \
    X(I64_EXTEND8_S, (u64)(i64)(int8_t)x) X(I64_EXTEND16_S, (u64)(i64)(int16_t)x) \
    X(I64_EXTEND32_S, (u64)(i64)(int32_t)x)

#define WDB_LOAD_OPS(X) \
    X(I32_LOAD, u32, v) X(I64_LOAD, u64, v) X(F32_LOAD, u32, v) X(F64_LOAD, u64, v) \
    X(I32_LOAD8_S, int8_t, (u32)(i32)v) X(I32_LOAD8_U, uint8_t, v) \
    X(I32_LOAD16_S, int16_t, (u32)(i32)v) X(I32_LOAD16_U, uint16_t, v) \
    X(I64_LOAD8_S, int8_t, (u64)(i64)v) X(I64_LOAD8_U, uint8_t, v) \
    X(I64_LOAD16_S, int16_t, (u64)(i64)v) X(I64_LOAD16_U, uint16_t, v) \
    X(I64_LOAD32_S, int32_t, (u64)(i64)v) X(I64_LOAD32_U, uint32_t, v)

#define WDB_STORE_OPS(X) \
    X(I32_STORE, u32) X(I64_STORE, u64) X(F32_STORE, u32) X(F64_STORE, u64) \
    X(I32_STORE8, uint8_t) X(I32_STORE16, uint16_t) \
    X(I64_STORE8, uint8_t) X(I64_STORE16, uint16_t) X(I64_STORE32, u32)

#endif

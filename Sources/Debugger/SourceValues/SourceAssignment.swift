import DebugInfo
import WasmVM

// `set var x = 5`, `print s.f = 2`, `*p = 4`: the value is converted to the target's type as
// C's assignment converts, then written where the target lives: memory, the Wasm local or
// global that holds it (the other bytes of that local kept), or the bits of a bit field.

extension CEvaluator {
    func assign(_ value: SourceValue, to destination: SourceValue) throws -> SourceValue {
        if let error = destination.readError { throw DebuggerError(error) }
        var target = destination
        if target.type.isReference { target = try referenced(target) }
        if target.optimizedOut { throw DebuggerError("value has been optimized out") }
        var converted: SourceValue
        if target.type.isStructLike || target.type.isArray {
            let v = try rvalue(value)
            guard v.type.sizeInBytes == target.type.sizeInBytes, v.type.core.kind == target.type.core.kind else {
                throw DebuggerError("Invalid cast.")
            }
            converted = v
        } else if target.type.isPointer {
            converted = try cast(value, to: target.type)
        } else if target.type.isScalar {
            converted = try convert(decayed(rvalue(value)), to: target.type)
        } else {
            throw DebuggerError("Invalid cast.")
        }
        converted.type = target.type
        converted.lvalue = target.lvalue
        converted.bitField = target.bitField
        if let field = target.bitField {
            // What the field reads back: the bits that fit, sign-extended for a signed field.
            var bits = converted.integerBits
            if field.bitSize < 64 {
                bits &= (UInt64(1) << UInt64(field.bitSize)) - 1
                if target.type.isSigned, bits >> UInt64(field.bitSize - 1) & 1 == 1 { bits |= ~((UInt64(1) << UInt64(field.bitSize)) - 1) }
            }
            converted.bytes = littleEndianBytes(bits, count: converted.bytes.count)
        }
        if avoidSideEffects { return converted }
        try session.write(converted, over: target)
        return converted
    }
}

extension DebugSession {
    /// Writes a value's bytes where `target` lives.
    func write(_ value: SourceValue, over target: SourceValue) throws {
        pristine = false
        if let field = target.bitField {
            let byteCount = (field.bitOffset + field.bitSize + 7) / 8
            var storage = try readLvalue(target.lvalue, count: byteCount)
            var word: UInt64 = 0
            for (i, b) in storage.prefix(8).enumerated() { word |= UInt64(b) << UInt64(8 * i) }
            let mask = (field.bitSize >= 64 ? UInt64.max : (UInt64(1) << UInt64(field.bitSize)) - 1) << UInt64(field.bitOffset)
            word = (word & ~mask) | ((value.integerBits << UInt64(field.bitOffset)) & mask)
            for i in 0..<min(byteCount, 8) { storage[i] = UInt8(truncatingIfNeeded: word >> UInt64(8 * i)) }
            try writeLvalue(target.lvalue, storage)
            return
        }
        try writeLvalue(target.lvalue, value.bytes)
    }

    private func readLvalue(_ lvalue: SourceLvalue, count: Int) throws -> [UInt8] {
        switch lvalue {
        case .memory(let address): return try readMemory(address, count: count)
        case .wasmLocal(let index, let offset):
            let bits = try localBits(index).bits
            return Array(littleEndianBytes(bits, count: 8).dropFirst(offset).prefix(count))
        case .wasmGlobal(let index, let offset):
            guard let v = debuggee?.global(Int(index)), let bits = rawBits(v) else { throw DebuggerError("no Wasm global \(index)") }
            return Array(littleEndianBytes(bits, count: 8).dropFirst(offset).prefix(count))
        case .none:
            throw DebuggerError("Left operand of assignment is not an lvalue.")
        }
    }

    private func writeLvalue(_ lvalue: SourceLvalue, _ bytes: [UInt8]) throws {
        switch lvalue {
        case .memory(let address):
            try writeMemory(address, bytes)
        case .wasmLocal(let index, let offset):
            let (old, bits) = try localBits(index)
            let updated = splice(bits, bytes, at: offset)
            guard let inv = inspected, let debuggee else { throw DebuggerError("No frame selected.") }
            do { try debuggee.setLocal(inv, frame: selectedFrame, index: Int(index), value: rebuilt(old, updated)) } catch {
                throw DebuggerError("cannot write Wasm local \(index): \(error)")
            }
        case .wasmGlobal(let index, let offset):
            guard let debuggee, let old = debuggee.global(Int(index)), let bits = rawBits(old) else { throw DebuggerError("no Wasm global \(index)") }
            do { try debuggee.setGlobal(Int(index), rebuilt(old, splice(bits, bytes, at: offset))) } catch {
                throw DebuggerError("cannot write Wasm global \(index): \(error)")
            }
        case .none:
            throw DebuggerError("Left operand of assignment is not an lvalue.")
        }
    }

    private func localBits(_ index: UInt32) throws -> (value: Value, bits: UInt64) {
        let locals = try frame().locals
        guard Int(index) < locals.count, let bits = rawBits(locals[Int(index)].value) else {
            throw DebuggerError("the frame has no Wasm local \(index)")
        }
        return (locals[Int(index)].value, bits)
    }

    private func splice(_ bits: UInt64, _ bytes: [UInt8], at offset: Int) -> UInt64 {
        var all = littleEndianBytes(bits, count: 8)
        for (i, b) in bytes.enumerated() where offset + i < 8 { all[offset + i] = b }
        return unsignedInteger(all)
    }

    /// A Wasm value of the same type as `old` with new bits.
    private func rebuilt(_ old: Value, _ bits: UInt64) -> Value {
        switch old {
        case .i32: return .i32(UInt32(truncatingIfNeeded: bits))
        case .f32: return .f32(UInt32(truncatingIfNeeded: bits))
        case .f64: return .f64(bits)
        default: return .i64(bits)
        }
    }
}

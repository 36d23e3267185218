import DebugInfo
import WasmVM

// Evaluates C expressions over source values in the selected frame: names, `*` and `&`,
// members (through pointers, anonymous members and base classes), subscripts, casts,
// `sizeof`, gdb's `@`; arithmetic is in CArithmetic.swift, assignment in SourceAssignment.swift.

final class CEvaluator {
    unowned let session: DebugSession
    let scope: SourceScope?
    let builtins: CBuiltins
    /// `sizeof` and `whatis` evaluate for the type only: no assignment may write.
    var avoidSideEffects = false

    init(session: DebugSession, scope: SourceScope?) {
        self.session = session
        self.scope = scope
        self.builtins = CBuiltins(cPlusPlus: scope?.isCPlusPlus ?? false)
    }

    var info: DebugInfo? { session.debugInfo }

    /// Whether a word names a type (for casts): never when a variable of that name is in scope.
    func isTypeName(_ word: String) -> Bool {
        if scope?.lookupOrder.contains(where: { $0.name == word }) ?? false { return false }
        return info?.type(named: word) != nil
    }

    func parse(_ text: String) throws -> CExpression {
        try CExpressionParser.parse(text, isTypeName: { [unowned self] in self.isTypeName($0) })
    }

    func evaluate(_ expression: CExpression) throws -> SourceValue {
        switch expression {
        case .integer(let value, let type):
            return integer(value, builtins.literal(type))
        case .floating(let value, let type):
            return floating(value, builtins.literal(type))
        case .string(let bytes):
            let type = DebugType.array(of: builtins.char, counts: [UInt64(bytes.count + 1)])
            return SourceValue(type: type, bytes: bytes + [0])
        case .identifier(let name):
            return try identifier(name)
        case .unary("*", let operand):
            return try dereference(try evaluate(operand))
        case .unary("&", let operand):
            return try addressOf(try evaluate(operand))
        case .unary(let op, let operand):
            return try unary(op, try evaluate(operand))
        case .binary("&&", let l, let r):
            guard try isTrue(try evaluate(l)) else { return truth(false) }
            return truth(try isTrue(try evaluate(r)))
        case .binary("||", let l, let r):
            if try isTrue(try evaluate(l)) { return truth(true) }
            return truth(try isTrue(try evaluate(r)))
        case .binary("@", let l, let r):
            return try artificialArray(try evaluate(l), count: try evaluate(r))
        case .binary(let op, let l, let r):
            return try binary(op, try evaluate(l), try evaluate(r))
        case .conditional(let c, let yes, let no):
            return try isTrue(try evaluate(c)) ? try evaluate(yes) : try evaluate(no)
        case .assign(let target, let source, let op):
            let lhs = try evaluate(target)
            var rhs = try evaluate(source)
            if let op { rhs = try binary(op, lhs, rhs) }
            return try assign(rhs, to: lhs)
        case .member(let base, let name, _):
            return try member(name, of: try evaluate(base))
        case .index(let base, let index):
            return try indexed(try evaluate(base), try evaluate(index))
        case .call(let callee, let arguments):
            return try call(try evaluate(callee), arguments: try arguments.map { try evaluate($0) })
        case .cast(let typeName, let operand):
            return try cast(try evaluate(operand), to: try resolveType(typeName))
        case .sizeofType(let typeName):
            return try sizeValue(try resolveType(typeName))
        case .sizeofExpression(let operand):
            avoidSideEffects = true
            defer { avoidSideEffects = false }
            return try sizeValue(try evaluate(operand).type)
        }
    }

    private func sizeValue(_ type: DebugType) throws -> SourceValue {
        if type.isVoid { return integer(1, builtins.int) }
        guard type.sizeInBytes > 0 || type.isStructLike else { throw DebuggerError("Attempt to use a type name as an expression") }
        return integer(type.sizeInBytes, builtins.int)
    }

    // MARK: names

    func identifier(_ name: String) throws -> SourceValue {
        switch session.resolveName(name, scope: scope) {
        case .variable(let v, let context)?:
            return try session.sourceValue(of: v, in: context)
        case .enumerator(let type, let value)?:
            return integer(UInt64(bitPattern: value), type)
        case .function(let f)?:
            return try functionValue(f)
        case nil:
            // C++: a member of `this` by its bare name.
            if let scope, scope.lookupOrder.contains(where: { $0.name == "this" }), name != "this",
               let this = try? identifier("this"), let value = try? member(name, of: this) {
                return value
            }
            throw DebuggerError("No symbol \"\(name)\" in current context.")
        }
    }

    /// A function as a value: its type, and its table slot as the bits a pointer to it holds.
    func functionValue(_ f: FunctionInfo) throws -> SourceValue {
        guard let type = info?.type(of: f) else { throw DebuggerError("No type information for function \"\(f.name)\".") }
        let slot = session.tableIndex(of: f) ?? UInt64(f.lowPC)
        var value = SourceValue(type: type, bytes: littleEndianBytes(slot, count: 4))
        value.function = f
        return value
    }

    /// A type name as a cast or `sizeof` spells it.
    func resolveType(_ name: CTypeName) throws -> DebugType {
        var type: DebugType?
        if let builtin = builtins.named(name.base), let known = info?.type(named: name.base) ?? Optional(builtin) {
            type = known
        } else {
            type = info?.type(named: name.base)
        }
        guard var resolved = type else { throw DebuggerError("No symbol \"\(name.base.split(separator: " ").last ?? "")\" in current context.") }
        if resolved.core.kind == .unspecified && name.base == "void" && name.pointers > 0 {
            // `void *`: a pointer with no pointee type.
            resolved = DebugType.pointer(to: nil)
            for _ in 1..<name.pointers { resolved = DebugType.pointer(to: resolved) }
        } else {
            for _ in 0..<min(name.pointers, 64) { resolved = DebugType.pointer(to: resolved) }
        }
        if let count = name.arrayCount { resolved = DebugType.array(of: resolved, counts: [count]) }
        return resolved
    }

    // MARK: values in expressions

    /// A value an operator can use: references followed, optimized-out values refused.
    func rvalue(_ value: SourceValue) throws -> SourceValue {
        if let error = value.readError { throw DebuggerError(error) }
        var v = value
        if v.type.isReference { v = try referenced(v) }
        if v.optimizedOut || !v.unavailable.isEmpty { throw DebuggerError("value has been optimized out") }
        return v
    }

    /// The object a C++ reference refers to.
    func referenced(_ reference: SourceValue) throws -> SourceValue {
        guard let target = reference.type.pointee else { throw DebuggerError("Attempt to take contents of a non-pointer value.") }
        return try session.sourceValue(atAddress: reference.integerBits & 0xffff_ffff, type: target)
    }

    /// Arrays become pointers to their first element, functions pointers to themselves.
    func decayed(_ value: SourceValue) throws -> SourceValue {
        if value.type.isArray {
            guard let address = value.address else { throw DebuggerError("Attempt to take address of value not located in memory.") }
            return pointer(DebugType.pointer(to: value.type.elementType), address)
        }
        if value.type.isFunction {
            return SourceValue(type: DebugType.pointer(to: value.type), bytes: fitted(value.bytes, 4))
        }
        return value
    }

    func dereference(_ value: SourceValue) throws -> SourceValue {
        let v = try rvalue(value)
        let type = v.type
        if type.isArray {
            guard let element = type.elementType else { throw DebuggerError("Attempt to take contents of a non-pointer value.") }
            return try subscriptArray(v, index: 0, element: element)
        }
        if type.isFunction { return v }
        if type.isPointer {
            guard let target = type.pointee, !target.isVoid else {
                throw DebuggerError("Attempt to take contents of a non-pointer value.")
            }
            let address = v.integerBits & 0xffff_ffff
            if target.isFunction {
                // `*&f`: the function the pointer was made from, in the table or not.
                if let f = v.function { return try functionValue(f) }
                guard let f = session.function(atTableIndex: address) else {
                    throw DebuggerError("Cannot access memory at address \(hexAddress(address))")
                }
                return try functionValue(f)
            }
            return try session.sourceValue(atAddress: address, type: target)
        }
        if type.isIntegral && !type.isBool {
            // gdb lets `*` read an int at an integer address.
            return try session.sourceValue(atAddress: v.integerBits & 0xffff_ffff, type: builtins.int)
        }
        throw DebuggerError("Attempt to take contents of a non-pointer value.")
    }

    func addressOf(_ value: SourceValue) throws -> SourceValue {
        if value.type.isFunction, value.function != nil {
            var pointer = SourceValue(type: DebugType.pointer(to: value.type), bytes: fitted(value.bytes, 4))
            pointer.function = value.function
            return pointer
        }
        if value.type.isReference {
            let target = try referenced(value)
            return pointer(DebugType.pointer(to: target.type), value.integerBits)
        }
        guard let address = value.address else {
            if value.bitField != nil { throw DebuggerError("Attempt to take address of value not located in memory.") }
            throw DebuggerError("Attempt to take address of value not located in memory.")
        }
        return pointer(DebugType.pointer(to: value.type), address)
    }

    /// gdb's `x@n`: `n` objects like `x` from its address on.
    func artificialArray(_ first: SourceValue, count: SourceValue) throws -> SourceValue {
        let n = try rvalue(count)
        guard n.type.isIntegral else { throw DebuggerError("Invalid number of elements.") }
        let elements = Int64(bitPattern: n.integerBits)
        guard elements > 0 else { throw DebuggerError("Only values in memory can be extended with '@'.") }
        guard let address = first.address else { throw DebuggerError("Only values in memory can be extended with '@'.") }
        return try session.sourceValue(atAddress: address, type: DebugType.array(of: first.type, counts: [UInt64(elements)]))
    }

    // MARK: members and subscripts

    func member(_ name: String, of base: SourceValue) throws -> SourceValue {
        var v = try rvalue(base)
        // `.` and `->` both follow pointers, as gdb lets them.
        for _ in 0..<8 where v.type.isPointer {
            v = try dereference(v)
        }
        guard v.type.isStructLike else {
            throw DebuggerError("Attempt to extract a component of a value that is not a structure\(base.type.isPointer ? " pointer" : "").")
        }
        // A Rust enum: the members are those of the variant the value holds (`circle.radius`).
        let isEnum = v.type.core.variantPart != nil
        if isEnum {
            guard let payload = try activeVariantPayload(of: v) else { throw DebuggerError("There is no member named \(name).") }
            v = payload
        }
        guard let path = memberPath(name, in: v.type.core, depth: 0) else {
            if v.type.isRust { throw rustMissingField(name, in: v.type.core, variant: isEnum) }
            throw DebuggerError("There is no member named \(name).")
        }
        var current = v
        for m in path { current = try component(m, of: current) }
        return current
    }

    /// gdb's words for a Rust field that is not there (`__1` is the tuple field `.1`).
    private func rustMissingField(_ name: String, in type: DebugType, variant: Bool) -> DebuggerError {
        let fields = type.members.filter { !$0.isStatic }
        let isTupleName = { (n: String?) -> Bool in
            guard let n, n.hasPrefix("__"), n.count > 2 else { return false }
            return n.dropFirst(2).allSatisfy(\.isNumber)
        }
        let tupleLike = !fields.isEmpty && fields.allSatisfy { isTupleName($0.name) }
        let shown = type.qualifiedName ?? type.name ?? "?"
        if isTupleName(name) {
            let index = name.dropFirst(2)
            guard variant else {
                return DebuggerError("Anonymous field access is only allowed on tuples, tuple structs, and tuple-like enum variants")
            }
            if !fields.isEmpty && !tupleLike { return DebuggerError("Variant \(shown) is not a tuple variant") }
            return DebuggerError("Cannot access field \(index) of variant \(shown), there are only \(fields.count) fields")
        }
        guard variant else { return DebuggerError("There is no member named \(name).") }
        if tupleLike {
            return DebuggerError("Attempting to access named field \(name) of tuple variant \(shown), which has only anonymous fields")
        }
        return DebuggerError("Could not find field \(name) of struct variant \(shown)")
    }

    /// The payload of the variant a Rust enum value holds (a struct named after the variant),
    /// nil when the discriminant matches no variant. The discriminant member is read at its
    /// own width and compared at that width: a niche tag (`Option<&T>`'s null pointer, a
    /// bool's spare value 2) is read from the field it shares, and a signed tag's value may be
    /// written sign-extended or not.
    func activeVariantPayload(of value: SourceValue) throws -> SourceValue? {
        guard let part = value.type.core.variantPart else { return nil }
        var chosen: Variant?
        if let discriminant = part.discriminant {
            let d = try component(discriminant, of: value)
            let width = min(max(d.bytes.count, 1), 8)
            let mask: UInt64 = width >= 8 ? .max : (UInt64(1) << UInt64(width * 8)) - 1
            let tag = unsignedInteger(d.bytes) & mask
            chosen = part.variants.first { $0.discriminantValue.map { $0 & mask } == tag }
                ?? part.variants.first { $0.discriminantValue == nil }
        } else {
            chosen = part.variants.first
        }
        guard let payload = chosen?.members.first, payload.type != nil else { return nil }
        return try component(payload, of: value)
    }

    /// The chain of members leading to `name`: through anonymous structs and unions and base
    /// classes (depth-limited: a struct that contains itself in corrupt DWARF ends here).
    func memberPath(_ name: String, in type: DebugType, depth: Int) -> [Member]? {
        guard depth < 16 else { return nil }
        for m in type.members where !m.isStatic && m.name == name { return [m] }
        for m in type.members where !m.isStatic && (m.name == nil || m.isBaseClass) {
            if let inner = m.type?.core, inner.isStructLike, let rest = memberPath(name, in: inner, depth: depth + 1) {
                return [m] + rest
            }
        }
        return nil
    }

    /// A member of a struct value: its bytes, and its place (a bit field's bits extracted).
    func component(_ m: Member, of value: SourceValue) throws -> SourceValue {
        guard let type = m.type else { throw DebuggerError("There is no member named \(m.name ?? "").") }
        let size = Int(try session.checkedSize(of: type))
        if let bitSize = m.bitSize, bitSize > 0 {
            let bitOffset = Int(m.bitOffset ?? (m.byteOffset ?? 0) * 8)
            let firstByte = bitOffset / 8, shift = bitOffset % 8
            let width = Int(min(bitSize, 64))
            let byteCount = (shift + width + 7) / 8
            guard firstByte + byteCount <= value.bytes.count else { throw DebuggerError("bit field \(m.name ?? "") lies outside its struct") }
            var raw: UInt64 = 0
            for (i, byte) in value.bytes[firstByte..<firstByte + min(byteCount, 8)].enumerated() { raw |= UInt64(byte) << UInt64(8 * i) }
            raw >>= UInt64(shift)
            if width < 64 {
                raw &= (UInt64(1) << UInt64(width)) - 1
                if type.isSigned, raw >> UInt64(width - 1) & 1 == 1 { raw |= ~((UInt64(1) << UInt64(width)) - 1) }
            }
            var result = SourceValue(type: type, bytes: littleEndianBytes(raw, count: size))
            result.lvalue = shifted(value.lvalue, by: firstByte)
            result.bitField = SourceBitField(bitOffset: shift, bitSize: width)
            result.optimizedOut = value.isUnavailable(firstByte..<firstByte + byteCount)
            return result
        }
        let offset = Int(m.byteOffset ?? 0)
        return try slice(value, offset: offset, size: size, type: type)
    }

    /// Bytes [offset, offset+size) of a value as a value of `type`; past the end of a value in
    /// memory they are read from memory (gdb indexes arrays out of bounds).
    func slice(_ value: SourceValue, offset: Int, size: Int, type: DebugType) throws -> SourceValue {
        if offset >= 0, offset + size <= value.bytes.count {
            var result = SourceValue(type: type, bytes: Array(value.bytes[offset..<offset + size]), lvalue: shifted(value.lvalue, by: offset))
            result.optimizedOut = value.optimizedOut
            result.unavailable = value.unavailable.compactMap { r in
                let lo = max(r.lowerBound, offset) - offset, hi = min(r.upperBound, offset + size) - offset
                return lo < hi ? lo..<hi : nil
            }
            if !result.unavailable.isEmpty && result.unavailable.reduce(0, { $0 + $1.count }) >= size { result.optimizedOut = true; result.unavailable = [] }
            return result
        }
        if let address = value.address {
            return try session.sourceValue(atAddress: UInt64(bitPattern: Int64(bitPattern: address) &+ Int64(offset)) & 0xffff_ffff, type: type)
        }
        throw DebuggerError("no such vector element")
    }

    private func shifted(_ lvalue: SourceLvalue, by offset: Int) -> SourceLvalue {
        switch lvalue {
        case .memory(let a): return .memory(address: UInt64(bitPattern: Int64(bitPattern: a) &+ Int64(offset)))
        case .wasmLocal(let i, let o): return .wasmLocal(index: i, byteOffset: o + offset)
        case .wasmGlobal(let i, let o): return .wasmGlobal(index: i, byteOffset: o + offset)
        case .none: return .none
        }
    }

    func indexed(_ base: SourceValue, _ index: SourceValue) throws -> SourceValue {
        let b = try rvalue(base)
        let i = try rvalue(index)
        guard i.type.isIntegral else { throw DebuggerError("Argument to arithmetic operation not a number or boolean.") }
        let n = i.type.isSigned ? Int64(bitPattern: i.integerBits) : Int64(clamping: i.integerBits)
        if b.type.isArray, let element = b.type.elementType {
            let lower = b.type.core.dimensions.first?.lowerBound ?? 0
            return try subscriptArray(b, index: n &- lower, element: element)
        }
        if b.type.isPointer {
            return try dereference(try binary("+", b, i))
        }
        if let slice = try rustSliceElement(b, index: n) { return slice }
        throw DebuggerError("cannot subscript something of type `\(typeName(b.type))'")
    }

    func subscriptArray(_ array: SourceValue, index: Int64, element: DebugType) throws -> SourceValue {
        let size = Int64(try session.checkedSize(of: element))
        let (offset, overflow) = index.multipliedReportingOverflow(by: size)
        guard !overflow, offset > Int64(Int32.min), offset < Int64(Int32.max) else { throw DebuggerError("no such vector element") }
        return try slice(array, offset: Int(offset), size: Int(size), type: element)
    }

    /// Rust's `&[T]` and `&str` are structs of `data_ptr` and `length`: `s[i]` indexes the data.
    private func rustSliceElement(_ value: SourceValue, index: Int64) throws -> SourceValue? {
        guard value.type.isRust, value.type.isStructLike,
              let dataMember = value.type.core.members.first(where: { $0.name == "data_ptr" }),
              let lengthMember = value.type.core.members.first(where: { $0.name == "length" }) else { return nil }
        let data = try component(dataMember, of: value), length = try component(lengthMember, of: value)
        guard index >= 0, UInt64(index) < length.integerBits else {
            throw DebuggerError("Index \(index) is out of bounds (length \(length.integerBits)).")
        }
        return try dereference(try binary("+", data, integer(UInt64(index), builtins.int)))
    }

    // MARK: casts

    func cast(_ value: SourceValue, to type: DebugType) throws -> SourceValue {
        let target = type.core
        if target.isVoid || target.kind == .unspecified { return SourceValue(type: type, bytes: []) }
        if target.kind == .pointer {
            let v = try decayed(rvalue(value))
            guard v.type.isPointer || v.type.isIntegral else { throw DebuggerError("Invalid cast.") }
            return pointer(type, v.integerBits)
        }
        if target.isIntegral || target.isFloating {
            var converted = try convert(decayed(rvalue(value)), to: target)
            converted.type = type
            return converted
        }
        if target.isStructLike || target.kind == .array {
            let v = try rvalue(value)
            guard v.type.sizeInBytes == target.sizeInBytes, v.type.core.kind == target.kind else { throw DebuggerError("Invalid cast.") }
            var result = v
            result.type = type
            return result
        }
        throw DebuggerError("Invalid cast.")
    }
}

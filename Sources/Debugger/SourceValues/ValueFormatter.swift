#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DebugInfo

// gdb's value printing for C and C++ (Rust: RustFormatting.swift): scalars, characters,
// strings with gdb's repeat blocks and 200-element limit, arrays, structs, unions, enums
// (flag enums too), pointers with the symbol they point into, functions, references.

/// gdb's `print` formats: `/x /d /u /o /t /c /a /s /f /z`.
public enum SourcePrintFormat: Character, Sendable {
    case hex = "x", decimal = "d", unsigned = "u", octal = "o", binary = "t", character = "c"
    case address = "a", string = "s", float = "f", zeroHex = "z"
}

/// Runs of more than this many equal elements print as one `<repeats N times>` (gdb's default).
let repeatThreshold = 10
/// Elements (and string characters) printed before `...` (gdb's `print elements`).
let printElementLimit = 200
/// Nesting of structs, unions and arrays printed before `{...}` (gdb's `print max-depth`).
let printMaximumDepth = 20

final class SourceValueFormatter {
    unowned let session: DebugSession
    let format: SourcePrintFormat?

    init(session: DebugSession, format: SourcePrintFormat?) {
        self.session = session
        self.format = format
    }

    /// Data symbols (globals and statics in memory), sorted by address, for `<name+off>`.
    lazy var dataSymbols: [(address: UInt64, size: UInt64, name: String)] = {
        guard let info = session.debugInfo else { return [] }
        let context = session.staticContext()
        var result: [(UInt64, UInt64, String)] = []
        for v in info.globalVariables(named: nil) {
            guard let location = v.location, case .memory(let address)? = try? info.evaluate(location, frame: context) else { continue }
            result.append((address, v.type?.sizeInBytes ?? 0, v.name))
        }
        return result.sorted { $0.0 < $1.0 }
    }()

    /// `print`'s text for a value: at the top level a pointer shows its type first.
    func top(_ value: SourceValue) -> String {
        if value.type.isRust { return rustTop(value) }
        if let error = value.readError { return "<error: \(error)>" }
        if value.optimizedOut { return "<optimized out>" }
        let type = value.type
        if type.isReference {
            return "(\(typeName(type))) " + reference(value, depth: 0)
        }
        if format == nil, type.core.kind == .pointer, !isPlainCharPointer(type) {
            return "(\(typeName(type))) " + text(value, depth: 0)
        }
        return text(value, depth: 0)
    }

    /// gdb leaves the type off `char *` (the string shows it) but not off `unsigned char *`
    /// or a typedef of a pointer.
    private func isPlainCharPointer(_ type: DebugType) -> Bool {
        guard type.kind == .pointer, var target = type.target else { return false }
        for _ in 0..<8 where [.const, .volatile].contains(target.kind) {
            guard let next = target.target else { break }
            target = next
        }
        return target.name == "char"
    }

    /// A value inside another (or in `info locals`): no type prefix.
    func text(_ value: SourceValue, depth: Int) -> String {
        if value.type.isRust { return rustText(value, depth: depth) }
        if let error = value.readError { return "<error reading variable: \(error)>" }
        if value.optimizedOut { return "<optimized out>" }
        let core = value.type.core
        switch core.kind {
        case .structure, .classType, .union:
            guard depth < printMaximumDepth else { return "{...}" }
            return structure(value, core: core, depth: depth)
        case .array:
            guard depth < printMaximumDepth else { return "{...}" }
            return array(value, core: core, depth: depth, open: "{", close: "}")
        case .reference, .rvalueReference:
            return reference(value, depth: depth)
        case .subroutine:
            let address = value.function.map { UInt64($0.lowPC) } ?? unsignedInteger(value.bytes)
            let name = value.function.map { " <\($0.name)>" } ?? ""
            return "{\(typeName(value.type))} \(hexAddress(address))\(name)"
        default:
            if !value.unavailable.isEmpty { return "<optimized out>" }
            return scalar(value)
        }
    }

    private func reference(_ value: SourceValue, depth: Int) -> String {
        let address = unsignedInteger(value.bytes) & 0xffff_ffff
        guard let target = value.type.pointee else { return "@\(hexAddress(address))" }
        let referent: String
        do { referent = text(try session.sourceValue(atAddress: address, type: target), depth: depth) } catch {
            return "<error reading variable>"
        }
        return "@\(hexAddress(address)): " + referent
    }

    // MARK: structs

    private func structure(_ value: SourceValue, core: DebugType, depth: Int) -> String {
        let members = core.members.filter { !$0.isStatic }
        if members.isEmpty { return "{<No data fields>}" }
        let evaluator = CEvaluator(session: session, scope: nil)
        var parts: [String] = []
        for m in members {
            let field: String
            do { field = text(try evaluator.component(m, of: value), depth: depth + 1) } catch {
                field = "<error: \(error)>"
            }
            if m.isBaseClass { parts.append("<\(m.type.map(typeName) ?? "?")> = " + field) }
            else if let name = m.name { parts.append("\(name) = " + field) }
            else { parts.append(field) }
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    // MARK: arrays

    func array(_ value: SourceValue, core: DebugType, depth: Int, open: String, close: String) -> String {
        guard let element = value.type.elementType else { return open + close }
        let size = Int(element.sizeInBytes)
        let count = size > 0 ? min(Int(value.type.elementCount ?? 0), value.bytes.count / size) : 0
        if element.isCharacter || (format == .string && element.isOneByteInteger), format == nil || format == .string,
           value.unavailable.isEmpty {
            return quotedString(Array(value.bytes.prefix(count)), forceEllipses: false)
        }
        if count == 0 { return open + close }
        let evaluator = CEvaluator(session: session, scope: nil)
        var parts: [String] = []
        var i = 0
        var printed = 0
        while i < count && printed < printElementLimit {
            var run = 1
            let bytes = value.bytes[i * size..<(i + 1) * size]
            while i + run < count && value.bytes[(i + run) * size..<(i + run + 1) * size] == bytes { run += 1 }
            let item: String
            if let e = try? evaluator.slice(value, offset: i * size, size: size, type: element) {
                item = text(e, depth: depth + 1)
            } else { item = "<error>" }
            if run > repeatThreshold {
                parts.append(item + " <repeats \(run) times>")
                i += run
                printed += repeatThreshold
            } else {
                parts.append(item)
                i += 1
                printed += 1
            }
        }
        return open + parts.joined(separator: ", ") + (i < count ? "..." : "") + close
    }

    // MARK: scalars

    func scalar(_ value: SourceValue) -> String {
        let type = value.type
        if let format, format != .string { return formatted(value, format) }
        if type.isPointer { return pointerText(value) }
        if type.isEnum { return enumText(value) }
        if type.isBool {
            let v = value.integerBits
            return v == 0 ? "false" : v == 1 ? "true" : String(v)
        }
        if type.isFloating { return floatText(value) }
        if type.isIntegral {
            let number = type.isSigned ? String(Int64(bitPattern: value.integerBits)) : String(value.integerBits)
            if type.isCharacter { return number + " " + characterLiteral(UInt8(truncatingIfNeeded: value.integerBits)) }
            return number
        }
        if type.core.kind == .unspecified { return value.bytes.isEmpty ? "void" : hexAddress(unsignedInteger(value.bytes)) }
        return hexBytes(value.bytes)
    }

    private func hexBytes(_ bytes: [UInt8]) -> String {
        "0x" + bytes.reversed().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    func pointerText(_ value: SourceValue) -> String {
        let address = unsignedInteger(value.bytes) & 0xffff_ffff
        var text = hexAddress(address)
        if let target = value.type.pointee, target.isFunction {
            if let f = session.function(atTableIndex: address) { text += " <\(f.name)>" }
            return text
        }
        if address != 0, let symbol = symbol(at: address) { text += " <\(symbol)>" }
        if let target = value.type.pointee, target.isCharacter, address != 0 {
            text += " " + memoryString(at: address)
        }
        return text
    }

    /// `<name>` or `<name+off>` for an address inside a global.
    func symbol(at address: UInt64) -> String? {
        var best: (address: UInt64, size: UInt64, name: String)?
        for s in dataSymbols where s.address <= address {
            if address < s.address &+ max(s.size, 1) { best = s }
        }
        guard let best else { return nil }
        return address == best.address ? best.name : "\(best.name)+\(address - best.address)"
    }

    /// A NUL-terminated string in memory, at most 200 characters, as gdb's `val_print_string`.
    func memoryString(at address: UInt64) -> String {
        var bytes: [UInt8] = []
        var next = address
        var failed = false
        while bytes.count < printElementLimit {
            guard let byte = try? session.readMemory(next, count: 1).first else { failed = true; break }
            bytes.append(byte)
            next += 1
            if byte == 0 { break }
        }
        if failed && bytes.isEmpty { return "<error: Cannot access memory at address \(hexAddress(address))>" }
        var force = false
        if !failed, bytes.count == printElementLimit, bytes.last != 0,
           let peek = try? session.readMemory(next, count: 1).first, peek != 0 { force = true }
        var text = quotedString(bytes, forceEllipses: force)
        if failed { text += "<error: Cannot access memory at address \(hexAddress(next))>" }
        return text
    }

    private func enumText(_ value: SourceValue) -> String {
        let core = value.type.core
        let v = Int64(bitPattern: value.integerBits)
        if let e = core.enumerators.first(where: { $0.value == v }) { return e.name }
        // gdb's flag enums: every enumerator non-negative, one bit at most, no two overlapping.
        var mask: Int64 = 0
        var isFlagEnum = true
        for e in core.enumerators {
            if e.value < 0 || e.value.nonzeroBitCount > 1 || mask & e.value != 0 { isFlagEnum = false; break }
            mask |= e.value
        }
        guard isFlagEnum, v >= 0 else { return String(v) }
        var rest = UInt64(bitPattern: v)
        var names: [String] = []
        for e in core.enumerators where e.value != 0 && rest & UInt64(e.value) == UInt64(e.value) {
            names.append(e.name)
            rest &= ~UInt64(e.value)
        }
        if rest != 0 { names.append("unknown: 0x" + String(rest, radix: 16)) }
        if names.isEmpty { return "0" }
        return "(" + names.joined(separator: " | ") + ")"
    }

    func floatText(_ value: SourceValue) -> String {
        switch value.bytes.count {
        case 4: return formatFloat(Double(Float(bitPattern: UInt32(truncatingIfNeeded: unsignedInteger(value.bytes)))), digits: 9,
                                   nanPayload: unsignedInteger(value.bytes) & 0x7f_ffff, negative: value.bytes[3] & 0x80 != 0)
        case 8: return formatFloat(Double(bitPattern: unsignedInteger(value.bytes)), digits: 17,
                                   nanPayload: unsignedInteger(value.bytes) & 0xf_ffff_ffff_ffff, negative: value.bytes[7] & 0x80 != 0)
        case 16: return formatFloat(quadToDouble(value.bytes), digits: 36, nanPayload: 0, negative: value.bytes[15] & 0x80 != 0)
        default: return hexBytes(value.bytes)
        }
    }
}

/// `%.Ng` as gdb prints floats (9 digits for float, 17 for double), `inf`, `nan(0x...)`.
func formatFloat(_ value: Double, digits: Int, nanPayload: UInt64, negative: Bool) -> String {
    if value.isNaN { return (negative ? "-" : "") + "nan(0x" + String(nanPayload, radix: 16) + ")" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    var buffer = [CChar](repeating: 0, count: 64)
    let count = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%.\(min(digits, 40))g", $0) }
    guard count > 0 else { return String(value) }
    return String(decoding: buffer.prefix(Int(min(count, 63))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// A character as C spells it in quotes: `'A'`, `'\n'`, `'\000'`, `'\''`.
func characterLiteral(_ byte: UInt8) -> String {
    "'" + escaped(byte, quote: "'") + "'"
}

/// One byte inside quotes: C's named escapes, the quote and backslash escaped, other
/// unprintable bytes (and bytes past ASCII) as three octal digits.
func escaped(_ byte: UInt8, quote: Character) -> String {
    switch byte {
    case 7: return "\\a"
    case 8: return "\\b"
    case 12: return "\\f"
    case 10: return "\\n"
    case 13: return "\\r"
    case 9: return "\\t"
    case 11: return "\\v"
    case 0x20...0x7e:
        let c = Character(Unicode.Scalar(byte))
        return c == quote || c == "\\" ? "\\" + String(c) : String(c)
    default:
        let octal = String(byte, radix: 8)
        return "\\" + String(repeating: "0", count: max(0, 3 - octal.count)) + octal
    }
}

/// gdb's string printer: runs of more than 10 equal characters become `'c' <repeats N times>`
/// blocks between quoted segments, a trailing NUL is dropped, and after 200 characters
/// (counting whole runs) the rest is cut with `...`.
func quotedString(_ input: [UInt8], forceEllipses: Bool) -> String {
    var length = input.count
    if !forceEllipses, length > 0, input[length - 1] == 0 { length -= 1 }
    if length == 0 { return "\"\"" }
    var runs: [(byte: UInt8, count: Int)] = []
    var position = 0
    var counted = 0
    while counted < printElementLimit && position < length {
        var run = 1
        while position + run < length && input[position + run] == input[position] { run += 1 }
        runs.append((input[position], run))
        position += run
        counted += run
    }
    let finished = position >= length
    var out = ""
    var inString = false
    for (index, run) in runs.enumerated() {
        if run.count > repeatThreshold {
            if inString { out += "\""; inString = false }
            if index > 0 { out += ", " }
            out += "'" + escaped(run.byte, quote: "\"") + "' <repeats \(run.count) times>"
        } else {
            if !inString {
                if index > 0 { out += ", " }
                out += "\""
                inString = true
            }
            out += String(repeating: escaped(run.byte, quote: "\""), count: run.count)
        }
    }
    if inString { out += "\"" }
    if forceEllipses || !finished { out += "..." }
    return out
}

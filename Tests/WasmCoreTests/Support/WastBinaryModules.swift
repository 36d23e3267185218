import Testing
import Foundation

/// One `(module binary "...")` (or `(module $id binary ...)`) found in a spec test script,
/// with the command that wraps it.
struct WastBinaryModule: CustomStringConvertible {
    enum Kind: Equatable {
        /// A plain top-level module: must decode, validate and instantiate.
        case module
        case assertMalformed
        case assertInvalid
        case assertUnlinkable
        case assertTrap
        case assertUninstantiable
        case other(String)

        init(command: String) {
            switch command {
            case "module": self = .module
            case "assert_malformed": self = .assertMalformed
            case "assert_invalid": self = .assertInvalid
            case "assert_unlinkable": self = .assertUnlinkable
            case "assert_trap": self = .assertTrap
            case "assert_uninstantiable": self = .assertUninstantiable
            default: self = .other(command)
            }
        }
    }

    /// Path relative to the testsuite folder, e.g. `core/binary.wast`.
    let file: String
    /// Line of the `(module` token.
    let line: Int
    let kind: Kind
    /// The module's `$id`, if it has one.
    let name: String?
    let bytes: [UInt8]
    /// The message an assertion expects (`assert_malformed (module …) "TEXT"`).
    let expectedMessage: String?

    var description: String { "\(file):\(line)" }
}

enum WastBinaryModules {
    /// The spec testsuite, found by walking up from this file to a folder that holds
    /// `shared/testsuite` (the layout of /work/main and of every worktree beside it).
    static let testsuiteDirectory: URL? = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("shared/testsuite")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("core").path) {
                return candidate
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }()

    private static let cache: [WastBinaryModule]? = load(folder: "core")
    private static let wasm30Cache: [WastBinaryModule]? = load(folder: "proposals/wasm-3.0")

    /// Every binary module of `FOLDER/**/*.wast`.
    private static func load(folder: String) -> [WastBinaryModule]? {
        guard let root = testsuiteDirectory else { return nil }
        let base = root.appendingPathComponent(folder)
        guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { return nil }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative.hasSuffix(".wast") { files.append(relative) }
        }
        var result: [WastBinaryModule] = []
        for relative in files.sorted() {
            guard let data = FileManager.default.contents(atPath: base.appendingPathComponent(relative).path) else { continue }
            result += modules(inScript: [UInt8](data), file: folder + "/" + relative)
        }
        return result
    }

    /// Every binary module of `core/**/*.wast`, or nil (with a printed note) when the
    /// testsuite is not there.
    static func all() -> [WastBinaryModule]? {
        if cache == nil { Issue.record("missing prerequisite: ../shared/testsuite not found (Scripts/setup.sh installs it)") }
        return cache
    }

    /// Every binary module of the WebAssembly 3.0 scripts (`proposals/wasm-3.0/**/*.wast`).
    static func wasm30() -> [WastBinaryModule]? {
        if wasm30Cache == nil { print("note: ../shared/testsuite/proposals/wasm-3.0 not found") }
        return wasm30Cache
    }

    /// The binary modules of one script's text.
    static func modules(inScript text: [UInt8], file: String) -> [WastBinaryModule] {
        let tokens = WastTokenizer.tokens(text)
        var result: [WastBinaryModule] = []
        var commands: [String] = []
        var i = 0
        while i < tokens.count {
            switch tokens[i].kind {
            case .open:
                let head = tokens.atom(at: i + 1) ?? ""
                if head == "module", let found = binaryModule(tokens, openAt: i, enclosing: commands.last, file: file) {
                    result.append(found.module)
                    i = found.next
                    continue
                }
                commands.append(head)
            case .close:
                _ = commands.popLast()
            case .atom, .string:
                break
            }
            i += 1
        }
        return result
    }

    /// Reads `(module [$id] binary "..."*)` starting at the `(`; nil if it is another module form.
    private static func binaryModule(_ tokens: [WastToken], openAt open: Int, enclosing: String?,
                                     file: String) -> (module: WastBinaryModule, next: Int)? {
        var j = open + 2
        var name: String? = nil
        if let atom = tokens.atom(at: j), atom.hasPrefix("$") {
            name = atom
            j += 1
        }
        guard tokens.atom(at: j) == "binary" else { return nil }
        j += 1
        var bytes: [UInt8] = []
        while j < tokens.count, case .string(let s) = tokens[j].kind {
            bytes += s
            j += 1
        }
        guard j < tokens.count, tokens[j].kind == .close else { return nil }
        j += 1
        var message: String? = nil
        if enclosing != nil, j < tokens.count, case .string(let s) = tokens[j].kind {
            message = String(decoding: s, as: UTF8.self)
        }
        let module = WastBinaryModule(file: file, line: tokens[open].line,
                                      kind: WastBinaryModule.Kind(command: enclosing ?? "module"),
                                      name: name, bytes: bytes, expectedMessage: message)
        return (module, j)
    }
}

struct WastToken: Equatable {
    enum Kind: Equatable {
        case open, close
        case atom(String)
        case string([UInt8])
    }

    let kind: Kind
    let line: Int
}

extension [WastToken] {
    func atom(at index: Int) -> String? {
        guard index < count, case .atom(let a) = self[index].kind else { return nil }
        return a
    }
}

/// Just enough of the WAST lexer to find binary modules: parentheses, atoms, strings (with
/// their escapes), line comments `;;` and nested block comments `(; ;)`.
enum WastTokenizer {
    static func tokens(_ text: [UInt8]) -> [WastToken] {
        var tokens: [WastToken] = []
        var i = 0
        var line = 1
        let n = text.count
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        while i < n {
            let c = text[i]
            if c == 0x0A { line += 1; i += 1; continue }
            if isSpace(c) { i += 1; continue }
            if c == UInt8(ascii: ";"), i + 1 < n, text[i + 1] == UInt8(ascii: ";") {
                while i < n && text[i] != 0x0A { i += 1 }
                continue
            }
            if c == UInt8(ascii: "("), i + 1 < n, text[i + 1] == UInt8(ascii: ";") {
                var depth = 0
                while i < n {
                    if text[i] == UInt8(ascii: "("), i + 1 < n, text[i + 1] == UInt8(ascii: ";") {
                        depth += 1; i += 2
                    } else if text[i] == UInt8(ascii: ";"), i + 1 < n, text[i + 1] == UInt8(ascii: ")") {
                        depth -= 1; i += 2
                        if depth == 0 { break }
                    } else {
                        if text[i] == 0x0A { line += 1 }
                        i += 1
                    }
                }
                continue
            }
            if c == UInt8(ascii: "(") { tokens.append(WastToken(kind: .open, line: line)); i += 1; continue }
            if c == UInt8(ascii: ")") { tokens.append(WastToken(kind: .close, line: line)); i += 1; continue }
            if c == UInt8(ascii: "\"") {
                let startLine = line
                var s: [UInt8] = []
                i += 1
                while i < n && text[i] != UInt8(ascii: "\"") {
                    if text[i] == UInt8(ascii: "\\"), i + 1 < n {
                        i += 1
                        let e = text[i]
                        switch e {
                        case UInt8(ascii: "n"): s.append(0x0A); i += 1
                        case UInt8(ascii: "t"): s.append(0x09); i += 1
                        case UInt8(ascii: "r"): s.append(0x0D); i += 1
                        case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): s.append(e); i += 1
                        case UInt8(ascii: "u"):
                            // \u{hex}: the code point in UTF-8.
                            var j = i + 2
                            var value: UInt32 = 0
                            while j < n && text[j] != UInt8(ascii: "}") {
                                value = value &* 16 &+ UInt32(hexValue(text[j]) ?? 0)
                                j += 1
                            }
                            if let scalar = Unicode.Scalar(value) { s += Array(String(Character(scalar)).utf8) }
                            i = j + 1
                        default:
                            if i + 1 < n, let hi = hexValue(e), let lo = hexValue(text[i + 1]) {
                                s.append(hi << 4 | lo)
                                i += 2
                            } else {
                                s.append(e); i += 1
                            }
                        }
                    } else {
                        if text[i] == 0x0A { line += 1 }
                        s.append(text[i])
                        i += 1
                    }
                }
                i += 1
                tokens.append(WastToken(kind: .string(s), line: startLine))
                continue
            }
            let start = i
            while i < n && !isSpace(text[i]) && text[i] != UInt8(ascii: "(") && text[i] != UInt8(ascii: ")")
                && text[i] != UInt8(ascii: "\"") {
                i += 1
            }
            tokens.append(WastToken(kind: .atom(String(decoding: text[start..<i], as: UTF8.self)), line: line))
        }
        return tokens
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

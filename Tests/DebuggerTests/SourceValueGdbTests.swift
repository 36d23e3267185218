import Foundation
import Testing
import DebugInfo
@testable import Debugger

/// wdb against gdb 13 on the same C program: the fixture sources built natively with
/// `gcc -g -O0`, both stopped at the same lines. Values whose types have the same size on
/// wasm32 and x86-64 must print identically; pointers differ, so the objects they point at
/// are compared instead (`*p`, a string's text, a function pointer's function); `long` and
/// friends are skipped. gdb and gcc missing makes the test fail (Scripts/setup.sh installs them).
@Suite(.serialized) struct SourceValueGdbTests {
    struct Stop {
        var source: String
        var text: String
        var hits: Int
    }

    static let stops = [
        Stop(source: "shapes.c", text: "if (shape->color == BLUE)", hits: 1),
        Stop(source: "shapes.c", text: "total += (dx < 0 ? -dx : dx)", hits: 3),
        Stop(source: "shapes.c", text: "result += value;", hits: 1),
        Stop(source: "shapes.c", text: "return 1 + list_length(head->next);", hits: 2),
        Stop(source: "primes.c", text: " count++;", hits: 4),
        Stop(source: "primes.c", text: "int described = describe(&shape);", hits: 1),
        Stop(source: "primes.c", text: "return total;", hits: 1),
        Stop(source: "primes.c", text: "return n * factorial(n - 1);", hits: 3),
    ]

    /// Globals every stop also compares.
    static let globals = ["prime_limit", "call_count", "banner", "matrix", "list_nodes", "greeting", "shape_calls"]

    enum Comparison {
        /// The texts must be equal.
        case exact(String)
        /// A `char *`: the text after the address (the string, and a symbol if any).
        case string(String)
        /// A function pointer: the `<name>` it shows.
        case function(String)
    }

    @Test func valuesMatchGdb() throws {
        let directory = try nativeBuild()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var compared = 0
        for stop in SourceValueGdbTests.stops {
            let session = try sessionStopped("c-O0-dwarf5.wasm", at: stop.source, containing: stop.text, hits: stop.hits)
            let variables = try session.sourceVariables(arguments: true) + session.sourceVariables(arguments: false)
            var comparisons: [Comparison] = []
            for v in variables { comparisons += self.comparisons(v.name, v.value.type, session: session, depth: 0) }
            for g in SourceValueGdbTests.globals {
                comparisons += self.comparisons(g, try session.evaluateSource(g).type, session: session, depth: 0)
            }
            let expressions = comparisons.map { c -> String in
                switch c { case .exact(let e), .string(let e), .function(let e): return e }
            }
            let line = try sourceLine(stop.source, containing: stop.text)
            let gdb = try gdbPrint(directory: directory, location: "\(stop.source):\(line)", hits: stop.hits, expressions: expressions)
            try #require(gdb.values.count == expressions.count, "gdb answered \(gdb.values.count) of \(expressions.count)")
            for (comparison, gdbText) in zip(comparisons, gdb.values) {
                let where_ = "\(stop.source):\(line)"
                switch comparison {
                case .exact(let e):
                    #expect(try session.printSource(e) == gdbText, "\(where_): print \(e)")
                case .string(let e):
                    let ours = try session.printSource(e)
                    // `0x400 "a box"` vs `0x555555556004 "a box"`: the text after the address.
                    #expect(ours.drop { $0 != " " } == gdbText.drop { $0 != " " }, "\(where_): print \(e): \(ours) vs \(gdbText)")
                case .function(let e):
                    let ours = try session.printSource(e)
                    #expect(ours.drop { $0 != "<" } == gdbText.drop { $0 != "<" }, "\(where_): print \(e): \(ours) vs \(gdbText)")
                }
                compared += 1
            }
            // `info locals` lists the same names in the same order.
            let ours = try session.sourceVariables(arguments: false).map(\.name)
            #expect(ours == gdb.localNames, "\(stop.source):\(line): info locals")
        }
        #expect(compared > 100)
    }

    /// What to print to compare `expression` of `type` between the two builds.
    func comparisons(_ expression: String, _ type: DebugType, session: DebugSession, depth: Int) -> [Comparison] {
        let core = type.core
        guard depth < 4 else { return [] }
        if core.kind == .pointer {
            guard let pointee = core.target else { return [] }
            if pointee.core.kind == .subroutine { return [.function(expression)] }
            if pointee.isCharacter { return [.string(expression)] }
            // A null pointer prints `(T *) 0x0` in both; otherwise compare what it points at.
            guard let value = try? session.evaluateSource(expression), value.integerBits != 0 else { return [.exact(expression)] }
            return comparisons("*(\(expression))", pointee, session: session, depth: depth + 1)
        }
        guard dependsOnTarget(type, depth: 0) else { return [.exact(expression)] }
        if core.isStructLike {
            return core.members.flatMap { m -> [Comparison] in
                guard let name = m.name, let t = m.type else { return [] }
                return comparisons("(\(expression)).\(name)", t, session: session, depth: depth)
            }
        }
        if core.kind == .array, let element = type.elementType, let count = type.elementCount {
            return (0..<min(count, 8)).flatMap { comparisons("(\(expression))[\($0)]", element, session: session, depth: depth) }
        }
        return []
    }

    /// Types whose size differs between wasm32 and x86-64 (pointers, `long`, `size_t`...).
    func dependsOnTarget(_ type: DebugType, depth: Int) -> Bool {
        guard depth < 8 else { return true }
        var t = type
        for _ in 0..<64 {
            if ["long", "unsigned long", "long int", "long unsigned int", "size_t", "ssize_t", "ptrdiff_t", "intptr_t", "uintptr_t", "long double"]
                .contains(t.name ?? "") { return true }
            guard [.typedef, .const, .volatile].contains(t.kind), let next = t.target else { break }
            t = next
        }
        switch t.kind {
        case .pointer, .reference, .rvalueReference: return true
        case .structure, .classType, .union: return t.members.contains { $0.type.map { dependsOnTarget($0, depth: depth + 1) } ?? false }
        case .array: return t.target.map { dependsOnTarget($0, depth: depth + 1) } ?? false
        default: return false
        }
    }

    // MARK: the native side

    /// Print formats on bit fields (negative ones too) and calls of guest functions with C's
    /// argument conversions and return types, struct results included (calls.c).
    @Test func formatsAndFunctionCallsMatchGdb() throws {
        let directory = try nativeBuild(sources: ["calls.c"], headers: [])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = "if (sum < 0)"
        let session = try sessionStopped("calls-O0.wasm", at: "calls.c", containing: text)
        let expressions: [(String, SourcePrintFormat?)] = [
            ("b", .hex), ("b.neg", .hex), ("b.neg", .binary), ("b.neg", .octal), ("b.neg", .zeroHex), ("b.neg", .decimal),
            ("b.neg", .unsigned), ("b.mode", .decimal), ("b", .binary), ("b", nil),
            ("square(d)", nil), ("add(d, 2) * 10", nil), ("half(d)", nil), ("half(3)", nil), ("make_pair(3, 4)", nil),
            ("widen(97, 2)", nil), ("widen('a', -2)", nil), ("add(1.9, 2)", nil), ("make_pair(1, 2).y", nil),
            ("(&add)(2, 3)", nil), ("add(d, add(1, 2))", nil), ("running_total(3) + square(2)", nil),
            ("sizeof(make_pair(1, 2))", nil), ("p", nil), ("sum", nil),
        ]
        let line = try sourceLine("calls.c", containing: text)
        let gdb = try gdbPrint(directory: directory, location: "calls.c:\(line)", hits: 1,
                               expressions: expressions.map { e, f in f.map { "/\($0.rawValue) \(e)" } ?? e })
        try #require(gdb.values.count == expressions.count)
        for ((expression, format), gdbText) in zip(expressions, gdb.values) {
            #expect(try session.printSource(expression, format: format) == gdbText, "print/\(format.map { String($0.rawValue) } ?? "") \(expression)")
        }
    }

    /// Builds primes.c + shapes.c (or `sources`) with gcc -g -O0 in a fresh directory.
    func nativeBuild(sources: [String] = ["primes.c", "shapes.c"], headers: [String] = ["shapes.h"]) throws -> String {
        let directory = NSTemporaryDirectory() + "wdb-gdb-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for file in sources + headers {
            try FileManager.default.copyItem(atPath: dwarfFixturePath(file), toPath: directory + "/" + file)
        }
        let result = try run("gcc", ["-g", "-O0", "-o", "native"] + sources, in: directory)
        guard result.status == 0 else {
            throw SourceFixtureError(description: "gcc failed (\(result.status)); Scripts/setup.sh installs it: \(result.errors)")
        }
        return directory
    }

    /// gdb's `print` answers (without `$N = `) and `info locals` names at a breakpoint.
    func gdbPrint(directory: String, location: String, hits: Int, expressions: [String]) throws -> (values: [String], localNames: [String]) {
        // No debuginfod (it would try the network), no pager, no line wrapping.
        var arguments = ["-nx", "-batch", "-ex", "set debuginfod enabled off", "-ex", "set pagination off", "-ex", "set width 0", "-ex", "break \(location)", "-ex", "run"]
        for _ in 1..<max(hits, 1) { arguments += ["-ex", "continue"] }
        arguments += ["-ex", "echo <<<locals>>>\\n", "-ex", "info locals"]
        for (i, e) in expressions.enumerated() { arguments += ["-ex", "echo <<<\(i)>>>\\n", "-ex", "print \(e)"] }
        arguments += ["-ex", "echo <<<end>>>\\n", "./native"]
        let result = try run("gdb", arguments, in: directory)
        guard result.status == 0, result.output.contains("<<<end>>>") else {
            throw SourceFixtureError(description: "gdb failed (\(result.status)); Scripts/setup.sh installs it: \(result.errors)")
        }
        var groups: [String: [String]] = [:]
        var current: String?
        for line in result.output.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("<<<"), line.hasSuffix(">>>") { current = String(line.dropFirst(3).dropLast(3)); groups[current ?? ""] = []; continue }
            if let current { groups[current, default: []].append(String(line)) }
        }
        let values = expressions.indices.map { i -> String in
            let text = groups["\(i)"]?.joined(separator: "\n") ?? ""
            guard let range = text.range(of: " = ") else { return "<gdb error>" }
            return String(text[range.upperBound...])
        }
        let names = (groups["locals"] ?? []).compactMap { line -> String? in
            guard let range = line.range(of: " = "), !line.hasPrefix(" ") else { return nil }
            return String(line[..<range.lowerBound])
        }
        return (values, names)
    }

    /// Runs a tool in `directory` with its output in files. Spawned directly with an empty
    /// signal mask and default handlers: the test runner's threads block signals (SIGCHLD
    /// among them), and a gdb that inherits that mask never learns that its inferior stopped.
    func run(_ tool: String, _ arguments: [String], in directory: String) throws -> (status: Int32, output: String, errors: String) {
        let outPath = directory + "/tool.out", errPath = directory + "/tool.err"
        let script = "cd \"$1\" || exit 126; out=$2; err=$3; shift 3; exec \"$@\" >\"$out\" 2>\"$err\" </dev/null"
        let argv = ["/bin/sh", "-c", script, "sh", directory, outPath, errPath, tool] + arguments
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for p in cArguments { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", nil, &attributes, &cArguments, environ)
        guard spawned == 0 else { throw SourceFixtureError(description: "cannot start \(tool): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return (exitStatus, output, errors)
    }
}

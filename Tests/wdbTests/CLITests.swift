import Foundation
import Testing

/// Runs the built `wdb` on good and bad input and checks exit status and messages.
@Suite struct CLITests {
    func write(_ bytes: [UInt8], _ name: String) throws -> URL {
        let url = try WdbTestSupport.temporaryDirectory().appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    @Test func validModuleValidates() throws {
        let file = try write(WdbTestSupport.tinyModule, "tiny.wasm")
        let result = try WdbTestSupport.wdb(["validate", file.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
    }

    @Test func fixturesValidate() throws {
        for name in WdbTestSupport.fixtureNames() {
            let result = try WdbTestSupport.wdb(["validate", WdbTestSupport.fixtures.appendingPathComponent("\(name).wasm").path])
            #expect(result.status == 0, "\(name): \(result.stderr)")
        }
    }

    @Test func badMagicIsReportedWithOffset() throws {
        let file = try write([0x00, 0x61, 0x73, 0x6E, 0x01, 0x00, 0x00, 0x00], "bad.wasm")
        for command in ["validate", "dump", "wasm2wat"] {
            let result = try WdbTestSupport.wdb([command, file.path])
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("\(file.path): error: "), "\(result.stderr)")
            #expect(result.stderr.contains("at offset 0x"), "\(result.stderr)")
        }
    }

    @Test func truncatedModuleIsReported() throws {
        let file = try write(Array(WdbTestSupport.tinyModule.dropLast(3)), "short.wasm")
        let result = try WdbTestSupport.wdb(["validate", file.path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("\(file.path): error: "), "\(result.stderr)")
        #expect(result.stderr.contains("at offset 0x"), "\(result.stderr)")
    }

    @Test func invalidModuleNamesThePosition() throws {
        // The tiny module with `i32.const 1` replaced by `i64.const 1`: the result type is wrong.
        var bytes = WdbTestSupport.tinyModule
        bytes[bytes.count - 3] = 0x42
        let file = try write(bytes, "invalid.wasm")
        let result = try WdbTestSupport.wdb(["validate", file.path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("\(file.path): error: type mismatch"), "\(result.stderr)")
        #expect(result.stderr.contains("func 0"), "\(result.stderr)")
        // Decoding alone does not validate: dump still works on it.
        #expect(try WdbTestSupport.wdb(["dump", file.path]).status == 0)
    }

    @Test func missingFileIsReported() throws {
        let path = "/nonexistent/wdb/missing.wasm"
        for command in [["validate"], ["dump"], ["dump", "-d"], ["wasm2wat"], ["wat2wasm"]] {
            let result = try WdbTestSupport.wdb(command + [path])
            #expect(result.status == 1)
            #expect(result.stderr == "\(path): error: cannot read file: No such file or directory\n")
        }
    }

    @Test func directoryIsReported() throws {
        let dir = try WdbTestSupport.temporaryDirectory()
        let result = try WdbTestSupport.wdb(["validate", dir.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not a regular file (a directory)"), "\(result.stderr)")
    }

    @Test func usageErrorsExitWithOne() throws {
        #expect(try WdbTestSupport.wdb(["no-such-command"]).status == 1)
        #expect(try WdbTestSupport.wdb(["validate"]).status == 1)
        let help = try WdbTestSupport.wdb(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("wasm2wat"))
    }

    @Test func watSyntaxErrorShowsLineColumnAndCaret() throws {
        let file = try WdbTestSupport.temporaryDirectory().appendingPathComponent("typo.wat")
        try "(module\n  (func (result i32)\n    i32.cosnt 1))\n".write(to: file, atomically: true, encoding: .utf8)
        for command in ["validate", "wat2wasm", "dump"] {
            let result = try WdbTestSupport.wdb([command, file.path])
            #expect(result.status == 1)
            let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.first?.hasPrefix("\(file.path):3:5: error:") == true, "\(result.stderr)")
            #expect(lines.count >= 3 && lines[1] == "    i32.cosnt 1))", "\(result.stderr)")
            #expect(lines.count >= 3 && lines[2].hasPrefix("    ^"), "\(result.stderr)")
        }
    }

    @Test func wat2wasmWritesTheBinary() throws {
        let dir = try WdbTestSupport.temporaryDirectory()
        let source = dir.appendingPathComponent("tiny.wat")
        try "(module (func (export \"f\") (result i32) i32.const 1))\n".write(to: source, atomically: true, encoding: .utf8)
        let result = try WdbTestSupport.wdb(["wat2wasm", source.path])
        #expect(result.status == 0, "\(result.stderr)")
        let output = dir.appendingPathComponent("tiny.wasm")
        #expect(try WdbTestSupport.bytes(output) == WdbTestSupport.tinyModule)
        let explicit = dir.appendingPathComponent("other.bin")
        #expect(try WdbTestSupport.wdb(["wat2wasm", source.path, "-o", explicit.path]).status == 0)
        #expect(try WdbTestSupport.bytes(explicit) == WdbTestSupport.tinyModule)
    }

    @Test func wasm2watPrintsText() throws {
        let file = try write(WdbTestSupport.tinyModule, "tiny.wasm")
        let result = try WdbTestSupport.wdb(["wasm2wat", file.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            (module
              (type (;0;) (func (result i32)))
              (func (;0;) (type 0) (result i32)
                i32.const 1)
              (export "f" (func 0)))

            """)
    }

    @Test func unwritableOutputIsReported() throws {
        let file = try write(WdbTestSupport.tinyModule, "tiny.wasm")
        let result = try WdbTestSupport.wdb(["wasm2wat", file.path, "-o", "/nonexistent/dir/out.wat"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("/nonexistent/dir/out.wat: error: cannot write file"), "\(result.stderr)")
    }

    @Test func invalidWatPointsAtTheInstruction() throws {
        let file = try WdbTestSupport.temporaryDirectory().appendingPathComponent("invalid.wat")
        try "(module\n  (func (result i32)\n    i64.const 1))\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try WdbTestSupport.wdb(["validate", file.path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("\(file.path):3:"), "\(result.stderr)")
        #expect(result.stderr.contains("type mismatch"), "\(result.stderr)")
        // Not validated by dump and wasm2wat: an invalid module can still be inspected.
        #expect(try WdbTestSupport.wdb(["dump", "-d", file.path]).status == 0)
        #expect(try WdbTestSupport.wdb(["wasm2wat", file.path]).stdout.contains("i64.const 1"))
    }

    @Test func debugNamesReachTheBinary() throws {
        let dir = try WdbTestSupport.temporaryDirectory()
        let source = dir.appendingPathComponent("named.wat")
        try "(module (func $answer (result i32) i32.const 42))\n".write(to: source, atomically: true, encoding: .utf8)
        let plain = dir.appendingPathComponent("plain.wasm"), named = dir.appendingPathComponent("named.wasm")
        #expect(try WdbTestSupport.wdb(["wat2wasm", source.path, "-o", plain.path]).status == 0)
        #expect(try WdbTestSupport.wdb(["wat2wasm", source.path, "-o", named.path, "--debug-names"]).status == 0)
        #expect(try WdbTestSupport.wdb(["wasm2wat", plain.path]).stdout.contains("(func (;0;) (type 0)"))
        #expect(try WdbTestSupport.wdb(["wasm2wat", named.path]).stdout.contains("(func $answer (;0;) (type 0)"))
        #expect(try WdbTestSupport.wdb(["dump", "-d", named.path]).stdout.contains("func[0] <answer>:"))
    }

    @Test func foldedOutput() throws {
        let dir = try WdbTestSupport.temporaryDirectory()
        let source = dir.appendingPathComponent("add.wat")
        try "(module (func (param i32) (result i32) local.get 0 i32.const 1 i32.add))\n".write(to: source, atomically: true, encoding: .utf8)
        let result = try WdbTestSupport.wdb(["wasm2wat", "--fold", source.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("    (i32.add\n      (local.get 0)\n      (i32.const 1)))"), "\(result.stdout)")
    }

    @Test func binaryGarbageIsNeitherModuleNorText() throws {
        let file = try write([0xFF, 0xFE, 0x00, 0x80, 0xC3], "garbage.bin")
        let result = try WdbTestSupport.wdb(["validate", file.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not a WebAssembly module"), "\(result.stderr)")
    }

    /// Random and mutated input through every command: always status 0 or 1, never a crash.
    @Test func garbageNeverCrashes() throws {
        var state: UInt64 = 0xDEAD_BEEF_CAFE_F00D
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        let control = try WdbTestSupport.bytes(WdbTestSupport.fixtures.appendingPathComponent("control.wasm"))
        let watText = Array("(module (func (result i32) (i32.add (i32.const 1) (i32.const 2))))".utf8)
        for round in 0..<24 {
            var bytes: [UInt8]
            let name: String
            switch round % 3 {
            case 0:
                bytes = control
                for _ in 0..<4 { bytes[Int(next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: next()) }
                name = "m\(round).wasm"
            case 1:
                bytes = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00] + (0..<64).map { _ in UInt8(truncatingIfNeeded: next()) }
                name = "r\(round).wasm"
            default:
                bytes = watText
                for _ in 0..<3 { bytes[Int(next() % UInt64(bytes.count))] = Array("()$ 0.\"".utf8)[Int(next() % 7)] }
                name = "t\(round).wat"
            }
            let file = try write(bytes, name)
            for command in [["validate"], ["dump"], ["dump", "-d"], ["wasm2wat", "--fold"]] {
                let result = try WdbTestSupport.wdb(command + [file.path])
                #expect(result.status == 0 || result.status == 1, "\(command) \(name): status \(result.status)")
                if result.status == 1 { #expect(result.stderr.contains("error:")) }
            }
        }
    }
}

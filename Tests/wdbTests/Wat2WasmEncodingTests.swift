import Foundation
import Testing

/// `wdb wat2wasm` checks the source's UTF-8 on the file's bytes (no `String` is made of it).
@Suite struct Wat2WasmEncodingTests {
    @Test func invalidUTF8IsReported() throws {
        let dir = try WdbTestSupport.temporaryDirectory()
        let file = dir.appendingPathComponent("bad.wat")
        // A lone continuation byte inside a comment.
        var bytes = Array("(module ;; ".utf8)
        bytes += [0x80]
        bytes += Array("\n)\n".utf8)
        try Data(bytes).write(to: file)
        let result = try WdbTestSupport.wdb(["wat2wasm", file.path, "-o", dir.appendingPathComponent("bad.wasm").path])
        #expect(result.status == 1)
        #expect(result.stderr == "\(file.path): error: WAT source is not valid UTF-8\n")
    }

    @Test func nonASCIIUTF8Assembles() throws {
        let dir = try WdbTestSupport.temporaryDirectory()
        let file = dir.appendingPathComponent("accents.wat")
        try "(module ;; café, naïve, 日本\n (func (export \"f\") (result i32) i32.const 1))\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let output = dir.appendingPathComponent("accents.wasm")
        let result = try WdbTestSupport.wdb(["wat2wasm", file.path, "-o", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try WdbTestSupport.bytes(output) == WdbTestSupport.tinyModule)
    }
}

import Foundation
import Testing
import WasmCore
import WasmText

/// The command line's inputs that once cost too much or crashed: many guest arguments, a tiny
/// module declaring 4,294,967,295 locals, a module beyond the engine's limits.
@Suite struct HardeningCLITests {
    /// A valid 31-byte module: one function declaring 0xFFFFFFFF v128 locals (exported as "f").
    static let manyLocals: [UInt8] = {
        func leb(_ value: UInt64) -> [UInt8] {
            var n = value, out: [UInt8] = []
            repeat { var b = UInt8(n & 0x7F); n >>= 7; if n != 0 { b |= 0x80 }; out.append(b) } while n != 0
            return out
        }
        let body = leb(1) + leb(0xFFFF_FFFF) + [0x7B, 0x0B]
        let code = leb(1) + leb(UInt64(body.count)) + body
        let exports: [UInt8] = [0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00]
        return [0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00]
            + exports + [0x0A] + leb(UInt64(code.count)) + code
    }()

    @Test func twentyThousandGuestArgumentsAllArrive() throws {
        let program = WdbTestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/wasi/args_env.wasm").path
        let words = (1...20_000).map(String.init)
        let result = try WdbTestSupport.wdb(["run", program] + words)
        #expect(result.status == 0, "\(result.stderr.prefix(300))")
        #expect(result.stdout.hasPrefix("argc=20001\n"), "\(result.stdout.prefix(100))")
        #expect(result.stdout.contains("argv[20000]=\"20000\""))
    }

    @Test func aModuleBeyondTheEnginesLimitsIsRefusedWithStatusOne() throws {
        let dir = try WdbTestSupport.temporaryDirectory()
        let file = dir.appendingPathComponent("locals.wasm")
        try Data(Self.manyLocals).write(to: file)
        #expect(try WdbTestSupport.wdb(["validate", file.path]).status == 0)  // valid Wasm
        for arguments in [["run", "--invoke", "f", file.path], ["run", file.path]] {
            let result = try WdbTestSupport.wdb(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains("exceeds the engine's limits: function 0 declares 4294967295 locals"), "\(result.stderr)")
        }
    }

    /// The printer streams: 10 million v128 locals print in pieces no larger than a chunk, the
    /// whole text never held at once (the 4,294,967,295-local module prints 21 GB this way).
    @Test func wasm2watStreamsHugeLocalDeclarations() throws {
        var module = try BinaryDecoder.decode(Self.manyLocals)
        module.functions[0].locals = [LocalDeclaration(count: 10_000_000, type: .v128)]
        var total = 0, largest = 0, tail = ""
        WatPrinter.print(module) { piece in
            total += piece.utf8.count
            largest = max(largest, piece.utf8.count)
            tail = String((tail + piece).suffix(60))
        }
        #expect(total > 50_000_000)
        #expect(largest <= 64 << 10, "a piece of \(largest) bytes")
        #expect(tail.hasSuffix(" v128 v128))\n  (export \"f\" (func 0)))\n"), "\(tail)")
    }
}

// Embedding wdb's engine: assemble a module, give it a host function, call its exports,
// read its memory and globals, and handle a trap.
import WasmCore
import WasmText
import WasmVM

let wat = """
(module
  (import "host" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (global $calls (export "calls") (mut i32) (i32.const 0))
  (data (i32.const 0) "sum computed")
  (func (export "sum") (param $n i32) (result i64) (local $acc i64)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $n))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (call $log (i32.const 0) (i32.const 12))
    (local.get $acc))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))
"""

do {
    // Text to module (a .wasm file would go through BinaryDecoder.decode instead).
    let module = try WatAssembler.assemble(wat, file: "example.wat").module
    try Validator.validate(module)

    let runtime = Runtime()
    var imports = Imports()
    // A host function receives its arguments as typed values and can reach the caller's memory.
    let log = HostFunction(type: FuncType(params: [.i32, .i32])) { caller, args in
        guard case .i32(let pointer) = args[0], case .i32(let length) = args[1],
              let memory = caller.memory else { return [] }
        let bytes = try memory.read(at: UInt64(pointer), count: Int(length))
        print("guest says: \(String(decoding: bytes, as: UTF8.self))")
        return []
    }
    imports.define("host", "log", .function(runtime.makeFunction(log, name: "host.log")))

    let instance = try runtime.instantiate(module, imports: imports)
    let results = try instance.invoke("sum", [.i32(100)])
    print("sum(100) = \(results[0])")                        // i64:5050
    print("calls = \(instance.global("calls")!.value)")      // i32:1

    // Traps are errors with the spec's message and a backtrace in wdb's position notation.
    do {
        _ = try instance.invoke("div", [.i32(1), .i32(0)])
    } catch let trap as Trap {
        print("trap: \(trap.message) at \(trap.backtrace.first?.description ?? "?")")
    }
} catch {
    print("error: \(error)")
}

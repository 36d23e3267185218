import Testing
import WasmCore
import WasmText
@testable import WasmVM

/// A runtime no one holds any more frees its store (memories, tables, compiled code), after
/// calls too: nothing inside the store keeps the store alive.
@Suite struct StoreLifetimeTests {
    @Test func aRuntimeAndItsStoreGoAwayTogether() throws {
        let wat = """
            (module
              (import "env" "f" (func $f (param i32)))
              (memory (export "m") 2)
              (func (export "go") (param i32) (result i32)
                (call $f (local.get 0)) (i32.store (i32.const 64) (local.get 0)) (i32.load (i32.const 64))))
            """
        let module = try WatAssembler.assemble(wat, file: "t.wat").module
        weak var store: Store?
        do {
            let runtime = Runtime()
            var imports = Imports()
            imports.define("env", "f", .function(runtime.makeFunction(HostFunction(type: FuncType(params: [.i32], results: [])) { _, _ in [] })))
            let instance = try runtime.instantiate(module, imports: imports)
            #expect(try instance.function("go")?.invoke([.i32(7)]) == [.i32(7)])
            store = runtime.store
            #expect(store != nil)
        }
        #expect(store == nil, "the store outlived its runtime")
    }
}

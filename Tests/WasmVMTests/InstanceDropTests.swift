import Testing
import WasmCore
@testable import WasmVM

/// Instances dropped one by one, while their runtime lives on.
@Suite struct InstanceDropTests {
    static let small = """
    (module (memory (export "memory") 1) (global $g (export "g") (mut i32) (i32.const 0))
      (table (export "table") 1 funcref) (elem (i32.const 0) $get)
      (func (export "set") (param i32) (i32.store (i32.const 8) (local.get 0)) (global.set $g (local.get 0)))
      (func $get (export "get") (result i32) (i32.add (i32.load (i32.const 8)) (global.get $g)))
      (func (export "grow") (result i32) (memory.grow (i32.const 1))))
    """

    @Test func droppingReleasesTheInstanceAndLeavesTheOthersIntact() throws {
        let runtime = Runtime()
        let module = try assemble(InstanceDropTests.small)
        let instances = try (0..<3).map { _ in try runtime.instantiate(module) }
        for (k, instance) in instances.enumerated() { _ = try instance.invoke("set", [.i32(UInt32(k + 1))]) }
        let keptMemory = try #require(instances[1].memory("memory"))
        let keptFunction = try #require(instances[1].function("get"))
        let keptTable = try #require(instances[1].table("table"))
        let keptGlobal = try #require(instances[1].global("g"))
        #expect(runtime.store.memories[keptMemory.address].pointee.reservedBytes > 0)
        try runtime.drop(instances[1])
        #expect(instances[1].isDropped)
        // Its memory's reservation went back to the system; the address keeps an empty memory.
        #expect(runtime.store.memories[keptMemory.address] == Store.droppedMemory)
        // The others are untouched.
        #expect(try instances[0].invoke("get") == [.i32(2)])
        #expect(try instances[2].invoke("get") == [.i32(6)])
        // Handles that outlived it meet errors, never freed memory.
        #expect(throws: LinkError.self) { try instances[1].invoke("get") }
        #expect(throws: Trap.self) { try keptFunction.invoke() }
        #expect(keptMemory.byteCount == 0)
        #expect(throws: Trap.self) { try keptMemory.read(at: 0, count: 1) }
        #expect(keptMemory.grow(by: 1) == nil)
        #expect(keptTable.count == 0)
        #expect(throws: Trap.self) { try keptGlobal.set(.i32(1)) }
        #expect(keptGlobal.value == .i32(0))
        // Dropping again does nothing; new instances work.
        try runtime.drop(instances[1])
        let fresh = try runtime.instantiate(module)
        _ = try fresh.invoke("set", [.i32(40)])
        #expect(try fresh.invoke("get") == [.i32(80)])
    }

    @Test func anInstanceOthersImportFromIsKeptUntilTheyAreDropped() throws {
        let runtime = Runtime()
        let provider = try runtime.instantiate(assemble(InstanceDropTests.small))
        var imports = Imports()
        imports.define("p", exportsOf: provider)
        let user = try runtime.instantiate(assemble("""
        (module (import "p" "memory" (memory 1))
          (func (export "peek") (result i32) (i32.load (i32.const 8))))
        """), imports: imports)
        _ = try provider.invoke("set", [.i32(5)])
        #expect(throws: LinkError.self) { try runtime.drop(provider) }
        #expect(try user.invoke("peek") == [.i32(5)])
        try runtime.drop(user)
        try runtime.drop(provider)
        // Nothing can be linked to what a dropped instance defined.
        #expect(throws: LinkError.self) {
            try runtime.instantiate(assemble("(module (import \"p\" \"memory\" (memory 1)))"), imports: imports)
        }
    }

    @Test func aFunctionLeftInAnotherTableTrapsWhenCalled() throws {
        let runtime = Runtime()
        let table = try #require(runtime.makeTable(TableType(elementType: .funcref, limits: Limits(min: 1))))
        var imports = Imports()
        imports.define("host", "table", .table(table))
        let donor = try runtime.instantiate(assemble("""
        (module (import "host" "table" (table 1 funcref)) (elem (i32.const 0) $seven)
          (func $seven (result i32) (i32.const 7)))
        """), imports: imports)
        let caller = try runtime.instantiate(assemble("""
        (module (import "host" "table" (table 1 funcref)) (type $r (func (result i32)))
          (func (export "call") (result i32) (call_indirect (type $r) (i32.const 0))))
        """), imports: imports)
        #expect(try caller.invoke("call") == [.i32(7)])
        try runtime.drop(donor)
        #expect(trapMessage(caller, "call")?.contains("dropped") == true)
    }

    @Test func droppingIsRefusedWhileGuestCodeRuns() throws {
        let runtime = Runtime()
        let instance = try runtime.instantiate(assemble(InstanceDropTests.small))
        let invocation = try #require(instance.function("get")).startInvocation()
        #expect(throws: LinkError.self) { try runtime.drop(instance) }
        invocation.run()
        try runtime.drop(instance)
    }
}

import CWasmEngine
import Testing
import WasmCore
@testable import WasmVM

/// A 32-bit memory runs without bounds checks when it reserves every address a load or store can
/// form (guard pages, Sources/CWasmEngine/guard_pages.h): an access past the memory's size faults
/// and must trap exactly as the checked handlers do, at the same instruction, with the same
/// frames. Every register form runs here at the edge of the memory in both configurations.
@Suite struct GuardPageTests {
    /// One function per kind of access: every load and store width, offsets, a folded constant
    /// addend, indexed (two-slot) addresses, immediate store values and load-and-operate chains.
    static let accesses: [(name: String, body: String)] = {
        var list: [(String, String)] = []
        let loads = ["i32.load", "i64.load", "f32.load", "f64.load", "i32.load8_s", "i32.load8_u",
                     "i32.load16_s", "i32.load16_u", "i64.load8_s", "i64.load8_u", "i64.load16_s",
                     "i64.load16_u", "i64.load32_s", "i64.load32_u"]
        for (k, load) in loads.enumerated() {
            let type = String(load.prefix(3))
            list.append(("load\(k)", "(result \(type)) (\(load) offset=3 (local.get 0))"))
            list.append(("indexed\(k)", "(result \(type)) (\(load) (i32.add (local.get 0) (local.get 1)))"))
        }
        list.append(("addend", "(result i32) (i32.load offset=5 (i32.add (local.get 0) (i32.const 11)))"))
        list.append(("chain", "(result i32) (i32.add (i32.load (local.get 0)) (local.get 1))"))
        list.append(("chainImmediate", "(result i64) (i64.xor (i64.load offset=2 (local.get 0)) (i64.const 9))"))
        // Load-compare-and-branch (Compiler+Tests.swift): each load that has the form, compared
        // with a slot, with a constant, or branched on itself.
        for (k, load) in ["i32.load", "i32.load8_u", "i32.load8_s", "i32.load16_u", "i32.load16_s"].enumerated() {
            list.append(("compare\(k)", "(result i32) (if (i32.lt_u (\(load) offset=1 (local.get 0)) (local.get 1)) (then (return (i32.const 7)))) (i32.const 8)"))
            list.append(("branch\(k)", "(result i32) (if (\(load) (local.get 0)) (then (return (i32.const 7)))) (i32.const 8)"))
        }
        list.append(("compare64", "(result i32) (if (i64.eq (i64.load offset=2 (local.get 0)) (i64.const 0)) (then (return (i32.const 7)))) (i32.const 8)"))
        let stores = [("i32.store", "i32"), ("i64.store", "i64"), ("f32.store", "f32"), ("f64.store", "f64"),
                      ("i32.store8", "i32"), ("i32.store16", "i32"), ("i64.store8", "i64"),
                      ("i64.store16", "i64"), ("i64.store32", "i64")]
        for (k, (store, type)) in stores.enumerated() {
            let value = type.hasPrefix("i") ? "(\(type).extend8_s (\(type).const 0x7f))" : "(\(type).const 1.5)"
            list.append(("store\(k)", "(\(store) offset=1 (local.get 0) (\(type).const 0))"))
            list.append(("storeSlot\(k)", "(local $v \(type)) (local.set $v \(value)) (\(store) (local.get 0) (local.get $v))"))
            list.append(("storeIndexed\(k)", "(local $v \(type)) (local.set $v \(value)) (\(store) (i32.add (local.get 0) (local.get 1)) (local.get $v))"))
            list.append(("storeIndexedImmediate\(k)", "(\(store) (i32.add (local.get 0) (local.get 1)) (\(type).const 3))"))
        }
        return list
    }()

    static let wat: String = {
        var text = "(module (memory (export \"memory\") 1)\n"
        for (name, body) in accesses {
            // Every function takes (address, index); loads return their value, stores nothing.
            text += "  (func (export \"\(name)\") (param i32 i32) \(body))\n"
        }
        // A call around the access, so that a trap has two frames to report.
        text += "  (func (export \"outer\") (param i32) (result i32) (i32.add (i32.const 1) (call $inner (local.get 0))))\n"
        text += "  (func $inner (param i32) (result i32) (i32.load offset=8 (local.get 0)))\n"
        return text + ")"
    }()

    /// What a call did: its results, or its trap's message and frames.
    static func outcome(_ instance: Instance, _ name: String, _ args: [Value]) -> String {
        do {
            return "\(try instance.invoke(name, args))"
        } catch let trap as Trap {
            return trap.message + " " + trap.backtrace.map(\.description).joined(separator: " < ")
        } catch {
            return "not a trap: \(error)"
        }
    }

    @Test func guardedAndCheckedRunsAgreeAtTheEdgeOfMemory() throws {
        var checkedConfiguration = Configuration()
        checkedConfiguration.guardPages = false
        let guarded = try instantiate(Self.wat)
        let checked = try instantiate(Self.wat, checkedConfiguration)
        // The two configurations really differ in what they reserve.
        let g = try #require(guarded.memory("memory")), c = try #require(checked.memory("memory"))
        #expect(guarded.store.memories[g.address].pointee.reservedBytes == MemoryStorage.guardedReservation)
        #expect(checked.store.memories[c.address].pointee.reservedBytes < MemoryStorage.guardedReservation)

        // Addresses around the end of the one-page memory, and ones that wrap or reach the end
        // of the 8 GiB reservation (u32 address + u32 offset).
        let addresses: [UInt32] = [0, 65_520, 65_524, 65_526, 65_527, 65_528, 65_529, 65_530, 65_531, 65_532,
                                   65_533, 65_534, 65_535, 65_536, 65_540, 1 << 20, 0x7FFF_FFFF,
                                   0xFFFF_FFF0, 0xFFFF_FFFC, 0xFFFF_FFFF]
        let indices: [UInt32] = [0, 1, 7, 0xFFFF_FFFF]
        var traps = 0
        var runs = 0
        let faultsBefore = wdb_guard_fault_count()
        for (name, _) in Self.accesses {
            for address in addresses {
                for index in indices {
                    let args: [Value] = [.i32(address), .i32(index)]
                    let expected = Self.outcome(checked, name, args)
                    let got = Self.outcome(guarded, name, args)
                    #expect(got == expected, "\(name)(\(address), \(index))")
                    if expected.hasPrefix("out of bounds") { traps += 1 }
                    runs += 1
                }
            }
        }
        // Both sides of the edge were exercised, and every trap of the guarded instance came
        // from a fault on its guard pages (Linux x86-64; elsewhere every memory is checked).
        #expect(traps > runs / 4 && traps < runs * 3 / 4)
        #if os(Linux) && arch(x86_64)
        #expect(wdb_guard_fault_count() - faultsBefore == UInt64(traps))
        #endif
    }

    @Test func aFaultReportsTheAccessAndItsCallers() throws {
        let instance = try instantiate(Self.wat)
        let trap = Self.outcome(instance, "outer", [.i32(65_529)])
        #expect(trap.hasPrefix("out of bounds memory access $inner+"))
        #expect(trap.contains(" < outer+"))
        // The run after a fault works (the signal is not left blocked), and so does another fault.
        #expect(Self.outcome(instance, "outer", [.i32(65_524)]) == "[i32:1]")
        #expect(Self.outcome(instance, "outer", [.i32(70_000)]) == trap.replacingOccurrences(of: "65529", with: "70000"))
    }

    @Test func memoryGrowthMovesTheGuard() throws {
        let instance = try instantiate("""
        (module (memory 1)
          (func (export "grow") (result i32) (memory.grow (i32.const 1)))
          (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))
        """)
        #expect(trapMessage(instance, "load", [.i32(65_536)]) == "out of bounds memory access")
        #expect(try instance.invoke("grow") == [.i32(1)])
        #expect(try instance.invoke("load", [.i32(65_536)]) == [.i32(0)])
        #expect(try instance.invoke("load", [.i32(131_068)]) == [.i32(0)])
        #expect(trapMessage(instance, "load", [.i32(131_069)]) == "out of bounds memory access")
    }
}

// Instance density: how much time and memory one more live instance of a small module costs
// through the embedding API, and whether dropping instances gives the memory back.
//
// The module: one page of memory, one mutable i32 global, three functions (`set` writes its
// argument to memory and to the global, `get` returns their sum, `bump` adds one to both).
// The runner instantiates it N times in one Runtime (validated once), prints the time per
// instance for each thousand (flat = linear), checks that every instance's memory and global
// are its own, prints the process's RSS before, at the peak and after dropping every instance.
//
// Build and run (release): swift build -c release --product wdb-density
//                          .build/release/wdb-density [N]
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmCore
import WasmVM

func instruction(_ op: Opcode, _ immediate: Immediate = .none) -> Instruction { Instruction(op, immediate) }

/// The small module, built in code (the runner depends on the engine only).
func smallModule() -> Module {
    var m = Module()
    m.types = [FuncType(params: [.i32], results: []), FuncType(params: [], results: [.i32]), FuncType(params: [], results: [])]
    m.memories = [MemoryType(limits: Limits(min: 1))]
    m.globals = [Global(type: GlobalType(valueType: .i32, isMutable: true),
                        initializer: Expression([instruction(.i32Const, .i32(0)), instruction(.end)]))]
    let memarg = Immediate.memarg(MemArg(align: 2, offset: 0))
    let address = instruction(.i32Const, .i32(16))
    let set: [Instruction] = [address, instruction(.localGet, .index(0)), instruction(.i32Store, memarg),
                              instruction(.localGet, .index(0)), instruction(.globalSet, .index(0)), instruction(.end)]
    let get: [Instruction] = [address, instruction(.i32Load, memarg), instruction(.globalGet, .index(0)),
                              instruction(.i32Add), instruction(.end)]
    let bump: [Instruction] = [address, address, instruction(.i32Load, memarg), instruction(.i32Const, .i32(1)),
                               instruction(.i32Add), instruction(.i32Store, memarg),
                               instruction(.globalGet, .index(0)), instruction(.i32Const, .i32(1)),
                               instruction(.i32Add), instruction(.globalSet, .index(0)), instruction(.end)]
    m.functions = [Function(typeIndex: 0, body: Expression(set)), Function(typeIndex: 1, body: Expression(get)),
                   Function(typeIndex: 2, body: Expression(bump))]
    m.exports = [Export(name: "memory", kind: .memory, index: 0), Export(name: "g", kind: .global, index: 0),
                 Export(name: "set", kind: .function, index: 0), Export(name: "get", kind: .function, index: 1),
                 Export(name: "bump", kind: .function, index: 2)]
    return m
}

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Resident set size of this process in KiB (the second field of /proc/self/statm, in pages).
func residentKiB() -> Int {
    guard let f = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(f) }
    var buffer = [CChar](repeating: 0, count: 128)
    guard fgets(&buffer, 128, f) != nil else { return 0 }
    let fields = String(cString: buffer).split(separator: " ").compactMap { Int($0) }
    return fields.count >= 2 ? fields[1] * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024 : 0
}

func fail(_ message: String) -> Never {
    fputs("density: \(message)\n", stderr)
    exit(1)
}

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 10_000 : 10_000
let module = smallModule()
do { try Validator.validate(module) } catch { fail("the module does not validate: \(error)") }
let runtime = Runtime()
// Warm up (first-use costs of the runtime and the allocator), then measure from here.
if let warm = try? runtime.instantiate(module, validated: true) { try? runtime.drop(warm) }
let rssStart = residentKiB()
print("instances: \(count); RSS at start: \(rssStart) KiB")

var instances: [Instance] = []
instances.reserveCapacity(count)
let started = now()
var batchStart = started
for k in 0..<count {
    do { instances.append(try runtime.instantiate(module, validated: true)) } catch { fail("instantiate \(k): \(error)") }
    if (k + 1) % 1000 == 0 {
        let t = now()
        print(String(format: "  instances %6d-%6d: %6.2f µs per instance", k - 998, k + 1, (t - batchStart) / 1000 * 1e6))
        batchStart = t
    }
}
let instantiateSeconds = now() - started
let rssInstantiated = residentKiB()

// Each instance's memory and global are its own: write a distinct value into each, read all back.
let checkStart = now()
do {
    for (k, instance) in instances.enumerated() { _ = try instance.invoke("set", [.i32(UInt32(k))]) }
    for (k, instance) in instances.enumerated() where k % 2 == 0 { _ = try instance.invoke("bump") }
    for (k, instance) in instances.enumerated() {
        let expected = UInt32(2 * k + (k % 2 == 0 ? 2 : 0))
        guard try instance.invoke("get") == [.i32(expected)] else { fail("instance \(k) does not hold its own state") }
        guard case .i32(let g)? = instance.global("g")?.value, g == UInt32(k + (k % 2 == 0 ? 1 : 0)) else {
            fail("instance \(k)'s global is not its own")
        }
    }
} catch { fail("check: \(error)") }
let checkSeconds = now() - checkStart
let rssPeak = residentKiB()

let dropStart = now()
do { for instance in instances { try runtime.drop(instance) } } catch { fail("drop: \(error)") }
let dropSeconds = now() - dropStart
instances = []
let rssDropped = residentKiB()

print(String(format: "instantiate: %.2f µs per instance (%.3f s in all)", instantiateSeconds / Double(count) * 1e6, instantiateSeconds))
print(String(format: "RSS after instantiating: %d KiB (%.2f KiB per instance)", rssInstantiated,
             Double(rssInstantiated - rssStart) / Double(count)))
print(String(format: "check (set, bump, get on each; compiles each instance's functions): %.2f µs per instance",
             checkSeconds / Double(count) * 1e6))
print(String(format: "RSS at peak (after the checks): %d KiB (%.2f KiB per instance)", rssPeak,
             Double(rssPeak - rssStart) / Double(count)))
print(String(format: "drop: %.2f µs per instance; RSS after dropping all: %d KiB (%+d KiB from the start)",
             dropSeconds / Double(count) * 1e6, rssDropped, rssDropped - rssStart))
print("every instance's memory and global were its own")

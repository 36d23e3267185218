// Instance density: how much time and memory one more live instance of a small module costs
// through the embedding API, and whether dropping instances gives the memory back.
//
// The module: one page of memory, one mutable i32 global, three functions (`set` writes its
// argument to memory and to the global, `get` returns their sum, `bump` adds one to both).
// The runner instantiates it N times in one Runtime (validated once), prints the CPU time per
// instance for each thousand (flat = linear), checks that every instance's memory and global
// are its own, prints the process's RSS before, at the peak and after dropping every instance.
//
// Build and run (release): swift build -c release --product wdb-density
//                          .build/release/wdb-density [N] [--no-calls]
// (--no-calls: instantiate and drop only; nothing is compiled and no memory page is touched.)
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

/// CPU time of the process (user + system), not wall time: the machine may be shared.
func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
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

/// The kernel's page tables for this process in KiB (VmPTE in /proc/self/status): not part of the
/// RSS, but memory an instance costs (a guard-page reservation per memory needs its own tables).
func pageTableKiB() -> Int {
    guard let f = fopen("/proc/self/status", "r") else { return 0 }
    defer { fclose(f) }
    var buffer = [CChar](repeating: 0, count: 256)
    while fgets(&buffer, 256, f) != nil {
        let line = String(cString: buffer)
        if line.hasPrefix("VmPTE:") { return line.split(separator: " ").compactMap { Int($0) }.first ?? 0 }
    }
    return 0
}

/// `x` with `digits` decimals (the runner does without Foundation).
func fixed(_ x: Double, _ digits: Int = 2) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (abs(x) * scale).rounded()
    let whole = Int(scaled / scale)
    let fraction = Int(scaled - Double(whole) * scale)
    var text = String(fraction)
    while text.count < digits { text = "0" + text }
    return (x < 0 ? "-" : "") + String(whole) + (digits > 0 ? "." + text : "")
}

func fail(_ message: String) -> Never {
    fputs("density: \(message)\n", stderr)
    exit(1)
}

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 10_000 : 10_000
let callFunctions = !CommandLine.arguments.contains("--no-calls")
let module = smallModule()
do { try Validator.validate(module) } catch { fail("the module does not validate: \(error)") }
// --no-guard-pages: memories reserve only what they may grow to, and every access is checked
// (Configuration.guardPages), for comparing what the guard pages cost in page tables.
var configuration = Configuration()
configuration.guardPages = !CommandLine.arguments.contains("--no-guard-pages")
let runtime = Runtime(configuration: configuration)
// Warm up (first-use costs of the runtime and the allocator), then measure from here.
if let warm = try? runtime.instantiate(module, validated: true) { try? runtime.drop(warm) }
let rssStart = residentKiB()
let pageTablesStart = pageTableKiB()
print("instances: \(count); RSS at start: \(rssStart) KiB")

var instances: [Instance] = []
instances.reserveCapacity(count)
let started = now()
var batchStart = started
for k in 0..<count {
    do { instances.append(try runtime.instantiate(module, validated: true)) } catch { fail("instantiate \(k): \(error)") }
    if (k + 1) % 1000 == 0 {
        let t = now()
        print("  instances \(k - 998)-\(k + 1): \(fixed((t - batchStart) / 1000 * 1e6)) µs per instance")
        batchStart = t
    }
}
let instantiateSeconds = now() - started
let rssInstantiated = residentKiB()

// Each instance's memory and global are its own: write a distinct value into each, read all back.
let checkStart = now()
if callFunctions { do {
    for (k, instance) in instances.enumerated() { _ = try instance.invoke("set", [.i32(UInt32(k))]) }
    for (k, instance) in instances.enumerated() where k % 2 == 0 { _ = try instance.invoke("bump") }
    for (k, instance) in instances.enumerated() {
        let expected = UInt32(2 * k + (k % 2 == 0 ? 2 : 0))
        guard try instance.invoke("get") == [.i32(expected)] else { fail("instance \(k) does not hold its own state") }
        guard case .i32(let g)? = instance.global("g")?.value, g == UInt32(k + (k % 2 == 0 ? 1 : 0)) else {
            fail("instance \(k)'s global is not its own")
        }
    }
} catch { fail("check: \(error)") } }
let checkSeconds = now() - checkStart
let rssPeak = residentKiB()
let pageTablesPeak = pageTableKiB()

let dropStart = now()
do { for instance in instances { try runtime.drop(instance) } } catch { fail("drop: \(error)") }
let dropSeconds = now() - dropStart
instances = []
let rssDropped = residentKiB()
// What the allocator keeps of the freed heap blocks, versus what is still in use: glibc's
// malloc_trim (found at run time; Swift's Glibc module does not import it) returns free pages.
if let trim = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
    _ = unsafeBitCast(trim, to: (@convention(c) (Int) -> Int32).self)(0)
}
let rssTrimmed = residentKiB()

let perInstance = { (kib: Int) in fixed(Double(kib - rssStart) / Double(count)) }
print("instantiate: \(fixed(instantiateSeconds / Double(count) * 1e6)) µs per instance (\(fixed(instantiateSeconds, 3)) s in all)")
print("RSS after instantiating: \(rssInstantiated) KiB (\(perInstance(rssInstantiated)) KiB per instance)")
print("check (set, bump, get on each; compiles each instance's functions): \(fixed(checkSeconds / Double(count) * 1e6)) µs per instance")
print("RSS at peak (after the checks): \(rssPeak) KiB (\(perInstance(rssPeak)) KiB per instance)")
print("page tables at peak (VmPTE, not in the RSS): \(pageTablesPeak) KiB (\(fixed(Double(pageTablesPeak - pageTablesStart) / Double(count))) KiB per instance)")
print("drop: \(fixed(dropSeconds / Double(count) * 1e6)) µs per instance; RSS after dropping all: \(rssDropped) KiB (\(rssDropped - rssStart) KiB above the start)")
print("RSS after malloc_trim(0): \(rssTrimmed) KiB (\(rssTrimmed - rssStart) KiB above the start)")
if callFunctions { print("every instance's memory and global were its own") }

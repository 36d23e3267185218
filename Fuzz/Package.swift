// swift-tools-version:6.0
// wdb's fuzz targets (Docs/fuzzing.md). A package of its own, so that the main package never
// carries sanitizer flags: Scripts/fuzz.sh builds this one with
// `--sanitize fuzzer --sanitize address -Xswiftc -enable-testing` (the REPL and WASI targets
// reach internal API through @testable import, as the tests do). Each fuzz-* product is a
// libFuzzer binary: given a corpus folder it fuzzes, given files it runs each of them once.
import PackageDescription

let package = Package(
    name: "wdb-fuzz",
    dependencies: [
        .package(name: "wdb", path: ".."),
    ],
    targets: [
        // Reads structured choices from the fuzzer's bytes.
        .target(name: "FuzzSupport"),
        // (a) binary decoder + validator, with encoder and printer round trips.
        .executableTarget(name: "fuzz-binary", dependencies: [
            .product(name: "WasmCore", package: "wdb"), .product(name: "WasmText", package: "wdb"),
        ]),
        // (b) WAT/WAST parser and assembler.
        .executableTarget(name: "fuzz-wat", dependencies: [
            .product(name: "WasmCore", package: "wdb"), .product(name: "WasmText", package: "wdb"),
        ]),
        // (c) the REPL's command and expression language, in a sandboxed session.
        .executableTarget(name: "fuzz-repl", dependencies: [
            .product(name: "DebuggerCommands", package: "wdb"), .product(name: "Debugger", package: "wdb"),
            .product(name: "WasmVM", package: "wdb"), .product(name: "WastScripts", package: "wdb"),
        ]),
        // (d) the WASI host: call sequences on a scratch tree.
        .executableTarget(name: "fuzz-wasi", dependencies: [
            "FuzzSupport", .product(name: "WASI", package: "wdb"),
        ]),
        // (e) the DWARF reader over mutated debug sections.
        .executableTarget(name: "fuzz-dwarf", dependencies: [
            "FuzzSupport", .product(name: "DebugInfo", package: "wdb"),
        ]),
        // (f) the engine: instantiate and call every export; also the wdb side of
        // Fuzz/differential/run.py (WDB_EXEC_REPORT=1).
        .executableTarget(name: "fuzz-exec", dependencies: [
            .product(name: "WasmCore", package: "wdb"), .product(name: "WasmVM", package: "wdb"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)

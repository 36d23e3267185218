// swift-tools-version:6.3
// Builds the peer interpreter wdb is measured against: WasmKit 0.4.2's command-line tool,
// in release, from its Swift package. Nothing of WasmKit is committed; this package only
// depends on it. Build: swift build -c release --product wasmkit-cli (Benchmarks/run.py does it).
import PackageDescription

let package = Package(
    name: "wdb-benchmark-peers",
    dependencies: [
        .package(url: "https://github.com/swiftwasm/WasmKit", exact: "0.4.2"),
    ],
    targets: [
        // SwiftPM needs one target of our own to resolve the graph; it is never run.
        .target(name: "PeerPlaceholder", dependencies: [.product(name: "WasmKit", package: "WasmKit")]),
    ]
)

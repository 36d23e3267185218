// swift-tools-version:6.0
// A host program that embeds wdb's engine: build and run with `swift run` in this folder.
import PackageDescription

let package = Package(
    name: "EmbeddingExample",
    dependencies: [.package(name: "wdb", path: "../..")],
    targets: [
        .executableTarget(
            name: "EmbeddingExample",
            dependencies: [
                .product(name: "WasmCore", package: "wdb"),
                .product(name: "WasmText", package: "wdb"),
                .product(name: "WasmVM", package: "wdb"),
            ]),
    ],
    swiftLanguageModes: [.v5]
)

// Placeholder so SwiftPM resolves WasmKit; see Package.swift.

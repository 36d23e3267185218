// WasmVM: store, instances, linker, compiler and engine.
import WasmCore

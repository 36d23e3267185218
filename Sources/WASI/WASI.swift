// WASI preview1: ABI (types, errno, rights, layouts), sandboxed host, trace.
import WasmCore

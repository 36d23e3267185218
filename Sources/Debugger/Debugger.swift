// Debugger: the session (breakpoints, watchpoints, catchpoints, stepping, expressions). No terminal I/O.
import WasmVM

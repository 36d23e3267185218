// WasmText: lexer, WAT/WAST parser, assembler with source map, printer (wasm -> WAT).
import WasmCore

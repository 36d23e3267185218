#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmCore

/// A module read from a file (or typed text), as every command and the debugger see it: the
/// model, the binary it was decoded from (for text: the assembled binary, so every position
/// is a file offset of that binary), and the WAT source with its line map when it was text.
public struct LoadedModule: Sendable {
    public var path: String
    public var module: Module
    public var bytes: [UInt8]
    /// The WAT source when the input was text.
    public var source: String?
    /// WAT line:column ↔ file offset: from the assembler for text, from an embedded
    /// `wdb.sourcemap` section for a binary wdb assembled, else nil.
    public var sourceMap: SourceMap?

    public init(path: String, module: Module, bytes: [UInt8], source: String? = nil, sourceMap: SourceMap? = nil) {
        self.path = path
        self.module = module
        self.bytes = bytes
        self.source = source
        self.sourceMap = sourceMap
    }

    public var isText: Bool { source != nil }
}

/// Why a module could not be loaded, in the form the front ends print: `FILE: error: …`, or
/// the assembler's `file:line:col: error: …` with the source line and a caret.
public struct ModuleLoadError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public init(file: String, _ message: String) { self.message = "\(file): error: \(message)" }
    public var description: String { message }
}

/// The one way to turn a file (or bytes) into a module. Content decides the format, whatever
/// the file is called: bytes that start with the `\0asm` magic are a binary; bytes that read as
/// text (UTF-8 without NUL or other control bytes than tab and line breaks) are WAT; anything
/// else is given to the binary decoder, whose error says what is wrong (a bad magic number). A binary is decoded once and validated once; text is assembled (the assembler
/// validates, reporting errors at WAT positions) and its encoding decoded once for offsets.
public enum ModuleLoader {
    static let magic: [UInt8] = [0x00, 0x61, 0x73, 0x6D]

    /// Reads, then loads, a module file. `validate: false` is for tools that show invalid
    /// modules too (`dump`).
    public static func load(path: String, validate: Bool = true, features: Features = .default) throws(ModuleLoadError) -> LoadedModule {
        try load(bytes: try readFile(path), path: path, validate: validate, features: features)
    }

    /// Loads a module from bytes already in memory; `path` names it in positions and errors.
    public static func load(bytes: [UInt8], path: String, validate: Bool = true,
                            features: Features = .default) throws(ModuleLoadError) -> LoadedModule {
        if isBinary(bytes) || !looksLikeText(bytes) {
            guard isBinary(bytes) else {
                // Neither a binary nor text: the decoder's message says what the header lacks.
                do { _ = try BinaryDecoder.decode(bytes, features: features) } catch {
                    throw ModuleLoadError(file: path, "not a WebAssembly module: \(error.description)")
                }
                throw ModuleLoadError(file: path, "not a WebAssembly module")
            }
            let module: Module
            if validate {
                // Each body decoded once, as it is validated (Docs/performance.md, "Large modules").
                do { module = try BinaryDecoder.decodeValidated(bytes, features: features) } catch {
                    throw ModuleLoadError(file: path, error.description)
                }
            } else {
                module = try decode(bytes, path: path, features: features)
            }
            return LoadedModule(path: path, module: module, bytes: bytes, sourceMap: SourceMap(module: module))
        }
        let text = try utf8Text(bytes, path: path)
        return try assemble(text, path: path, validate: validate, features: features)
    }

    /// Assembles WAT text (a file's or typed at a prompt) and loads the result.
    public static func assemble(_ text: String, path: String, validate: Bool = true,
                                features: Features = .default) throws(ModuleLoadError) -> LoadedModule {
        do {
            let assembled = try WatAssembler.assemble(text, file: path, options: assemblyOptions(validate: validate, features: features))
            return LoadedModule(path: path, module: assembled.module, bytes: assembled.bytes, source: text,
                                sourceMap: assembled.sourceMap)
        } catch {
            throw ModuleLoadError(error.description)
        }
    }

    /// How a load assembles text: names kept (dumps and stops show the source's identifiers)
    /// and file offsets recorded (positions, the source map). For callers that need the
    /// assembler's own error value (to re-point it), with the same result as `assemble`.
    public static func assemblyOptions(validate: Bool, features: Features = .default) -> WatAssembler.Options {
        WatAssembler.Options(validate: validate, debugNames: true, recordOffsets: true, features: features)
    }

    /// Whether `bytes` are a Wasm binary (by content, never by file name).
    public static func isBinary(_ bytes: [UInt8]) -> Bool { bytes.starts(with: magic) }

    /// Whether bytes without the magic should be read as WAT rather than as a damaged binary:
    /// text has no control bytes but tab, CR and LF (and form feed, as some editors write).
    static func looksLikeText(_ bytes: [UInt8]) -> Bool {
        !bytes.prefix(4096).contains { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D && $0 != 0x0C }
    }

    public static func decode(_ bytes: [UInt8], path: String, features: Features = .default) throws(ModuleLoadError) -> Module {
        do {
            return try BinaryDecoder.decode(bytes, features: features)
        } catch {
            throw ModuleLoadError(file: path, error.description)
        }
    }

    /// The file's bytes, or a one-line reason: a missing file, a directory, a device or FIFO
    /// (which would block or never end), or the system's message for a failed read.
    public static func readFile(_ path: String) throws(ModuleLoadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw ModuleLoadError(file: path, "cannot read file: \(systemMessage(errno))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ModuleLoadError(file: path, "cannot read file: \(systemMessage(errno))") }
        let kind: String
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = ""
        case S_IFDIR: kind = "a directory"
        case S_IFCHR: kind = "a character device"
        case S_IFBLK: kind = "a block device"
        case S_IFIFO: kind = "a FIFO"
        case S_IFSOCK: kind = "a socket"
        default: kind = "a special file"
        }
        // A device or FIFO would never end or would block: refused before any read.
        guard kind.isEmpty else { throw ModuleLoadError(file: path, "cannot read file: not a regular file (\(kind))") }
        _ = fcntl(fd, F_SETFL, 0)  // reads block normally again
        // Read straight into an array of the file's size (a 20 MB module of DWARF is read in a
        // few calls, not copied chunk by chunk); a file that grew meanwhile is read on.
        let size = max(0, Int(info.st_size))
        var failure: Int32 = 0
        var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let n = read(fd, buffer.baseAddress! + count, size - count)
                if n == 0 { break }
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                count += n
            }
        }
        if failure != 0 { throw ModuleLoadError(file: path, "cannot read file: \(systemMessage(failure))") }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw ModuleLoadError(file: path, "cannot read file: \(systemMessage(errno))")
            }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    /// Checks that WAT source is UTF-8 without making a `String` of it (the assembler reads
    /// the bytes). ASCII, by far the common case, is recognised by one scan over the bytes.
    public static func checkUTF8(_ bytes: [UInt8], path: String) throws(ModuleLoadError) {
        var high: UInt8 = 0
        for byte in bytes { high |= byte }
        if high >= 0x80 { _ = try utf8Text(bytes, path: path) }
    }

    static func systemMessage(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }

    static func utf8Text(_ bytes: [UInt8], path: String) throws(ModuleLoadError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let lower = path.lowercased()
            if lower.hasSuffix(".wat") || lower.hasSuffix(".wast") {
                throw ModuleLoadError(file: path, "WAT source is not valid UTF-8")
            }
            throw ModuleLoadError(file: path, "not a WebAssembly module: no \\0asm header, and not WAT text (not valid UTF-8)")
        }
        return text
    }
}
